"""evaluate_case in two checkouts, side by side: CPU per case from typed events and from JSON.

Run by hand, never by the test suite (from the repository root):

    git worktree add /tmp/before v0.3.0          # or any commit to compare with
    PYTHONPATH=. python benchmarks/bench_compare.py --old /tmp/before --new . --rounds 8
    PYTHONPATH=. python benchmarks/bench_compare.py --old /tmp/before --new . --instructions

``--instructions`` counts, with ``valgrind --tool=callgrind`` (when installed), the
machine instructions of evaluate_case per case instead of timing it: a count that the
load of the machine does not change. Each checkout runs one warm pass over 400 cases,
then three; the difference, divided by the 800 cases of the two extra passes, is
printed (``PYTHONHASHSEED=0``, bytecode cached beforehand).

On a shared virtual machine the speed of one same computation varies from minute to
minute, sometimes twice over. So the two checkouts take turns, each run in a fresh
process, and each run also times the core's ``deadline()`` before and after (the
machine's speed at that moment). Only the runs whose calibration is within 20 % of the
best seen count ("quiet" runs); the medians and the best of those are printed, with the
ratio new / old. Targets (issue 13 item 4): under 60 µs per case from typed events and
under 120 µs from JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"

#: One run, in the checkout's directory: the calibration before and after, CPU µs per case
#: from typed events, from JSON-like dicts (best of 3 passes each).
RUN = r'''
import gc, json, sys, time
sys.path.insert(0, "benchmarks")
import bench_timeline as b
from ppaip_rules.timeline import evaluate_case
n = int(sys.argv[1])
cases = b.generate(n); dicts = b.as_dicts(cases)
for c in cases[: max(1, n // 10)]: evaluate_case(c, as_of=b.AS_OF)
def run(items):
    gc.collect(); start = time.process_time()
    for item in items: evaluate_case(item, as_of=b.AS_OF)
    return (time.process_time() - start) / len(items) * 1e6
before = b.deadline_us()
run(cases)
typed = min(run(cases) for _ in range(3)); from_json = min(run(dicts) for _ in range(3))
print(json.dumps([max(before, b.deadline_us()), typed, from_json]))
'''


def one_run(checkout: Path, cases: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run([sys.executable, "-c", RUN, str(cases)], cwd=checkout, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


#: ``--instructions``: one run over 400 cases (typed or JSON), ``passes`` warm passes.
COUNT = r'''
import sys
sys.path.insert(0, "benchmarks")
import bench_timeline as b
from ppaip_rules.timeline import evaluate_case
cases = b.generate(400); dicts = b.as_dicts(cases)
items = dicts if sys.argv[1] == "json" else cases
for _ in range(int(sys.argv[2])):
    for item in items: evaluate_case(item, as_of=b.AS_OF)
'''


def instructions(checkout: Path, mode: str) -> float:
    """Instructions per case of evaluate_case (``mode``: typed or json), by callgrind."""
    import re
    import tempfile

    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0",
           "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "ppaip-bench-pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", COUNT, mode, "1"], cwd=checkout, env=env, check=True)
    counts = []
    for passes in (1, 3):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
                 sys.executable, "-c", COUNT, mode, str(passes)],
                cwd=checkout, env=env, capture_output=True, text=True, check=True)
        counts.append(int(re.search(r"Collected : (\d+)", done.stderr).group(1)))
    return (counts[1] - counts[0]) / 800


def count_instructions(old: Path, new: Path) -> None:
    import shutil

    if shutil.which("valgrind") is None:
        print("valgrind absent : rien à compter (apt-get install valgrind)")
        return
    for mode in ("typed", "json"):
        before, after = instructions(old, mode), instructions(new, mode)
        print(f"{'modèles' if mode == 'typed' else 'JSON':>7} : {before / 1000:7.1f} k → "
              f"{after / 1000:7.1f} k instructions par cas (rapport {after / before:.2f})")


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, default=here, help="checkout to compare with")
    parser.add_argument("--new", type=Path, default=here, help="checkout measured")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--instructions", action="store_true",
                        help="compter les instructions (valgrind) au lieu de chronométrer")
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args.old.resolve(), args.new.resolve())
        return
    rounds, cases = (1, 20) if SMOKE else (args.rounds, args.cases)
    runs: dict[str, list[list[float]]] = {"old": [], "new": []}
    for _ in range(rounds):
        for name in ("old", "new"):
            runs[name].append(one_run(getattr(args, name).resolve(), cases))
    best = min(r[0] for rs in runs.values() for r in rs)
    print(f"{cases} cas, {rounds} tours alternés ; étalonnage deadline() : meilleur "
          f"{best:.2f} µs (un tour compte s'il reste à moins de 20 % de ce meilleur)")
    medians = {}
    for name, rs in runs.items():
        quiet = [r for r in rs if r[0] <= 1.2 * best] or rs
        typed = statistics.median(r[1] for r in quiet)
        from_json = statistics.median(r[2] for r in quiet)
        medians[name] = (typed, from_json)
        print(f"{name:>3} ({getattr(args, name)}) : {len(quiet)}/{len(rs)} tours calmes ; "
              f"modèles {typed:6.1f} µs/cas (meilleur {min(r[1] for r in rs):6.1f}, cible "
              f"< 60) ; JSON {from_json:6.1f} µs/cas (meilleur {min(r[2] for r in rs):6.1f}, "
              f"cible < 120)")
    (old_t, old_j), (new_t, new_j) = medians["old"], medians["new"]
    print(f"rapport nouveau / ancien : modèles {new_t / old_t:.2f}, JSON {new_j / old_j:.2f}")


if __name__ == "__main__":
    main()
