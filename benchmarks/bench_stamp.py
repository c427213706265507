"""What the stamp costs a check: ``run_check`` (stamped) against the kind's own function.

    python benchmarks/bench_stamp.py            # medians of 7 runs of 200 checks

The stamp hashes the canonical JSON of the input each time (the parameters' hash is
computed once per parameter set). ``PPAIP_BENCH_SMOKE=1``: one tiny run, nothing timed.
"""

import json
import os
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ppaip_rules import DIJON, run_check
from ppaip_rules.checks import get_kind

SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
EXAMPLES = Path(__file__).resolve().parent.parent / "ppaip_rules" / "examples"
RUNS, NUMBER = (1, 1) if SMOKE else (7, 200)

for kind_name, file in (("programme", "programme.non-conforme.json"),
                        ("bilan", "bilan.non-conforme.json"),
                        ("activity", "activity.non-conforme.json")):
    data = json.loads((EXAMPLES / file).read_text(encoding="utf-8"))
    kind = get_kind(kind_name)
    run_check(kind_name, data)
    bare = statistics.median(timeit.repeat(
        lambda k=kind, d=data: k.run(d, DIJON), number=NUMBER, repeat=RUNS)) / NUMBER
    stamped = statistics.median(timeit.repeat(
        lambda n=kind_name, d=data: run_check(n, d), number=NUMBER, repeat=RUNS)) / NUMBER
    print(f"{kind_name:<10} sans tampon {bare * 1e6:8.0f} µs ; avec tampon "
          f"{stamped * 1e6:8.0f} µs ; surcoût {(stamped - bare) * 1e6:6.0f} µs")
