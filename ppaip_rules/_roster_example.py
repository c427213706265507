"""A small conforming roster (lot 5), the base of the staffing rules' worked examples.

Pure data: the rules of :mod:`ppaip_rules.staffing` and :mod:`ppaip_rules.premises`
declare their examples as variations of it (checked on 30 June 2025). Registry
numbers are synthetic (they belong to nobody); identifiers are pseudonymous.
"""

from __future__ import annotations

import copy
from typing import Any

_BASE: dict[str, Any] = {
    "lot": 5,
    "market_start": "2025-03-03",
    "substitute_list_sent_on": "2025-02-24",
    "establishments": [
        {"id": "MA-DIJON", "departement": "21", "coordinator": "PSY-1",
         "contacts_updated_on": ["2025-02-24"]},
    ],
    "facilitators": [
        {"id": "PSY-1", "role": "psychologist", "employment": "employee", "registry": "rpps",
         "registry_number": "10000000017", "weekly_hours": 35, "fte": 1.0,
         "sites": ["MA-DIJON", "MO-DIJON"], "criminal_record_clean": True, "cv_sent": True},
        {"id": "CIP-1", "role": "insertion_adviser", "employment": "employee", "qualification": "III",
         "experience": True, "weekly_hours": 35, "fte": 1.0, "sites": ["MA-DIJON", "MO-MACON"],
         "criminal_record_clean": True, "cv_sent": True},
        {"id": "SUP-1", "role": "psychologist", "employment": "subcontractor",
         "registry": "rpps", "registry_number": "10000000033", "weekly_hours": 10, "fte": 0.3,
         "sites": [], "substitute": True, "criminal_record_clean": True, "cv_sent": True},
    ],
    "access": [
        {"facilitator": "PSY-1", "establishment": "MA-DIJON", "requested_on": "2025-01-20",
         "granted_on": "2025-02-17", "id_document": True},
        {"facilitator": "CIP-1", "establishment": "MA-DIJON", "requested_on": "2025-01-20",
         "granted_on": "2025-02-17", "id_document": True},
        {"facilitator": "SUP-1", "establishment": "MA-DIJON", "requested_on": "2025-01-20",
         "granted_on": "2025-02-17", "id_document": True},
    ],
    "events": [],
    "premises": [
        {"id": "MO-DIJON", "departement": "21", "public_transport": True, "erp_compliant": True,
         "capacity": 6, "sent_to_spip": True, "sent_to_disp": True,
         "opening_days": ["tuesday", "thursday"], "opening_hours": ["09:00-12:00", "14:00-17:00"]},
        {"id": "MO-MACON", "departement": "71", "public_transport": True, "erp_compliant": True,
         "capacity": 8, "sent_to_spip": True, "sent_to_disp": True,
         "opening_days": ["monday"], "opening_hours": ["13:30-17:30"]},
    ],
}


def example_roster(**changes: Any) -> dict:
    """A deep copy of the base roster, with top-level keys replaced by ``changes``."""
    data = copy.deepcopy(_BASE)
    data.update(copy.deepcopy(changes))
    return data


def with_facilitator(index: int, **changes: Any) -> dict:
    """The base roster with facilitator ``index`` changed (``None`` removes a key)."""
    data = example_roster()
    person = data["facilitators"][index]
    for key, value in changes.items():
        if value is None:
            person.pop(key, None)
        else:
            person[key] = value
    return data
