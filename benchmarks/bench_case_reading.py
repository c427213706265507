"""CPU time of reading a case from JSON (issue 13 item 4), next to evaluate_case's.

Run by hand, never by the suite:

    python benchmarks/bench_case_reading.py

On the synthetic cases of bench_timeline.py (about 22 events each), prints the median
CPU time per case (``time.process_time``: a loaded machine inflates wall time, far less
CPU time) of: ``read_case`` from JSON-like dicts alone, ``evaluate_case`` from those
dicts, and ``evaluate_case`` from typed events; then the reading's share, the event
models' own post-initialisation (day, timestamp, sort key) included. Every call is
warmed up first (the deadline tables of every case are computed before timing). Run it
on two checkouts (``PYTHONPATH=…``) to compare a change.

Targets (issue 13): evaluate_case from JSON under 120 µs per case, from typed events
under 60 µs.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench_timeline import AS_OF, as_dicts, generate  # (this script's folder)

from ppaip_rules.events import read_case
from ppaip_rules.timeline import evaluate_case

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
CASES, REPEATS = (20, 1) if SMOKE else (1_000, 7)


def cpu_per_item(fn: Callable[[Any], Any], items: list[Any]) -> float:
    """CPU µs per item of one pass."""
    gc.collect()
    start = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - start) / len(items) * 1e6


def main() -> None:
    cases = generate(CASES)
    dicts = as_dicts(cases)
    events = sum(len(c.events) for c in cases) / len(cases)

    def evaluate(case: Any) -> Any:
        return evaluate_case(case, as_of=AS_OF)

    for fn, items in ((evaluate, dicts), (evaluate, cases), (read_case, dicts)):
        cpu_per_item(fn, items)  # warm-up: every case's deadline tables, the reading plans
    print(f"{CASES} cases, {events:.1f} events/case; CPU time per case, median of {REPEATS}")
    medians = {}
    for name, fn, items in (("read_case (JSON-like dicts)", read_case, dicts),
                            ("evaluate_case (JSON-like dicts)", evaluate, dicts),
                            ("evaluate_case (typed events)", evaluate, cases)):
        medians[name] = statistics.median(cpu_per_item(fn, items) for _ in range(REPEATS))
        print(f"  {name:34} {medians[name]:7.1f} µs")
    read = medians["read_case (JSON-like dicts)"]
    print(f"  reading per event: {read / events:.2f} µs (the model's post-initialisation "
          f"included); targets: JSON < 120 µs/case, typed < 60 µs/case")


if __name__ == "__main__":
    main()
