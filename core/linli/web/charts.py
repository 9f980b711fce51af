"""Bar charts as inline SVG: no JavaScript and no chart library, readable on a cheap
phone and printable. A route computes the geometry with :func:`bar_chart`; a template
draws it with the ``bar_chart`` macro of ``core:charts.html``::

    {% from "core:charts.html" import bar_chart %}
    {{ bar_chart(chart, _("Meals per day")) }}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WIDTH = 640
HEIGHT = 200
#: Room above the tallest bar and below the baseline (for the labels).
TOP = 16
BOTTOM = 22


def bar_chart(
    series: Sequence[tuple[str, Sequence[int]]],
    labels: Sequence[str],
    *,
    tick_every: int = 1,
) -> dict[str, Any]:
    """Bars for each ``(name, values)`` series side by side above each label, scaled to
    the largest value; every ``tick_every``-th label is written under the axis."""
    group = WIDTH / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    peak = max([value for _, values in series for value in values] + [1])
    bars = []
    for s, (name, values) in enumerate(series):
        for i, value in enumerate(values):
            height = round((HEIGHT - TOP) * max(value, 0) / peak, 1)
            bars.append(
                {
                    "x": round(i * group + group * 0.1 + bar * s, 1),
                    "y": round(HEIGHT - height, 1),
                    "w": round(bar * 0.95, 1),
                    "h": height,
                    "value": value,
                    "series": s,
                    "name": name,
                    "label": labels[i],
                }
            )
    ticks = [
        {"x": round(i * group + group / 2, 1), "label": label}
        for i, label in enumerate(labels)
        if i % max(tick_every, 1) == 0
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT + BOTTOM,
        "base": HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "series": [name for name, _ in series],
        "peak": peak,
    }
