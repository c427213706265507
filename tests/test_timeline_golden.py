"""Golden results: evaluate_case on the benchmark's generated cases gives what it gave.

A guard for refactoring and speed work on the case evaluation: every obligation
(status, due date, trace), every finding and the coordinator's text of a seeded
sample of cases — the generator of ``benchmarks/bench_timeline.py``; each case
also with a quarter of its events dropped, so that obligations go overdue,
decisions lose their proposals and ends come without reports; and each case
perturbed: facts left unrecorded, instants given as dates only, extra events of
the types the generator never makes — as of several
instants and under several policies, are compared with digests stored in
``tests/data/timeline_golden.json`` (computed with version 0.2.0's code; recomputed once
in 0.3.0, when the catalogue codes were renamed, after checking on every case that the
rename was the only difference).

The digests are rewritten only when a result is meant to change, by
``python tests/test_timeline_golden.py --write``, with the reason in the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path

import attrs
import pytest
from strategies import bench_timeline

from ppaip_rules.errors import InputError
from ppaip_rules.events import Case, read_event
from ppaip_rules.timeline import evaluate_case

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "data" / "timeline_golden.json"
CASES = 150

#: name -> evaluate_case options (as of several instants, every policy switch moved once).
CONFIGS = {
    "default": {"as_of": "2026-03-01T12:00:00+01:00"},
    "mid-course": {"as_of": "2025-09-15T08:00:00+02:00"},
    "early-policies": {"as_of": "2025-07-01", "suspension_stops_clock": False,
                       "start_needs_held_session": True},
    "calendar": {"as_of": "2025-12-24T18:00:00+01:00", "extend_to_working_day": False,
                 "whit_monday_worked": True, "departement": "67",
                 "good_friday_holiday": False},
}


def _generator():
    return bench_timeline()


#: Values a perturbed field may take (None: not recorded).
_VALUES = {"to": (None, ["cpip"], ["person"]), "cause": (None, "facilitator_absent", "transfer",
                                                        "other", "hours_completed",
                                                        "interruption"),
           "justified": (None, True, False), "cpip_invited": (None, False),
           "calendar_given": (None, False), "ipro_deposited": (None, False),
           "duration_hours": (None, 3), "individual_hours": (None, 0, 40),
           "collective_hours": (None, 0), "scope": (None, "collective"), "workshop": (None,),
           "signed_sheet": (None, False), "hours": (1, 30)}
#: Events the generator never makes, added to a perturbed case (fields as in JSON).
_EXTRA = ({"type": "impossibility_reported", "reason": "Refus de la personne."},
          {"type": "impossibility_reported", "reason": " "}, {"type": "impossibility_reported"},
          {"type": "programme_ended", "cause": "hours_completed"},
          {"type": "programme_ended", "cause": "interruption"},
          {"type": "document_produced", "document": "synthesis", "ipro_deposited": False},
          {"type": "document_produced", "document": "other"},
          {"type": "change_proposed", "individual_hours": 6},
          {"type": "change_validated"}, {"type": "change_refused"},
          {"type": "proposal_validated"}, {"type": "first_meeting"},
          {"type": "bilan_delivered"}, {"type": "calendar_change_communicated"},
          {"type": "session_missed"}, {"type": "session_missed", "cause": "lockdown"},
          {"type": "suspension_started", "cause": "other"}, {"type": "suspension_ended"},
          {"type": "interruption_reported"}, {"type": "consent_to_share"},
          {"type": "session_held", "mode": "individual", "hours": 2})


def _perturbed(case: Case, rng: random.Random) -> Case:
    events = []
    for event in case.events:
        data = event.to_dict()
        if rng.random() < 0.3:
            names = {f.name for f in attrs.fields(type(event)) if f.init}
            name = rng.choice(sorted(set(_VALUES) & names) or ["at"])
            if name == "at" or rng.random() < 0.3:
                data["at"] = data["at"][:10]  # a date only (refused for timed events)
            else:
                data[name] = rng.choice(_VALUES[name])
        events.append(data)
    for _ in range(rng.randrange(4)):
        day = rng.choice(case.events).day + dt.timedelta(rng.randrange(-3, 4))
        at = f"{day.isoformat()}T{rng.randrange(8, 19):02d}:{rng.choice((0, 30)):02d}:00"
        events.append({**rng.choice(_EXTRA), "at": at})
    kept = []
    for data in events:
        data = {k: v for k, v in data.items() if v is not None}
        try:
            kept.append(read_event(data, "events[0]"))
        except InputError:
            continue
    return Case(case_id=case.case_id + "-p", events=kept)


def sample() -> list[Case]:
    """The generated cases, each followed by a copy with a quarter of its events dropped
    and by a perturbed copy."""
    bench = _generator()
    rng = random.Random(13)
    cases = []
    for case in bench.generate(CASES, seed=2024):
        kept = [e for e in case.events if rng.random() >= 0.25]
        cases += [case, Case(case_id=case.case_id + "-d", events=kept),
                  _perturbed(case, rng)]
    return cases


def _digest(value: object) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()[:16]


def inputs_digest(cases: list[Case]) -> str:
    return _digest(json.dumps([[e.to_dict() for e in c.events] for c in cases], sort_keys=True))


def result_digest(case: Case, options: dict) -> str:
    evaluation = evaluate_case(case, **options)
    text = json.dumps(evaluation.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return _digest(text + "\n" + evaluation.format())


def compute() -> dict:
    cases = sample()
    return {"inputs": inputs_digest(cases),
            "results": {name: [result_digest(c, options) for c in cases]
                        for name, options in CONFIGS.items()}}


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return sample()


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text())


def test_golden_sample_is_the_one_the_digests_were_computed_on(cases, golden):
    assert inputs_digest(cases) == golden["inputs"], (
        "the sample changed (the benchmark's generator, or what read_event accepts): recompute the digests with the code of before "
        "the change (python tests/test_timeline_golden.py --write)")


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_generated_cases_keep_their_obligations_findings_and_text(cases, golden, config):
    expected = golden["results"][config]
    changed = [c.case_id for c, digest in zip(cases, expected, strict=True)
               if result_digest(c, CONFIGS[config]) != digest]
    assert not changed, f"{len(changed)} case(s) changed, the first: {changed[:5]}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_timeline_golden.py --write")
    GOLDEN.write_text(json.dumps(compute(), indent=0) + "\n")
    print(f"written: {GOLDEN}")
