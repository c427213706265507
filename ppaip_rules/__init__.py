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

from typing import TYPE_CHECKING

from ._api import vocabulary as _vocabulary
from .parsing import set_vocabulary_source as _set_vocabulary_source

_set_vocabulary_source(_vocabulary)

#: Every public name → (its module, its guard, whether the areas load first). Nothing is
#: imported before a name is used (PEP 562), so that ``import ppaip_rules`` is nearly
#: free and a program that only computes deadlines never imports the area modules
#: (issue 13). Issue 16: every public function checks ``params``, its policy switches
#: (booleans) and its argument names, raising InputError naming the argument (never a
#: TypeError) — guard "arguments"; ``deadline``, ``due_dates`` and ``get_calendar`` are
#: the hot path (under 1 µs a call): they validate their own values, and only a failed
#: call is examined — guard "calls". A name of an area module loads every area first
#: (the registry's order of rules is the contract's, whatever is used first).
_PUBLIC: dict[str, tuple[str, str | None, bool]] = {
    "PARIS": ("calendar", None, False),
    "Unit": ("calendar", None, False),
    "get_calendar": ("calendar", "calls", False),
    "Deadline": ("deadlines", None, False),
    "check_deadline": ("deadlines", "arguments", False),
    "deadline": ("deadlines", "calls", False),
    "due_dates": ("deadlines", "calls", False),
    "CalendarRangeError": ("errors", None, False),
    "InputError": ("errors", None, False),
    "InputErrors": ("errors", None, False),
    "Explanation": ("model", None, False),
    "Finding": ("model", None, False),
    "Report": ("model", None, False),
    "Rule": ("model", None, False),
    "Severity": ("model", None, False),
    "Step": ("model", None, False),
    "explain_report": ("model", "arguments", False),
    "get_rule": ("model", "arguments", False),
    "rules": ("model", "arguments", False),
    "DIJON": ("parameters", None, False),
    "ContractParameters": ("parameters", None, False),
    "parameters_from_dict": ("parameters", "arguments", False),
    "kinds": ("checks", "arguments", False),
    "report_schema": ("checks", "arguments", False),
    "run_check": ("checks", "arguments", False),
    "load_parameters": ("avenants", "arguments", False),  # a base file and any avenants
    "ParameterHistory": ("avenants", None, True),
    "load_history": ("avenants", "arguments", True),
    "compare": ("audit", "arguments", True),
    "check_attendance_sheet": ("documents", "arguments", True),
    "check_bilan": ("documents", "arguments", True),
    "check_convocation": ("documents", "arguments", True),
    "check_deliverables": ("documents", "arguments", True),
    "check_eligibility": ("eligibility", "arguments", True),
    "check_orientation": ("eligibility", "arguments", True),
    "check_programme": ("programme", "arguments", True),
    "Case": ("events", None, True),
    "LotReport": ("lot", None, True),
    "contract_term": ("lot", "arguments", True),
    "lot_report": ("lot", "arguments", True),
    "read_roster_csv": ("roster_csv", "arguments", True),
    "read_roster_table": ("roster_csv", "arguments", True),
    "Roster": ("staffing", None, True),
    "check_roster": ("staffing", "arguments", True),
    "read_roster": ("staffing", "arguments", True),
    "CaseEvaluation": ("timeline", None, True),
    "CaseState": ("timeline", None, True),
    "Obligation": ("timeline", None, True),
    "ObligationStatus": ("timeline", None, True),
    "evaluate_case": ("timeline", "arguments", True),
    "evaluate_cases": ("batch", "arguments", True),
}


def __getattr__(name: str):
    entry = _PUBLIC.get(name)
    if entry is None:
        raise AttributeError(f"module 'ppaip_rules' has no attribute {name!r}")
    import importlib

    module, guard, areas_first = entry
    if areas_first:
        from .registry import load

        load()
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    if guard == "arguments":
        from ._api import guard_arguments

        value = guard_arguments(value)
    elif guard == "calls":
        from ._api import guard_call_errors

        value = guard_call_errors(value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # the names as type checkers and editors see them
    from .audit import compare
    from .avenants import ParameterHistory, load_history, load_parameters
    from .batch import evaluate_cases
    from .calendar import PARIS, Unit, get_calendar
    from .checks import kinds, report_schema, run_check
    from .deadlines import Deadline, check_deadline, deadline, due_dates
    from .documents import (
        check_attendance_sheet,
        check_bilan,
        check_convocation,
        check_deliverables,
    )
    from .eligibility import check_eligibility, check_orientation
    from .errors import CalendarRangeError, InputError, InputErrors
    from .events import Case
    from .lot import LotReport, contract_term, lot_report
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
    from .programme import check_programme
    from .roster_csv import read_roster_csv, read_roster_table
    from .staffing import Roster, check_roster, read_roster
    from .timeline import CaseEvaluation, CaseState, Obligation, ObligationStatus, evaluate_case

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
