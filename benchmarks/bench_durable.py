"""Throughput of the durable_rules adapter against evaluate_case, on the same synthetic logs.

Run by hand (needs the ``durable`` extra, CPython 3.10 to 3.12), never by the suite:

    python benchmarks/bench_durable.py            # 1,000 cases replayed, 200 followed live
    python benchmarks/bench_durable.py --quick    # 200 and 50

The cases are the timeline benchmark's (``bench_timeline.generate``: about 20
events each, in shuffled order). Two uses are measured:

replay
    a host loads whole logs: ``evaluate_case(case, as_of)`` once per case,
    against ``adapter.post_all(case)`` then ``adapter.advance(as_of)``.
live feed
    the events of all cases arrive in time order, and the clock moves at each
    event and once a day (0:00), up to ``as_of``. Without the adapter, a host
    re-evaluates the case on each of its events, and every open case each day
    to see what fell late; with it, ``advance`` then ``post`` for each event,
    ``advance`` each day (only the cases whose timer is reached are
    re-evaluated).

Both sides end with the same obligations (checked). Prints the median wall
time over the repeats, the time per case and the ratio adapter / evaluate_case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from bench_timeline import AS_OF, SMOKE, generate, timed

from ppaip_rules.calendar import PARIS, next_paris_midnight
from ppaip_rules.integrations.durable import DurableAdapter, visible_from
from ppaip_rules.timeline import evaluate_case


def view(obligations) -> list:
    return [(o.rule_id, o.trigger_index, o.due, o.act_index, o.status) for o in obligations]


# --- replay: whole logs ------------------------------------------------------------------

def replay_core(cases) -> dict:
    return {c.case_id: view(evaluate_case(c, as_of=AS_OF).obligations) for c in cases}


class Counter:
    """The host's callbacks: count the notices (every kind is routed through durable_rules)."""

    def __init__(self):
        self.count = 0

    def __call__(self, notice) -> None:
        self.count += 1

    def callbacks(self) -> dict:
        return {f"on_{kind}": self for kind in ("due", "late", "met", "withdrawn")}


def replay_adapter(cases) -> dict:
    with DurableAdapter(now=AS_OF, **Counter().callbacks()) as adapter:
        for c in cases:
            adapter.post_all(c.case_id, c.events)
        adapter.advance(AS_OF)
        return {c.case_id: view(adapter.obligations(c.case_id)) for c in cases}


# --- live feed: events in time order, a tick each day ------------------------------------

def feed(cases) -> list[tuple[float, int, str, object]]:
    """``(instant, order, case ID, event or None for a daily tick)``, in time order."""
    end = AS_OF.timestamp()
    items = [(t, 1, c.case_id, e) for c in cases for e in c.events
             if (t := visible_from(e)) <= end]  # what has arrived by as_of
    first = min(items, key=lambda i: i[0])[0]
    day = dt.datetime.fromtimestamp(first, PARIS).date()
    while (t := next_paris_midnight(day).timestamp()) <= end:
        items.append((t, 0, "", None))
        day = dt.datetime.fromtimestamp(t, PARIS).date()
    items.sort(key=lambda i: (i[0], i[1]))
    return items


def live_core(cases, items) -> dict:
    logs: dict[str, list] = {c.case_id: [] for c in cases}
    last = {}
    for ts, _, case_id, event in items:
        at = dt.datetime.fromtimestamp(ts, PARIS)
        if event is None:
            for cid, log in logs.items():
                if log:
                    last[cid] = evaluate_case(log, as_of=at).obligations
        else:
            logs[case_id].append(event)
            last[case_id] = evaluate_case(logs[case_id], as_of=at).obligations
    return {cid: view(evaluate_case(log, as_of=AS_OF).obligations) for cid, log in logs.items()}


def live_adapter(cases, items) -> dict:
    with DurableAdapter(now=dt.datetime.fromtimestamp(items[0][0], PARIS),
                        **Counter().callbacks()) as adapter:
        for ts, _, case_id, event in items:
            adapter.advance(dt.datetime.fromtimestamp(ts, PARIS))
            if event is not None:
                adapter.post(case_id, event)
        adapter.advance(AS_OF)
        return {c.case_id: view(adapter.obligations(c.case_id)) for c in cases}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="200 cases replayed, 50 live")
    args = parser.parse_args()
    replayed, followed = (200, 50) if args.quick else (1_000, 200)
    if SMOKE:
        replayed, followed = 5, 3
    print(f"Python {sys.version.split()[0]}; as of {AS_OF.isoformat()}")
    replay_core(generate(3 if SMOKE else 50, seed=1))  # warm-up: calendar tables, rule registry
    replay_adapter(generate(3 if SMOKE else 50, seed=1))

    cases = generate(replayed)
    events = sum(len(c.events) for c in cases)
    core_s, _, core_out = timed(replay_core, cases, repeats=1 if SMOKE else 5)
    adapter_s, _, adapter_out = timed(replay_adapter, cases, repeats=1 if SMOKE else 5)
    assert core_out == adapter_out, "the adapter and evaluate_case disagree"
    print(f"replay, {replayed} cases, {events / replayed:.1f} events/case:")
    print(f"  evaluate_case           median {core_s:6.3f} s ({core_s / replayed * 1e6:7.1f} µs/case)")
    print(f"  adapter (post_all)      median {adapter_s:6.3f} s "
          f"({adapter_s / replayed * 1e6:7.1f} µs/case)")
    print(f"  ratio adapter / evaluate_case: {adapter_s / core_s:.2f}")

    cases = generate(followed, seed=7)
    items = feed(cases)
    ticks = sum(1 for i in items if i[3] is None)
    core_s, _, core_out = timed(live_core, cases, items, repeats=1 if SMOKE else 3)
    adapter_s, _, adapter_out = timed(live_adapter, cases, items, repeats=1 if SMOKE else 3)
    assert core_out == adapter_out, "the adapter and evaluate_case disagree"
    print(f"live feed, {followed} cases, {len(items) - ticks} events, {ticks} daily ticks:")
    print(f"  evaluate_case on each change and each day, every open case: median "
          f"{core_s:6.3f} s ({core_s / followed * 1e3:7.2f} ms/case)")
    print(f"  adapter (advance + post, advance each day):                 median "
          f"{adapter_s:6.3f} s ({adapter_s / followed * 1e3:7.2f} ms/case)")
    print(f"  ratio adapter / evaluate_case: {adapter_s / core_s:.2f}")


if __name__ == "__main__":
    main()
