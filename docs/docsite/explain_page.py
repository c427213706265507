"""Generated content of the pages on explanations and avenants (issue 12 §2, §3).

Every step, value and date shown is computed at build time through the library.
"""

from __future__ import annotations

import json
from typing import Any

from ppaip_rules import run_check
from ppaip_rules.avenants import ParameterHistory, load_history
from ppaip_rules.deadlines import deadline
from ppaip_rules.frenchtext import format_date

from .markdown import table

#: The avenant of the worked example (the same as the TOML shown on the page).
EXAMPLE_AVENANT = {
    "avenant": {"nom": "Avenant n° 1", "date_effet": "2025-09-01",
                "reference": "avenant n° 1, art. 2"},
    "delays": {"END-BILAN-IND": {"amount": 10, "unit": "jours ouvrés"}},
}

_GROUP = {"individual_hours": 10,
          "workshops": [{"theme": "job_search_techniques", "hours": 3, "participants": 7}]}


def _history() -> ParameterHistory:
    return load_history(None, [EXAMPLE_AVENANT])


def _steps_block(steps: Any) -> str:
    return "```text\n" + "\n".join(str(s) for s in steps) + "\n```"


def explained_finding(*_: str, **__: Any) -> str:
    """The group-size finding of a group of 7: its steps as text and as JSON."""
    (finding,) = run_check("programme", _GROUP).by_rule("PROG-GROUP-SIZE")
    data = json.dumps([s.to_dict() for s in finding.trace], ensure_ascii=False, indent=2)
    return (f"**{finding.rule_id} ({finding.clause})** — {finding.message}\n\n"
            + _steps_block(finding.trace)
            + "\n\nLes mêmes étapes en JSON (`--format json`, champ `trace`) :\n\n"
            + "```json\n" + data + "\n```")


def explained_deadline(rule_id: str = "END-BILAN-IND", trigger: str = "2025-05-02",
                       **_: Any) -> str:
    """A deadline's steps: every day not counted with its reason, the calendar."""
    return _steps_block(deadline(rule_id, trigger).trace)


def explained_rules(*_: str, **__: Any) -> str:
    """What ``--expliquer`` adds for the rules that did not fire (a compliant group)."""
    report = run_check("programme", {"individual_hours": 10,
                                     "workshops": [{"theme": "job_search_techniques", "hours": 3,
                                                    "participants": 5}]}, explain=True)
    (size,) = [x for x in report.explanations if x.rule_id == "PROG-GROUP-SIZE"]
    return "```text\n" + size.format() + "\n```"


def parameter_history(*_: str, **__: Any) -> str:
    """The history of each parameter the example avenant changes, and the deadlines it
    gives on either side of its effective date."""
    h = _history()
    rows = [(f"`{name}`", format_date(r["depuis"]), r["valeur"], r["reference"])
            for name in h.changed() for r in h.history(name)]
    out = [table(("Paramètre", "Depuis le", "Valeur", "Référence"), rows), ""]
    due = []
    for trigger in ("2025-08-29", "2025-09-01"):
        d = deadline("END-BILAN-IND", trigger, params=h)
        due.append((format_date(d.period.start), d.period.unit.describe(d.period.amount),
                    format_date(d.due)))
    out.append(table(("Dernier entretien", "Délai en vigueur", "Bilan au plus tard le"), due))
    out.append("")
    out.append(_steps_block(deadline("END-BILAN-IND", "2025-09-01", params=h).trace[:4]))
    return "\n".join(out)


def dijon_history(*_: str, page: str = "regles/index.md", **__: Any) -> str:
    """The history of the Dijon parameters (no avenant is known to the library)."""
    from ppaip_rules import DIJON

    from .markdown import link

    h = ParameterHistory(DIJON)
    return (f"**Historique.** Le contrat de Dijon n'a pas d'avenant connu de cette version : "
            f"chaque valeur ci-dessus est en vigueur depuis le {format_date(h.first_day)} "
            f"(contrat initial). Un avenant donne à un paramètre une nouvelle valeur datée, "
            f"avec sa référence ; voir [Avenants : paramètres datés]"
            f"({link(page, 'avenants.md')}).")
