"""ppaip-rules: the CCTP of the PPAIP market of the DISP de Dijon as executable, cited rules.

Public API (everything else is internal):

- :func:`rules`, :func:`get_rule`: the registry (ID, clause, severity, French text);
- :func:`deadline`, :func:`check_deadline`: the contract's deadlines (CCAG FCS 2021 art. 3.2);
  :func:`due_dates`: the due dates of many triggers at once (lists or numpy arrays);
- :func:`get_calendar`: the French working-day calendar;
- :func:`run_check`, :func:`kinds`: check JSON-like input of any kind;
- :func:`check_eligibility`, :func:`check_orientation`, :func:`check_programme`,
  :func:`check_attendance_sheet`, :func:`check_convocation`, :func:`check_bilan`,
  :func:`check_deliverables`: the entry, programme and document checks (models or dicts);
- :func:`check_roster`, :func:`read_roster_csv`: the staffing roster (CCTP 6.7, 6.8),
  from JSON-like data or a spreadsheet's CSV export;
- :func:`evaluate_case`: a beneficiary's event log as of a date — state, obligations with
  due dates and traces, breaches; :func:`lot_report`: a lot's hours against the forecast,
  permanences, target publics, synthesis and contract term;
- :func:`evaluate_cases`: many cases (or NDJSON lines) as flat, picklable rows, on several
  processes;
- :data:`DIJON`, :func:`load_parameters`: the contract's figures;
- :func:`compare`: the same inputs under two parameter sets or readings, what changes
  (every result of ``run_check`` and of the command line carries a stamp: ppaip_rules.stamp);
- :class:`Report`, :class:`Finding`, :class:`Severity`, :class:`InputError`.
"""

import importlib

from ._api import guard_arguments as _guard_arguments
from ._api import guard_call_errors as _guard_call_errors
from ._api import vocabulary as _vocabulary
from .avenants import load_parameters  # a base file and any avenants (issue 12 §3)
from .calendar import PARIS, Unit, get_calendar
from .checks import kinds, report_schema, run_check
from .deadlines import Deadline, check_deadline, deadline, due_dates
from .errors import CalendarRangeError, InputError, InputErrors
from .model import (
    Explanation,
    Finding,
    Report,
    Rule,
    Severity,
    Step,
    explain_report,
    get_rule,
    rules,
)
from .parameters import DIJON, ContractParameters, parameters_from_dict
from .parsing import set_vocabulary_source as _set_vocabulary_source
from .registry import set_loader as _set_loader


def _load_areas() -> None:
    """Import every area module: their rules and check kinds register (the registry's loader)."""
    from . import _areas  # noqa: F401  (every area, in the contract's order)


_set_loader(_load_areas)
_set_vocabulary_source(_vocabulary)

# Issue 16: every public function checks ``params``, its policy switches (booleans) and
# its argument names, raising InputError naming the argument (never a TypeError).
# ``deadline``, ``due_dates`` and ``get_calendar`` are the hot path (under 1 µs a call,
# issue 13): they validate their own values, and only a failed call is examined.
check_deadline = _guard_arguments(check_deadline)
deadline = _guard_call_errors(deadline)
due_dates = _guard_call_errors(due_dates)
get_calendar = _guard_call_errors(get_calendar)
kinds = _guard_arguments(kinds)
report_schema = _guard_arguments(report_schema)
run_check = _guard_arguments(run_check)
get_rule = _guard_arguments(get_rule)
rules = _guard_arguments(rules)
explain_report = _guard_arguments(explain_report)
load_parameters = _guard_arguments(load_parameters)
parameters_from_dict = _guard_arguments(parameters_from_dict)

#: Public names of the area modules, imported on first use (PEP 562) so that
#: ``import ppaip_rules`` stays fast for a program that only computes deadlines.
#: ``rules()``, ``kinds()`` and ``run_check()`` load every area themselves.
_LAZY = {
    "check_attendance_sheet": "documents", "check_bilan": "documents",
    "check_convocation": "documents", "check_deliverables": "documents",
    "check_eligibility": "eligibility", "check_orientation": "eligibility",
    "check_programme": "programme",
    "Case": "events",
    "LotReport": "lot", "contract_term": "lot", "lot_report": "lot",
    "read_roster_csv": "roster_csv", "read_roster_table": "roster_csv",
    "Roster": "staffing", "check_roster": "staffing", "read_roster": "staffing",
    "CaseEvaluation": "timeline", "CaseState": "timeline", "Obligation": "timeline",
    "ObligationStatus": "timeline", "evaluate_case": "timeline",
    "evaluate_cases": "batch",
    "compare": "audit",
    "ParameterHistory": "avenants", "load_history": "avenants",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ppaip_rules' has no attribute {name!r}")
    from . import _areas  # noqa: F401  (every area, in the contract's order)

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    if not isinstance(value, type):
        value = _guard_arguments(value)  # issue 16: InputError naming the argument
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


from ._version import __version__  # noqa: E402  (a leaf: see ppaip_rules.stamp)

__all__ = [
    "DIJON",
    "PARIS",
    "CalendarRangeError",
    "Case",
    "CaseEvaluation",
    "CaseState",
    "ContractParameters",
    "Deadline",
    "Explanation",
    "Finding",
    "InputError",
    "InputErrors",
    "LotReport",
    "Obligation",
    "ObligationStatus",
    "ParameterHistory",
    "Report",
    "Roster",
    "Rule",
    "Severity",
    "Step",
    "Unit",
    "__version__",
    "check_attendance_sheet",
    "check_bilan",
    "check_convocation",
    "check_deadline",
    "check_deliverables",
    "check_eligibility",
    "check_orientation",
    "check_programme",
    "check_roster",
    "compare",
    "contract_term",
    "deadline",
    "due_dates",
    "evaluate_case",
    "evaluate_cases",
    "explain_report",
    "get_calendar",
    "get_rule",
    "kinds",
    "load_history",
    "load_parameters",
    "lot_report",
    "parameters_from_dict",
    "read_roster",
    "read_roster_csv",
    "read_roster_table",
    "report_schema",
    "rules",
    "run_check",
]
