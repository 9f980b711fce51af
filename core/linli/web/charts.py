"""Bar charts as inline SVG: no JavaScript and no chart library, readable on a cheap
phone and printable. A route computes the geometry with :func:`bar_chart`; a template
draws it with the ``bar_chart`` macro of ``core:charts.html``::

    {% from "core:charts.html" import bar_chart %}
    {{ bar_chart(chart, _("Meals per day")) }}

A phone cannot show a tooltip: each bar carries its value written above it when the
bars are wide enough to hold it, and a target (the council's 80 %) is a line across.
The drawing is narrow (400 units) so that its words stay legible when a phone shrinks
it; the figures page keeps the exact numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WIDTH = 400
HEIGHT = 200
#: Room above the tallest bar (for its value) and below the baseline (for the labels).
TOP = 22
BOTTOM = 22
#: The narrowest bar (in drawing units) that gets its value written above it.
VALUE_ROOM = 20


def bar_chart(
    series: Sequence[tuple[str, Sequence[int]]],
    labels: Sequence[str],
    *,
    tick_every: int = 1,
    target: tuple[int, str] | None = None,
) -> dict[str, Any]:
    """Bars for each ``(name, values)`` series side by side above each label, scaled to
    the largest value (or the ``target``, a ``(value, label)`` drawn as a line); every
    ``tick_every``-th label is written under the axis, and each bar's value above it
    when the bar is wide enough."""
    group = WIDTH / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    peak = max([value for _, values in series for value in values] + [1])
    if target is not None:
        peak = max(peak, target[0])
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
    line = None
    if target is not None:
        line = {
            "y": round(HEIGHT - (HEIGHT - TOP) * target[0] / peak, 1),
            "value": target[0],
            "label": target[1],
        }
    return {
        "width": WIDTH,
        "height": HEIGHT + BOTTOM,
        "base": HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "series": [name for name, _ in series],
        "peak": peak,
        "values": bar >= VALUE_ROOM,
        "target": line,
    }
