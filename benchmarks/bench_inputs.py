"""Speed of reading inputs: the kinds read by the generic layer (ppaip_rules.describe).

Run by hand, never by the suite:

    python benchmarks/bench_inputs.py

Prints the median time per call (µs) over several batches of: the ``deadline`` kind on
a JSON-like document (read + deadline + report), the ``eligibility`` kind (a person and
a prescription read, eight rules), ``check_orientation``, and the readers alone. Run it
on two checkouts (``PYTHONPATH=…``) to compare a change.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from ppaip_rules import DIJON, check_eligibility, check_orientation, run_check
from ppaip_rules.eligibility import read_entry

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
BATCH, REPEATS = (20, 1) if SMOKE else (5_000, 9)

DEADLINE = {"rule_id": "PROG-FIRST-MEETING", "trigger": "2025-05-02", "act": "2025-05-09",
            "extend_to_working_day": True}
PERSON = {"id": "P-1", "birth_date": "1990-03-01", "status": "Condamné",
          "followed_by_spip": True, "volunteer": True, "needs_support": True, "setting": "community",
          "regular_residence": True, "global_support_association": False}
RX = {"id": "RX-1", "date": "2025-05-15", "prescriber_role": "cpip", "channel": "ipro360"}
ORIENTATION = {"source": "other", "channel": "email", "ipro_unavailable": True, "id": "O-1"}


def median_us(fn: Callable[[], Any]) -> float:
    fn()  # warm-up: holiday tables, plans, caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(BATCH):
            fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / BATCH * 1e6


def main() -> int:
    rows = {
        "run_check('deadline', dict)": lambda: run_check("deadline", DEADLINE),
        "check_eligibility(dict, dict)": lambda: check_eligibility(PERSON, RX),
        "check_orientation(dict)": lambda: check_orientation(ORIENTATION),
        "read_entry(dict, dict) (lecture seule)": lambda: read_entry(PERSON, RX, DIJON),
    }
    print(f"Python {sys.version.split()[0]} — médiane de {REPEATS} lots de {BATCH} appels")
    for label, fn in rows.items():
        print(f"{label:<42} {median_us(fn):8.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
