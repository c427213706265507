"""Throughput of check_programme (target: >= 20,000 proposals per second on one core).

Run by hand, pinned to one core:

    taskset -c 0 python benchmarks/bench_programme.py

Each figure is the median of 9 runs of about 0.3 s, in checks per second, measured
both in wall-clock time and in the process's CPU time (the latter is less disturbed
by other programs on a shared machine). Inputs:

- "typique": the proposal a provider sends after the first interview — 12 h of
  individual support, 3 catalogue actions, 2 workshops (one à la carte), 4 planned
  sessions, no Region-funded training (``training_slots: []``), hours recorded;
- "avec formation Région": the same with 2 training slots to check for overlaps
  (``examples/programme.conforme.json``);
- "non conforme": ``examples/programme.non-conforme.json`` (9 findings, all worded);

each given as a dict parsed from JSON (what a non-Python caller sends) and, for the
typical one, as the attrs model already built (what a Python caller may keep).

Last, the scale case of issue 13: 1,000 sessions and 1,000 training slots that all
overlap. Overlaps are reported per session (1,000 findings, not a million), found with a
sorted index (before: 1,000,000 findings in 12.7 s of CPU on this machine).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ppaip_rules import check_programme
from ppaip_rules.programme import read_proposal

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
EXAMPLES = Path(__file__).resolve().parent.parent / "ppaip_rules" / "examples"


def load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def rates(fn: Callable[[Any], Any], arg: Any, seconds: float = 0.0 if SMOKE else 0.3) -> tuple[float, float]:
    """(wall, cpu) calls per second of ``fn(arg)`` over a batch lasting about ``seconds``."""
    n = 64
    while True:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn(arg)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall >= seconds:
            return n / wall, n / max(cpu, 1e-9)
        n *= 2


def main() -> int:
    with_training = load("programme.conforme.json")
    typical = {**with_training, "training_slots": []}
    faulty = load("programme.non-conforme.json")
    assert check_programme(typical).ok and check_programme(with_training).ok
    assert len(check_programme(faulty).findings) == 9
    rows = [("dict JSON, typique", typical),
            ("dict JSON, avec formation Région", with_training),
            ("modèle attrs, typique", read_proposal(typical)),
            ("dict JSON, non conforme (9 constats)", faulty)]
    print(f"Python {sys.version.split()[0]} — check_programme, médiane de 9 mesures")
    print(f"{'entrée':<40} {'contrôles/s (horloge)':>22} {'contrôles/s (CPU)':>19}")
    for label, arg in rows:
        measured = [rates(check_programme, arg) for _ in range(1 if SMOKE else 9)]
        wall = statistics.median(w for w, _ in measured)
        cpu = statistics.median(c for _, c in measured)
        print(f"{label:<40} {wall:>16,.0f} ({1e6 / wall:5.1f} µs) {cpu:>12,.0f} "
              f"({1e6 / cpu:5.1f} µs)")
    print("cible : au moins 20 000 contrôles/s (CPU) avec formation Région")
    day = dt.datetime(2025, 3, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    n = 1000
    big = {"individual_hours": 12, "individual_actions": ["guidance_assessment"],
           "sessions": [{"start": (day + dt.timedelta(hours=i)).isoformat(), "hours": 1}
                        for i in range(n)],
           "training_slots": [{"start": day.isoformat(),
                               "end": (day + dt.timedelta(hours=n)).isoformat()}] * n}
    cpu = time.process_time()
    found = len(check_programme(big).by_rule("PROG-TRAINING-OVERLAP"))
    cpu = time.process_time() - cpu
    print(f"{n} séances x {n} créneaux qui se chevauchent tous : {found:,} constats, "
          f"{cpu:.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
