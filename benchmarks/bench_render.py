"""Speed and size of the printable reports of a 2,000-case lot (issue 15), run by hand.

    python benchmarks/bench_render.py            # 2,000 cases, 5 repeats
    python benchmarks/bench_render.py --cases 500 --repeats 3

Builds the lot report of synthetic cases (the generator of bench_timeline.py, spread
over the two SPIP of lot 5), then renders it as HTML (with and without the matplotlib
charts), CSV and XLSX, and the coordinator's week (text and ICS) of the same cases.
Prints the median wall time of each and the size of what it writes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).parent))

from bench_timeline import generate

from ppaip_rules import lot_report
from ppaip_rules.render import charts, render
from ppaip_rules.week import week_ics, week_view


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases = [attrs.evolve(c, spip="21" if i % 3 else "71")
             for i, c in enumerate(generate(args.cases))]
    t, report = timed(lambda: lot_report(cases, 5, ("2025-03-01", "2026-02-28"),
                                         contract_start="2025-03-01"), 1)
    print(f"lot_report, {args.cases} cases: {t:.2f} s; {len(report.report.findings)} findings")
    rows = [("html (charts)" if charts.available() else "html (no matplotlib)",
             lambda: render(report, "html"))]
    if charts.available():
        def no_charts():
            saved = charts.available
            charts.available = lambda: False
            try:
                return render(report, "html")
            finally:
                charts.available = saved
        rows.append(("html (no charts)", no_charts))
    rows += [("csv", lambda: render(report, "csv")), ("xlsx", lambda: render(report, "xlsx"))]
    for name, fn in rows:
        t, out = timed(fn, args.repeats)
        print(f"  {name:<22} median {t * 1000:8.1f} ms   {len(out) / 1024:8.0f} KiB")
    t, week = timed(lambda: week_view(cases, as_of="2025-09-01"), 1)
    print(f"semaine, {args.cases} cases: {t * 1000:.0f} ms; {len(week.items)} due dates")
    t, out = timed(lambda: week_ics(week), args.repeats)
    print(f"  {'ics':<22} median {t * 1000:8.1f} ms   {len(out) / 1024:8.0f} KiB")


if __name__ == "__main__":
    main()
