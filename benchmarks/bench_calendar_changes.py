"""Cost of a case log with many calendar changes (issue 13, "Also"): linear, not quadratic.

Run by hand, never by the test suite:

    python benchmarks/bench_calendar_changes.py

Each log holds a prescription and N/2 pairs (calendar change, its communication five
minutes later to the CPIP and the person). Prints the median over 3 runs of
``evaluate_case`` from JSON-like dicts and from typed events (the calendar is warmed
up first). Target: 64,000 events under 2 s; the time grows linearly (8× the events,
about 8× the time).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

from ppaip_rules.events import read_case
from ppaip_rules.timeline import evaluate_case

PARIS = ZoneInfo("Europe/Paris")


def log(n: int) -> list[dict]:
    t0 = dt.datetime(2025, 5, 12, 9, tzinfo=PARIS)
    events = [{"type": "prescription_received", "at": "2025-05-02"}]
    for i in range(n // 2):
        t = t0 + dt.timedelta(minutes=10 * i)
        events.append({"type": "calendar_changed", "at": t.isoformat()})
        events.append({"type": "calendar_change_communicated",
                       "at": (t + dt.timedelta(minutes=5)).isoformat(),
                       "to": ["cpip", "person"]})
    return events


def median_time(run) -> tuple[float, float]:
    """Median wall time and median CPU time of the process (a shared machine inflates
    the wall time; the CPU time is what one free core would take)."""
    wall, cpu = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    evaluate_case(log(10), as_of="2027-01-01")  # warm the calendar up
    print("events   JSON wall/CPU (s)   typed wall/CPU (s)   target: 64,000 events < 2 s")
    for n in (8_000, 64_000):
        data = log(n)
        typed = read_case(data)
        as_json = median_time(lambda d=data: evaluate_case(d, as_of="2027-01-01"))
        as_models = median_time(lambda c=typed: evaluate_case(c, as_of="2027-01-01"))
        print(f"{n:>6}   {as_json[0]:8.2f} / {as_json[1]:5.2f}   "
              f"{as_models[0]:9.2f} / {as_models[1]:5.2f}")


if __name__ == "__main__":
    main()
