"""Many cases from NDJSON with evaluate_cases(): cost per case and per core, speed-up, memory.

Run by hand, never by the test suite (from the repository root):

    PYTHONPATH=. python benchmarks/bench_batch.py                 # 20,000 cases
    PYTHONPATH=. python benchmarks/bench_batch.py --cases 100000
    PYTHONPATH=. python benchmarks/bench_batch.py --parts         # cost of each part


The cases are those of ``bench_timeline.py`` (about 20 events each), written once
as an NDJSON file. Each configuration runs in a fresh process
(``--run FILE WORKERS``), so that its peak memory is its own: the peak resident
set size of the parent and of the largest worker (``resource.getrusage``). The
rows are consumed and dropped, as a job that writes them out would.

Each run also times a fixed pure-Python loop before and after (the machine's speed at
that moment); only the rounds whose runs all stayed within 15 % of the best count
(``measure``): on a shared virtual machine, the same computation sometimes runs at half
speed for a minute. Around each round, the same loop also runs in two processes at once
against one alone: the speed-up the machine itself gives two processes then (its
"ceiling", 2.0 on two free cores), printed next to the measured one.

Targets (issue 13): on 2 workers at least 1.7× faster than on 1; memory under
150 MB whatever the number of cases (checked by running twice the cases); the
projection to 5 M case-years is printed from the measured cost per case.

``--parts`` measures, in this process and in CPU time (best of 5 passes over 3,000
cases, per case), each part of the path of one NDJSON case: reading the line
(``load_json``, and ``json.loads`` alone as the floor), evaluating it, writing its
rows in one process (``rows_of``), and on several processes the worker's part
(the rows' values, pickled) and the parent's (unpickled, rows built).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

AS_OF = "2026-06-30T12:00:00+02:00"
#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"

#: Each run and its workers read and write compiled bytecode in a private cache, as an
#: installed package would (PYTHONDONTWRITEBYTECODE would make each worker compile it all).
FRESH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FRESH_ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "ppaip-bench-pycache")


def write_ndjson(path: Path, n: int, seed: int = 2025) -> None:
    from bench_timeline import as_dict, generate_case

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps(as_dict(generate_case(rng, i)), ensure_ascii=False) + "\n")


def busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def calibration_ms() -> float:
    """The best of 5 runs of a fixed pure-Python loop (ms): the machine's speed now."""
    from bench_timeline import timed_once

    def loop() -> None:
        total = 0
        for i in range(200_000):
            total += i * i % 7
    return min(timed_once(loop) for _ in range(5)) * 1000


#: A fixed pure-Python loop, run as a script: ``two_core_ceiling``.
LOOP = "import time\nt = time.perf_counter()\ntotal = 0\nfor i in range(3_000_000): " \
       "total += i * i % 7\nprint(time.perf_counter() - t)"


def two_core_ceiling() -> float:
    """What the machine gives two processes now: the speed-up of a fixed pure-Python
    loop run in two processes at once against one alone (2.0 on two free cores; a
    shared virtual machine sometimes gives its second core only in part)."""
    def loops(n: int) -> float:
        procs = [subprocess.Popen([sys.executable, "-c", LOOP], stdout=subprocess.PIPE,
                                  text=True) for _ in range(n)]
        return max(float(p.communicate()[0]) for p in procs)
    alone = min(loops(1) for _ in range(2))
    return 2 * alone / loops(2)


def run(path: str, workers: int) -> None:
    """One configuration, in this (fresh) process: prints a JSON line of measurements."""
    from ppaip_rules.batch import evaluate_cases

    before = calibration_ms()
    busy = busy_seconds()
    t, c = time.perf_counter(), time.process_time()
    cases = obligations = findings = 0
    for rows in evaluate_cases(Path(path), as_of=AS_OF, workers=workers):
        cases += 1
        obligations += len(rows.obligations)
        findings += len(rows.findings)
    wall = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent = time.process_time() - c
    # Other work on the machine meanwhile, in cores kept busy: the cores this run did not use.
    others = None if busy is None else max(0.0, busy_seconds() - busy - parent
                                           - kids.ru_utime - kids.ru_stime) / wall
    print(json.dumps({
        "calibration": max(before, calibration_ms()),
        "other_cores": others,
        "cases": cases, "obligations": obligations, "findings": findings, "wall": wall,
        "cpu": parent + kids.ru_utime + kids.ru_stime, "cpu_parent": parent,
        "cpu_workers": kids.ru_utime + kids.ru_stime,
        "rss_parent_mb": own.ru_maxrss / 1024, "rss_worker_mb": kids.ru_maxrss / 1024}))


def parts(n: int) -> None:
    """CPU time per case of each part of the path of one NDJSON case (in this process)."""
    import pickle
    import timeit

    from ppaip_rules.batch import _rows, _unpack, _values, rows_of
    from ppaip_rules.parsing import load_json
    from ppaip_rules.timeline import evaluate_case

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.ndjson"
        write_ndjson(path, n)
        lines = path.read_bytes().splitlines()
    data = [load_json(line) for line in lines]
    evs = [evaluate_case(d, as_of=AS_OF) for d in data]
    packed = [(ev.case_id, *_values(ev)) for ev in evs]
    chunks = [packed[i:i + 200] for i in range(0, n, 200)]
    sent = [pickle.dumps(c, pickle.HIGHEST_PROTOCOL) for c in chunks]

    def cpu(fn) -> float:
        timer = time.process_time
        return min(timeit.repeat(fn, timer=timer, number=1, repeat=1 if SMOKE else 5)) / n * 1e6

    print(f"{n:,} cas NDJSON, temps CPU par cas (µs), meilleur de {1 if SMOKE else 5} passages")
    for label, fn in (
        ("lecture de la ligne (load_json)", lambda: [load_json(x) for x in lines]),
        ("   dont json.loads seul (plancher)", lambda: [json.loads(x) for x in lines]),
        ("évaluation (evaluate_case, objet JSON lu)",
         lambda: [evaluate_case(d, as_of=AS_OF) for d in data]),
        ("lignes plates, 1 processus (rows_of)",
         lambda: [rows_of(ev, i) for i, ev in enumerate(evs)]),
        ("worker : valeurs des lignes + pickle", lambda: [pickle.dumps(
            [(ev.case_id, *_values(ev)) for ev in evs[i:i + 200]], pickle.HIGHEST_PROTOCOL)
            for i in range(0, n, 200)]),
        ("parent : unpickle + lignes construites",
         lambda: [_unpack(0, pickle.loads(x)) for x in sent]),
        ("   dont lignes construites seules", lambda: [_rows(0, *p) for p in packed]),
    ):
        print(f"{label:<52} {cpu(fn):>8.1f}")
    print(f"{'octets envoyés par cas (pickle)':<52} {sum(map(len, sent)) / n:>8.0f}")


def measure(path: Path, workers: tuple[int, ...], repeats: int) -> list[dict]:
    """The median of each measurement, per number of workers, over the quiet rounds; the
    configurations take turns (1, 2, 1, 2…), so that a change of the machine's load
    weighs on each alike.

    On a shared virtual machine the speed of one same computation changes from minute
    to minute (sometimes by half): each run times a fixed loop before and after
    (``calibration``), and a round counts only when every run of it stayed within 15 %
    of the best calibration seen (all rounds when none did). ``rounds`` says how many
    counted."""
    rounds: list[list[dict]] = []
    for _ in range(repeats):
        rounds.append([])
        ceiling = two_core_ceiling()
        for n in workers:
            out = subprocess.check_output([sys.executable, __file__, "--run", str(path),
                                           str(n)], text=True, env=FRESH_ENV)
            rounds[-1].append(json.loads(out.strip().splitlines()[-1]))
        ceiling = min(ceiling, two_core_ceiling())
        for r in rounds[-1]:
            r["ceiling"] = ceiling
    best = min(r["calibration"] for one in rounds for r in one)
    quiet = [one for one in rounds if all(r["calibration"] <= 1.15 * best for r in one)]
    kept = quiet or rounds
    results = [[one[i] for one in kept] for i in range(len(workers))]
    return [{"rounds": f"{len(kept)}/{len(rounds)}",
             **{k: statistics.median(r[k] for r in runs) if runs[0][k] is not None else None
                for k in runs[0]}} for runs in results]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--run", nargs=2, metavar=("FILE", "WORKERS"))
    parser.add_argument("--parts", action="store_true")
    args = parser.parse_args()
    if args.run:
        run(args.run[0], int(args.run[1]))
        return
    if SMOKE:
        args.cases, args.repeats = 40, 1
    if args.parts:
        parts(40 if SMOKE else 3_000)
        return
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "cases.ndjson", Path(tmp) / "cases-x2.ndjson"
        write_ndjson(small, args.cases)
        write_ndjson(large, 2 * args.cases)
        subprocess.run([sys.executable, "-c", "import ppaip_rules.batch, ppaip_rules.registry as r; "
                                              "r.load()"],
                       env=FRESH_ENV, check=True)  # fills the bytecode cache
        print(f"{args.cases:,} cas NDJSON ({small.stat().st_size / 1e6:.1f} Mo), "
              f"{os.cpu_count()} cœurs, médiane des tours calmes sur {args.repeats} ; cibles du "
              f"ticket 13 en regard")
        one, two = measure(small, (1, 2), args.repeats)
        (double,) = measure(large, (2,), 1)
        load = " ; ".join(f"{x:.1f}" for x in os.getloadavg())
    per_case_us = one["cpu"] / one["cases"] * 1e6
    print(f"{'mesure':<52} {'valeur':>12}  cible")
    print(f"{'1 processus : temps mur (s)':<52} {one['wall']:>12.2f}")
    print(f"{'1 processus : coût par cas, CPU (µs)':<52} {per_case_us:>12.0f}")
    print(f"{'1 processus : cas par seconde et par cœur':<52} {1e6 / per_case_us:>12.0f}")
    print(f"{'2 processus : temps mur (s)':<52} {two['wall']:>12.2f}")
    print(f"{'accélération 2 processus / 1':<52} {one['wall'] / two['wall']:>11.2f}×  ≥ 1,7× "
          f"({two['rounds']} tours calmes)")
    print(f"{'plafond de la machine : boucle pure, 2 processus / 1':<52} "
          f"{two['ceiling']:>11.2f}×  (2,00 sur deux cœurs libres)")
    print(f"{'2 processus : CPU total par cas (µs)':<52} "
          f"{two['cpu'] / two['cases'] * 1e6:>12.0f}")
    print(f"{'2 processus : CPU du parent / des workers (s)':<52} "
          f"{two['cpu_parent']:>5.2f} / {two['cpu_workers']:<5.2f}")
    # On a machine shared with other work, wall time says little: the speed-up two free
    # cores would give, from CPU time (this process and the started one in parallel).
    busiest = max(two["cpu_parent"], two["cpu_workers"])
    print(f"{'accélération 2 / 1 estimée d’après le CPU':<52} {one['cpu'] / busiest:>11.2f}×  "
          f"≥ 1,7× (charge moyenne 1/5/15 min : {load})")
    if one["other_cores"] is not None:
        # Two processes need both cores: other work meanwhile slows them, not one process.
        print(f"{'autre travail pendant la mesure, 1 / 2 processus':<52} "
              f"{one['other_cores']:>5.2f} / {two['other_cores']:<5.2f}  "
              f"cœurs occupés ailleurs ; au-delà de 0,1, refaire la mesure")
    for label, r in (("1 processus", one), ("2 processus", two), ("2 processus, 2× cas", double)):
        print(f"{label + ' : mémoire max parent / worker (Mo)':<52} "
              f"{r['rss_parent_mb']:>5.0f} / {r['rss_worker_mb']:<5.0f}  < 150 Mo")
    print(f"{'obligations / constats par cas':<52} {one['obligations'] / one['cases']:>6.1f} / "
          f"{one['findings'] / one['cases']:.1f}")
    for cores in (1, 2, 8, 32):
        hours = 5_000_000 * per_case_us / 1e6 / cores / 3600
        print(f"{'projection 5 M cas-années, ' + str(cores) + ' cœur(s) (h)':<52} {hours:>12.2f}")


if __name__ == "__main__":
    main()
