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
    fig, ax = _figure(6, 2.8)
    x = list(range(len(spips)))
    ax.bar(x, individual, 0.5, label="individuelles", color="#2c4a9a")
    ax.bar(x, collective, 0.5, bottom=individual, label="collectives", color="#8fa7d8")
    for i in x:
        total = individual[i] + collective[i]
        ax.annotate(_decimal(total), (i, total), ha="center", va="bottom")
    ax.set_xticks(x, [f"SPIP {s}" for s in spips])
    ax.set_ylabel("heures réalisées")
    ax.legend(frameon=False)
    return _svg(fig)


def deadlines_by_month(months: list[str], on_time: list[int], late: list[int]) -> str:
    """Stacked bars: deadlines falling due each month, met on time and not."""
    fig, ax = _figure(6, 2.8)
    x = list(range(len(months)))
    ax.bar(x, on_time, 0.5, label="tenus dans les délais", color="#2e7d32")
    ax.bar(x, late, 0.5, bottom=on_time, label="en retard", color="#c62828")
    names = [f"{MONTHS[int(m[5:]) - 1]} {m[:4]}" for m in months]
    ax.set_xticks(x, names)
    if len(months) > 4:  # a year of months: slanted labels, never overlapping
        ax.tick_params(axis="x", labelrotation=40)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_ylabel("échéances")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False)
    return _svg(fig)
