"""Reports to print, file and share: HTML, CSV and XLSX renderings of every result.

A *result* is a :class:`~ppaip_rules.model.Report` (every ``check``), a
:class:`~ppaip_rules.timeline.CaseEvaluation` (``timeline``), a
:class:`~ppaip_rules.lot.LotReport` (``report``) or a
:class:`~ppaip_rules.week.Week` (``semaine``). :data:`FORMATS` maps each output
format to the function that renders a result as bytes; the CLI reads it (its
``--format`` choices are ``text``, ``json`` and these).

- ``html``: one self-contained page (inline CSS, inline SVG charts, no script,
  no link to anything outside the file), to open in a browser and print to PDF;
- ``csv``: the findings, one per row (UTF-8 with BOM, ``;`` separated, as French
  Excel opens it);
- ``xlsx``: the same rows in a workbook, with a summary sheet (needs the
  ``xlsx`` extra: openpyxl).

A cell a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Stamp:
    """Who computed a result, with which figures, as of when (shown on every report)."""

    version: str
    parameters: str
    as_of: str | None = None

    @classmethod
    def of(cls, params: Any = None, as_of: Any = None) -> Stamp:
        from .._version import __version__
        from ..parameters import DIJON

        params = params or DIJON
        return cls(__version__, params.name, None if as_of is None else _moment(as_of))


def _moment(value: Any) -> str:
    """``as_of`` in French when it reads as a day or an instant, else as given."""
    from ..errors import InputError
    from ..frenchtext import format_moment
    from ..parsing import as_date_or_datetime

    try:
        return format_moment(as_date_or_datetime(value, "as_of"))
    except InputError:
        return str(value)


def render_html(result: Any, stamp: Stamp | None = None) -> bytes:
    from .html import html_page

    return html_page(result, stamp or Stamp.of()).encode("utf-8")


def render_csv(result: Any, stamp: Stamp | None = None) -> bytes:
    from .tables import findings_csv

    return findings_csv(result, stamp or Stamp.of())


def render_xlsx(result: Any, stamp: Stamp | None = None) -> bytes:
    from .tables import findings_xlsx

    return findings_xlsx(result, stamp or Stamp.of())


#: Output format → renderer ``(result, stamp) -> bytes``, beyond ``text`` and ``json``.
FORMATS: dict[str, Callable[[Any, Stamp | None], bytes]] = {
    "html": render_html,
    "csv": render_csv,
    "xlsx": render_xlsx,
}


def render(result: Any, fmt: str, *, params: Any = None, as_of: Any = None) -> bytes:
    """``result`` rendered in ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt](result, Stamp.of(params, as_of))


__all__ = ["FORMATS", "Stamp", "render", "render_csv", "render_html", "render_xlsx"]


# Issue 16: a model built directly from Python raises InputError naming the argument.
from ..parsing import guard_models as _guard_models  # noqa: E402

_guard_models(globals())
