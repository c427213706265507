"""Speed of the calendar, deadline() and due_dates(), side by side with their peers.

Run by hand, never by the test suite. The peers (workalendar, holidays, numpy) are
installed in the benchmark's own environment only; the library is the checkout:

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install workalendar holidays numpy attrs python-dateutil tzdata
    PYTHONPATH=. /tmp/bench-venv/bin/python benchmarks/bench_core.py   # from the repository root

Every figure is a median over REPEATS runs, in CPU time (``time.process_time``),
so that other processes on a shared machine weigh less; each run times a batch of
random start dates. Ratios are taken within the same run. The targets of issue 13
are printed next to the measurements; ``--quick`` skips the 1 M equality check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from bisect import bisect_right

#: PPAIP_BENCH_SMOKE=1 (tests/test_benchmarks.py): tiny sizes, one repeat, no verdict on time.
SMOKE = os.environ.get("PPAIP_BENCH_SMOKE") == "1"
REPEATS = 1 if SMOKE else 7
BATCH = 50 if SMOKE else 20_000
CHECK = 1_000 if SMOKE else 1_000_000

#: Fresh interpreters read and write compiled bytecode in a private cache, as an installed
#: package would (PYTHONDONTWRITEBYTECODE would make each of them compile every module).
FRESH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FRESH_ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "ppaip-bench-pycache")


def median_us(fn, args) -> float:
    """Median over REPEATS of the CPU time per call (µs) on the batch ``args``."""
    def run():
        for a in args:
            fn(*a)
    run()  # warm-up: builds lazy tables / caches of every library alike
    times = timeit.repeat(run, number=1, repeat=REPEATS, timer=time.process_time)
    return statistics.median(times) / len(args) * 1e6


def median_rate(fn, *args) -> float:
    """Median items per second (millions) of ``fn(*args)``, whose first argument is the batch."""
    fn(*args)
    times = timeit.repeat(lambda: fn(*args), number=1, repeat=REPEATS, timer=time.process_time)
    return len(args[-1]) / statistics.median(times) / 1e6


def fresh_ms(code: str, runs: int = 7) -> float:
    """Median of the milliseconds that ``code`` prints, each run in a fresh interpreter.

    ``code`` measures CPU time (``time.process_time``) from its first statement, that is
    after the interpreter has started.
    """
    subprocess.run([sys.executable, "-c", code], env=FRESH_ENV, check=True,
                   capture_output=True)  # fills the bytecode cache
    values = [float(subprocess.check_output([sys.executable, "-c", code], text=True,
                                            env=FRESH_ENV))
              for _ in range(runs)]
    return statistics.median(values)


def wall_ms(argv: list[str], runs: int = 7) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system, ms) of a command."""
    walls, cpus = [], []
    subprocess.run(argv, check=True, capture_output=True, env=FRESH_ENV)  # bytecode cache
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=FRESH_ENV)
        walls.append((time.perf_counter() - t) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def row(name: str, value: float, unit: str, target: str = "", ratio: str = "") -> None:
    print(f"{name:<58} {value:>10.3f} {unit:<6} {ratio:>9} {target}")


def cold_start() -> None:
    print("\n== Démarrage à froid (processus neuf, médiane de 7 ; CPU sauf mention) ==")
    wall, cpu = wall_ms([sys.executable, "-c", "pass"])
    row("interpréteur seul (python -c pass), mur", wall, "ms")
    row("interpréteur seul (python -c pass), CPU", cpu, "ms")
    clock = "import time; t = time.process_time(); "
    done = "print((time.process_time() - t) * 1000)"
    row("import ppaip_rules", fresh_ms(clock + "import ppaip_rules; " + done), "ms",
        "cible < 80 ms")
    row("import + premier deadline()", fresh_ms(
        clock + "import datetime, ppaip_rules; "
        "ppaip_rules.deadline('END-BILAN-IND', datetime.date(2025, 5, 7)); " + done), "ms",
        "cible < 40 ms")
    row("  idem, échéance lue en texte ISO (« 2025-03-03 »)", fresh_ms(
        clock + "import ppaip_rules; ppaip_rules.deadline('END-BILAN-IND', '2025-03-03'); "
        + done), "ms", "cible < 40 ms")
    row("  idem puis la trace en français (importe le modèle)", fresh_ms(
        clock + "import datetime, ppaip_rules; ppaip_rules.deadline('END-BILAN-IND', "
        "datetime.date(2025, 5, 7)).trace; " + done), "ms")
    row("premier deadline() seul (son import, les tables du calendrier)", fresh_ms(
        "import datetime, ppaip_rules, time; t = time.process_time(); "
        "ppaip_rules.deadline('END-BILAN-IND', datetime.date(2025, 5, 7)); " + done), "ms")
    row("  pour mémoire : import holidays (l'ancienne source des tables)", fresh_ms(
        clock + "import holidays; holidays.country_holidays('FR', years=range(2008, 2101)); "
        + done), "ms")
    wall, cpu = wall_ms([sys.executable, "-m", "ppaip_rules.cli", "deadline", "END-BILAN-IND",
                         "2025-05-07"])
    row("ppaip-rules deadline END-BILAN-IND 2025-05-07, mur", wall, "ms", "cible < 200 ms")
    row("ppaip-rules deadline END-BILAN-IND 2025-05-07, CPU", cpu, "ms")


def one_deadline(starts) -> None:
    from ppaip_rules import deadline, deadlines, get_calendar

    print("\n== Un délai (µs par appel, CPU, médiane de 7 lots de 20 000) ==")
    cal = get_calendar()
    cal.is_jour_ouvre(dt.date(2025, 1, 1))  # builds the tables
    ords = cal._ouvres
    base = ords[0]
    dense = [ords[bisect_right(ords, o) + 4] for o in range(base, ords[-20])]
    fo = dt.date.fromordinal
    floor = median_us(lambda d: fo(dense[d.toordinal() - base]), [(d,) for d in starts])
    try:
        from workalendar.europe import France as WFrance

        wcal = WFrance()
    except ImportError:
        wcal = None
        print("workalendar absent : pip install workalendar dans l'environnement du banc")
    for rule_id, n, target in (("END-BILAN-IND", 5, 12), ("END-BILAN-COLL", 10, 25)):
        args = [(rule_id, d) for d in starts]
        ours = median_us(deadline, args)

        def cold(r, d):
            deadlines._MEMO.clear()
            return deadline(r, d)
        uncached = median_us(cold, args[:5000])
        row(f"ppaip_rules deadline({rule_id}) (trace à la demande)", ours, "µs",
            "cible < 1 µs")
        row("  idem, mémo vidé à chaque appel (calcul complet)", uncached, "µs")
        row("  table dense (plancher Python)", floor, "µs", "", f"{floor / ours:.2f}×")
        if wcal is not None:
            peer = median_us(wcal.add_working_days, [(d, n) for d in starts])
            row(f"  workalendar France().add_working_days(d, {n})", peer, "µs",
                f"cible ≥ {target}× plus lent que nous", f"{peer / ours:.1f}×")
            for d in starts[:2000]:
                assert deadline(rule_id, d).due == wcal.add_working_days(d, n), d
        try:
            import holidays

            hcal = holidays.France(years=range(2024, 2032))
            peer = median_us(hcal.get_nth_working_day, [(d, n) for d in starts])
            row(f"  holidays get_nth_working_day(d, {n})", peer, "µs", "",
                f"{peer / ours:.1f}×")
        except (ImportError, AttributeError):
            print("holidays.get_nth_working_day indisponible (holidays >= 0.74)")
        try:
            import numpy as np

            hol = np.array(sorted(h for y in range(2024, 2032) for h in cal.holidays(y)),
                           dtype="datetime64[D]")
            busdaycal = np.busdaycalendar(holidays=hol)
            peer = median_us(lambda d, n=n, c=busdaycal: np.busday_offset(
                d, n, roll="forward", busdaycal=c),
                             [(np.datetime64(d, "D"),) for d in starts[:5000]])
            row("  numpy busday_offset (un appel par date)", peer, "µs", "",
                f"{peer / ours:.1f}×")
        except ImportError:
            print("numpy absent")
    args = [("END-BILAN-IND", d) for d in starts[:2000]]
    row("deadline().trace (trace construite)", median_us(
        lambda r, d: deadlines._compute(r, d, deadlines._DIJON, True, False, False, None, True,
                                        ()).trace, args), "µs")


def batch(starts) -> None:
    from ppaip_rules import due_dates, get_calendar

    print("\n== Lots de délais : due_dates() (millions par seconde, CPU) ==")
    rng = random.Random(7)
    big = [dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange(0, 33_000))
           for _ in range(1_000_000)]
    cal = get_calendar()
    cal.is_jour_ouvre(dt.date(2025, 1, 1))  # builds the tables
    ords = cal._ouvres
    base = ords[0]
    dense = [dt.date.fromordinal(ords[bisect_right(ords, o) + 4])
             for o in range(base, ords[-20])]
    py = median_rate(lambda b: due_dates("END-BILAN-IND", b), big)
    row("due_dates(END-BILAN-IND, liste de dates)", py, "M/s", "cible ≥ 3 M/s")
    row("  table dense en compréhension de liste (plancher Python)",
        median_rate(lambda b: [dense[d.toordinal() - base] for d in b], big), "M/s")
    try:
        import numpy as np
    except ImportError:
        print("numpy absent : pip install 'ppaip-rules[numpy]'")
        return
    arr = np.array(big, dtype="datetime64[D]")
    row("due_dates(END-BILAN-IND, tableau numpy datetime64[D])",
        median_rate(lambda a: due_dates("END-BILAN-IND", a), arr), "M/s", "cible ≥ 30 M/s")
    hol = np.array(sorted(h for y in range(2008, 2101) for h in cal.holidays(y)),
                   dtype="datetime64[D]")
    cal_np = np.busdaycalendar(holidays=hol)
    row("  numpy busday_offset vectorisé (pair)", median_rate(
        lambda a: np.busday_offset(a, 5, roll="forward", busdaycal=cal_np), arr[:-20]), "M/s")
    # busday_offset rolls a non-working start forward then counts: the same as ours only
    # on working-day starts, which is enough to show the peer's speed.


def equality(n: int) -> None:
    """due_dates() equal to deadline() on n random triggers, every rule and policy."""
    from ppaip_rules import deadline, due_dates
    from ppaip_rules.deadlines import SPECS

    print(f"\n== Égalité due_dates() = deadline() sur {n:,} déclencheurs aléatoires ==")
    rng = random.Random(13)
    policies = [dict(zip(("extend_to_working_day", "backward_to_working_day",
                          "whit_monday_worked", "departement", "good_friday_holiday"), p,
                         strict=True))
                for p in itertools.product((True, False), (False, True), (False, True),
                                           (None, "57", "68"), (True, False))]
    groups: dict = {}
    paris = dt.timezone(dt.timedelta(hours=1))
    for _ in range(n):
        rule_id = rng.choice(list(SPECS))
        p = rng.randrange(len(policies))
        day = dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange(0, 33_000))
        trigger = day if not rule_id.endswith(("48H", "CHANGE")) else dt.datetime(
            day.year, day.month, day.day, rng.randrange(24), tzinfo=paris)
        groups.setdefault((rule_id, p), []).append(trigger)
    t = time.process_time()
    for (rule_id, p), triggers in groups.items():
        policy = policies[p]
        assert due_dates(rule_id, triggers, **policy) == [
            deadline(rule_id, x, **policy).due for x in triggers], (rule_id, policy)
    print(f"égal sur {n:,} déclencheurs, {len(groups)} couples (règle, politique) "
          f"({time.process_time() - t:.1f} s CPU)")


def main() -> None:
    rng = random.Random(2025)
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 5 * 365))
              for _ in range(BATCH)]
    print(f"Python {sys.version.split()[0]} ; cibles du ticket 13 en regard")
    print(f"{'mesure':<58} {'valeur':>10} {'unité':<6} {'rapport':>9} cible")
    cold_start()
    one_deadline(starts)
    batch(starts)
    if "--quick" not in sys.argv:
        equality(CHECK)


if __name__ == "__main__":
    main()
