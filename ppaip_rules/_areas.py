"""Imports every area module of the contract, so that all rules and check kinds register.

One line per module, in the order of the contract (the registry keeps declaration
order, which is the order of ``ppaip-rules rules`` and of the catalogue): entry
(§3, §5, §6.1), programme (§6.2–6.4), deadlines, course and end of a case
(§6.1-3, §6.6), documents (§6.5, §6.6, §6.9), staffing (§6.7), premises (§6.8),
lots, contract term and reporting (§1, §2, §6.10).
"""

# isort: off
from . import checks  # noqa: F401
from . import eligibility  # noqa: F401
from . import programme  # noqa: F401
from . import deadlines  # noqa: F401
from . import timeline  # noqa: F401
from . import documents  # noqa: F401
from . import staffing  # noqa: F401
from . import roster_csv  # noqa: F401  (the roster kind: CSV or JSON)
from . import premises  # noqa: F401
from . import lot  # noqa: F401
# isort: on
