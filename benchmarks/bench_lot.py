"""Speed and memory of the lot report (lot_report, the "activity" kind), run by hand.

    python benchmarks/bench_lot.py                 # 1,000 and 4,000 cases
    python benchmarks/bench_lot.py --cases 500 2000

Cases come from the generator of bench_timeline.py (about 20 events each, two SPIP of
lot 5). For each size: the median CPU time of ``lot_report`` from models and of the
``activity`` check kind from a JSON-like document, and the tracemalloc peak of one pass.
Then (``--stream`` sizes) the report computed chunk by chunk (``LotAccumulator``) from
JSON cases generated on the fly: its peak must not follow the number of cases; what
stays is the report's own per-case content (findings, reconciliation rows, case IDs).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc

import attrs
from bench_timeline import as_dict, generate

import ppaip_rules.lot as lot_module
from ppaip_rules import lot_report, run_check

SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
PERIOD = ("2025-03-01", "2026-02-28")
AS_OF = "2026-03-01T12:00:00+01:00"


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        out = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), out


def cases_of(n: int):
    return [attrs.evolve(c, spip="21" if i % 3 else "71") for i, c in enumerate(generate(n))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="*", default=[1000, 4000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stream", type=int, nargs="*", default=[1000, 4000, 16000],
                        help="sizes of the chunked run (memory)")
    args = parser.parse_args()
    sizes, repeats = ([20, 40], 1) if SMOKE else (args.cases, args.repeats)
    print(f"Python {sys.version.split()[0]}; lot 5, period {PERIOD[0]} – {PERIOD[1]}; median "
          f"of {repeats}")
    for n in sizes:
        cases = cases_of(n)
        t, report = timed(lambda: lot_report(cases, 5, PERIOD, as_of=AS_OF,  # noqa: B023
                                             contract_start="2025-03-01"), repeats)
        print(f"{n:>6} cases: lot_report (models) {t:6.2f} s ({t / n * 1e6:6.0f} µs/case); "
              f"{len(report.report.findings)} findings")
        doc = {"lot": 5, "period": {"start": PERIOD[0], "end": PERIOD[1]},
               "contract_start": "2025-03-01", "cases": [as_dict(c) for c in cases]}
        t, _ = timed(lambda: run_check("activity", doc, as_of=AS_OF), repeats)  # noqa: B023
        print(f"{'':>6}        activity kind (JSON)  {t:6.2f} s ({t / n * 1e6:6.0f} µs/case)")
        gc.collect()
        tracemalloc.start()
        lot_report(cases, 5, PERIOD, as_of=AS_OF, contract_start="2025-03-01")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{'':>6}        one pass: tracemalloc peak {peak / 2**20:6.1f} MB (the cases "
              f"held in memory not counted)")
    if hasattr(lot_module, "LotAccumulator"):
        chunked([30, 60] if SMOKE else args.stream)
        chunked([30, 60] if SMOKE else args.stream, case_findings=False)


def chunked(sizes, case_findings: bool = True) -> None:
    """The report chunk by chunk from a stream of JSON cases generated on the fly (never all
    in memory): the tracemalloc peak of the whole stream, and what stays at the end (the
    report's own per-case content: findings, reconciliation rows, case IDs)."""
    import random

    from bench_timeline import generate_case

    from ppaip_rules.lot import LotAccumulator

    chunk = 10 if SMOKE else 200
    print(f"\nChunk by chunk (LotAccumulator, {chunk} JSON cases a chunk, generated on the "
          f"fly; case_findings={case_findings})")

    def stream(n):
        rng = random.Random(2025)
        acc = LotAccumulator(5, PERIOD, as_of=AS_OF, contract_start="2025-03-01",
                             case_findings=case_findings)
        for start in range(0, n, chunk):
            acc.add([as_dict(attrs.evolve(generate_case(rng, i), spip="21" if i % 3 else "71"))
                     for i in range(start, min(n, start + chunk))])
        return acc, acc.report()

    for n in sizes:
        gc.collect()
        cpu = time.process_time()
        stream(n)
        cpu = time.process_time() - cpu
        gc.collect()
        tracemalloc.start()
        acc, report = stream(n)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{n:>6} cases: {cpu:6.2f} s CPU ({cpu / n * 1e6:5.0f} µs/case, JSON read and "
              f"cases generated included); tracemalloc peak {peak / 2**20:5.1f} MB, of which "
              f"kept at the end {current / 2**20:5.1f} MB ({current / n:5.0f} B/case: "
              f"{len(report.report.findings)} findings, {len(report.reconciliation)} "
              f"reconciliation rows), working {(peak - current) / 2**20:4.1f} MB")
        del acc, report


if __name__ == "__main__":
    main()
