"""Charts of the lot report, drawn by matplotlib as inline SVG (optional ``charts`` extra).

matplotlib is the well-kept, widely packaged plotting library that writes SVG
with no browser, no server and no network; its text is drawn as paths, so the
SVG needs no font from outside the file. It is heavy (numpy, pillow…), hence an
optional extra: without it, :func:`available` is false and the HTML report
shows the same figures as tables only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from ..frenchtext import MONTHS


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = out.getvalue()
    # Inline in HTML: drop the XML prologue and DOCTYPE (with its http URL).
    text = text[text.index("<svg"):]
    return re.sub(r'\s+xmlns:xlink="[^"]*"', "", text, count=1)


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "ppaip-rules", "svg.fonttype": "path",
                         "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt.subplots(figsize=(width, height))


def _decimal(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def hours_by_type(labels: list[str], delivered: list[float], forecast: list[float]) -> str:
    """Bars: hours delivered against the forecast prorated to the period, per type."""
    fig, ax = _figure(6, 2.8)
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], forecast, 0.4, label="prévisionnel au prorata",
           color="#b8c4e0")
    ax.bar([i + 0.2 for i in x], delivered, 0.4, label="heures réalisées", color="#2c4a9a")
    for i in x:
        ax.annotate(_decimal(forecast[i]), (i - 0.2, forecast[i]), ha="center", va="bottom")
        ax.annotate(_decimal(delivered[i]), (i + 0.2, delivered[i]), ha="center", va="bottom")
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("heures")
    ax.legend(frameon=False)
    return _svg(fig)


def hours_by_spip(spips: list[str], individual: list[float], collective: list[float]) -> str:
    """Stacked bars: hours delivered per SPIP, individual and collective."""
    return _stacked([f"SPIP {s}" for s in spips], individual, collective,
                    ("individuelles", "#2c4a9a"), ("collectives", "#8fa7d8"),
                    "heures réalisées", totals=True)


def deadlines_by_month(months: list[str], on_time: list[int], late: list[int]) -> str:
    """Stacked bars: deadlines falling due each month, met on time and not."""
    names = [f"{MONTHS[int(m[5:]) - 1]} {m[:4]}" for m in months]
    return _stacked(names, on_time, late, ("tenus dans les délais", "#2e7d32"),
                    ("en retard", "#c62828"), "échéances", slant=len(months) > 4,
                    integer=True)


def _stacked(labels: list[str], lower: Sequence[float], upper: Sequence[float],
             first: tuple[str, str], second: tuple[str, str], ylabel: str,
             totals: bool = False, slant: bool = False, integer: bool = False) -> str:
    """Two stacked series of bars, each with its (legend, colour)."""
    fig, ax = _figure(6, 2.8)
    x = list(range(len(labels)))
    ax.bar(x, lower, 0.5, label=first[0], color=first[1])
    ax.bar(x, upper, 0.5, bottom=lower, label=second[0], color=second[1])
    if totals:
        for i in x:
            total = lower[i] + upper[i]
            ax.annotate(_decimal(total), (i, total), ha="center", va="bottom")
    ax.set_xticks(x, labels)
    if slant:  # a year of months: slanted labels, never overlapping
        ax.tick_params(axis="x", labelrotation=40)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_ylabel(ylabel)
    if integer:  # counts: whole numbers on the axis
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False)
    return _svg(fig)
