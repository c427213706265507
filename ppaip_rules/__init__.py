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
- :class:`Report`, :class:`Finding`, :class:`Severity`, :class:`InputError`.
"""

import importlib

from .avenants import load_parameters  # a base file and any avenants (issue 12 §3)
from .calendar import PARIS, Unit, get_calendar
from .checks import kinds, report_schema, run_check
from .deadlines import Deadline, check_deadline, deadline, due_dates
from .errors import CalendarRangeError, InputError
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
from .registry import set_loader as _set_loader


def _load_areas() -> None:
    """Import every area module: their rules and check kinds register (the registry's loader)."""
    from . import _areas  # noqa: F401  (every area, in the contract's order)


_set_loader(_load_areas)

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
    "read_roster_csv": "roster_csv",
    "Roster": "staffing", "check_roster": "staffing", "read_roster": "staffing",
    "CaseEvaluation": "timeline", "CaseState": "timeline", "Obligation": "timeline",
    "ObligationStatus": "timeline", "evaluate_case": "timeline",
    "evaluate_cases": "batch",
    "ParameterHistory": "avenants", "load_history": "avenants",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ppaip_rules' has no attribute {name!r}")
    from . import _areas  # noqa: F401  (every area, in the contract's order)

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

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
    "report_schema",
    "rules",
    "run_check",
]
