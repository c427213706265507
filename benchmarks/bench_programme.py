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
"""

from __future__ import annotations

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
