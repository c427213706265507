"""The rule registry: every rule is complete, and its documented examples run."""

import re

import pytest

from ppaip_rules import DIJON, Severity, rules, run_check
from ppaip_rules.model import Example

ALL = rules()


def test_rule_ids_are_unique_and_stable_in_form():
    ids = [r.id for r in ALL]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", i) for i in ids)


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_every_rule_is_a_complete_declarative_unit(rule):
    assert rule.clause.startswith("CCTP ")
    assert rule.title and rule.requirement
    assert isinstance(rule.severity, Severity)
    for name in rule.parameters:
        assert hasattr(DIJON, name), f"{rule.id} reads unknown parameter {name}"
    assert rule.examples, f"{rule.id} has no worked example for the documentation"


EXAMPLES = [(r, e) for r in ALL for e in r.examples]


@pytest.mark.parametrize("rule, example", EXAMPLES,
                         ids=[f"{r.id}:{i}" for i, (r, _) in enumerate(EXAMPLES)])
def test_documented_example_gives_the_documented_result(rule, example: Example):
    report = run_check(example.kind, example.data, **example.options)
    mine = report.by_rule(rule.id)
    assert rule.id in report.checked, f"{example.kind} does not check {rule.id}"
    if example.fires:
        assert mine, f"{rule.id}: « {example.title} » should produce a finding"
        if example.severity:
            assert any(f.severity is example.severity for f in mine)
    else:
        assert not mine, f"{rule.id}: « {example.title} » should produce no finding"
