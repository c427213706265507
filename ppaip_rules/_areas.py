"""Imports every area module, so that all rules and check kinds register.

Kept for the callers that import it for that effect; the list of area modules is
:data:`ppaip_rules.registry.AREAS` (one place).
"""

from .registry import load

load()
