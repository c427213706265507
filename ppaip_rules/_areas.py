"""Imports every area module of the contract, so that all rules and check kinds register.

One line per module; a module added to the package is added here.
"""

from . import checks, deadlines  # noqa: F401

# isort: split
from . import staffing, premises  # noqa: F401, I001  (issue 4: staffing first, rule order)

# isort: split
from . import eligibility, programme, documents  # noqa: F401, I001  (issue 3: rule order)

# isort: split
from . import timeline, lot  # noqa: F401, I001  (issue 5: case timeline, lot report)
