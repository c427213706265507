"""ppaip-rules: the CCTP of the PPAIP market of the DISP de Dijon as executable, cited rules.

Public API (everything else is internal):

- :func:`rules`, :func:`get_rule`: the registry (ID, clause, severity, French text);
- :func:`deadline`, :func:`check_deadline`: the contract's deadlines (CCAG FCS 2021 art. 3.2);
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
- :data:`DIJON`, :func:`load_parameters`: the contract's figures;
- :class:`Report`, :class:`Finding`, :class:`Severity`, :class:`InputError`.
"""

from .calendar import PARIS, Unit, get_calendar
from .checks import kinds, report_schema, run_check
from .deadlines import Deadline, check_deadline, deadline
from .documents import check_attendance_sheet, check_bilan, check_convocation, check_deliverables
from .eligibility import check_eligibility, check_orientation
from .errors import CalendarRangeError, InputError
from .events import Case
from .lot import LotReport, contract_term, lot_report
from .model import Finding, Report, Rule, Severity, get_rule, rules
from .parameters import DIJON, ContractParameters, load_parameters, parameters_from_dict
from .programme import check_programme
from .roster_csv import read_roster_csv
from .staffing import Roster, check_roster, read_roster
from .timeline import CaseEvaluation, CaseState, Obligation, ObligationStatus, evaluate_case

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
    "Finding",
    "InputError",
    "LotReport",
    "Obligation",
    "ObligationStatus",
    "Report",
    "Roster",
    "Rule",
    "Severity",
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
    "evaluate_case",
    "get_calendar",
    "get_rule",
    "kinds",
    "load_parameters",
    "lot_report",
    "parameters_from_dict",
    "read_roster",
    "read_roster_csv",
    "report_schema",
    "rules",
    "run_check",
]
