"""Speed of the calendar and of deadline(), side by side with workalendar and holidays.

Run by hand, never by the test suite. The peers are installed in the benchmark's
own environment only:

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install workalendar holidays . # from the repository root
    /tmp/bench-venv/bin/python benchmarks/bench_core.py

Prints, for each operation, the median time per call over several repeats
(each repeat times a batch of random start dates), and the ratio to ours.
Targets (issue 2): ≤ 1.5 µs per raw addition of N jours ouvrés, ≤ 3 µs per
deadline() call (trace built lazily), import of ppaip_rules under 150 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import timeit

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
REPEATS = 1 if SMOKE else 7
BATCH = 50 if SMOKE else 20_000


def median_us(fn, args) -> float:
    """Median over REPEATS of the time per call (µs) on the batch ``args``."""
    def run():
        for a in args:
            fn(*a)
    run()  # warm-up: builds lazy tables / caches of every library alike
    times = timeit.repeat(run, number=1, repeat=REPEATS)
    return statistics.median(times) / len(args) * 1e6


def import_ms() -> float:
    """Median wall time of ``import ppaip_rules`` in a fresh interpreter (ms)."""
    code = ("import time; t = time.perf_counter(); import ppaip_rules; "
            "print((time.perf_counter() - t) * 1000)")
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True))
            for _ in range(REPEATS)]
    return statistics.median(runs)


def main() -> None:
    from ppaip_rules import deadline, get_calendar

    rng = random.Random(2025)
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 5 * 365))
              for _ in range(BATCH)]
    ns = [rng.randrange(1, 30) for _ in range(BATCH)]
    args = list(zip(starts, ns, strict=True))

    cal = get_calendar()
    ours = median_us(cal.add_working_days, args)  # default unit: jours ouvrés, as the peers
    results = {"ppaip_rules add_working_days": ours}

    try:
        from workalendar.europe import France as WFrance

        wcal = WFrance()
        results["workalendar France().add_working_days"] = median_us(wcal.add_working_days, args)
    except ImportError:
        print("workalendar absent: pip install workalendar in the benchmark environment")
    try:
        import holidays

        hcal = holidays.France(years=range(2025, 2032))
        results["holidays get_nth_working_day"] = median_us(hcal.get_nth_working_day, args)
    except (ImportError, AttributeError):
        print("holidays.get_nth_working_day unavailable (holidays >= 0.74 needed)")

    rules = ["PROG-FIRST-MEETING", "END-BILAN-IND", "STAFF-REPLACE", "PROG-START"]
    dl_args = [(rules[i % 4], d) for i, d in enumerate(starts)]
    results["ppaip_rules deadline() (trace lazy)"] = median_us(deadline, dl_args)
    results["ppaip_rules deadline().trace (trace built)"] = median_us(
        lambda r, d: deadline(r, d).trace, dl_args[:2000])

    # Same answers, or the comparison means nothing.
    if "workalendar France().add_working_days" in results:
        for d, n in args[:2000]:
            assert cal.add_working_days(d, n) == wcal.add_working_days(d, n), (d, n)

    print(f"{'operation':<48} {'median µs/call':>15} {'× ours':>8}")
    for name, us in results.items():
        print(f"{name:<48} {us:>15.2f} {us / ours:>8.1f}")
    print(f"{'import ppaip_rules (fresh interpreter, ms)':<48} {import_ms():>15.1f}")


if __name__ == "__main__":
    main()
