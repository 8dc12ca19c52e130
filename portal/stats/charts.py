"""Geometry of the server-side SVG charts. The templates in templates/stats/ draw them with
presentation attributes only (fill=, x=, …: nothing the Content-Security-Policy blocks, no
JavaScript), in a viewBox that scales to the width of a phone; every chart has its numbers in
a table beside it as well.

Horizontal bars put each label on its own line above its bar, so that long names of regencies,
countries and agencies stay readable at any width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from portal.stats.selectors import Combo, MonthRow


@dataclass
class Tick:
    value: int
    pos: float  # y for columns, x for bars


@dataclass
class Segment:
    y: float
    height: float
    fill: str
    label: str
    value: int


@dataclass
class Column:
    x: float
    width: float
    label_x: float
    month: Any
    total: int
    persons: int
    show_label: bool
    segments: list[Segment] = field(default_factory=list)


@dataclass
class HBar:
    label: str
    value: float
    secondary: float | None
    label_y: float
    bar_y: float
    value_y: float
    width: float
    secondary_width: float
    value_x: float
    key: str = ""
    url: str = ""


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """A round upper bound and tick step for values up to `maximum` (1, 2 or 5 times a power of ten)."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if step < 1:
        step = 1.0
    return step * math.ceil(maximum / step), step


def stacked_columns(months: list[MonthRow], combos: list[Combo]) -> dict[str, Any]:
    """One column per month, stacked by category combination (they add up to the month's
    reports: a report with two categories is one segment of its combination)."""
    width, height = 480, 260
    left, right, top, bottom = 40, 6, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max((m.reports for m in months), default=0)
    scale_max, step = nice_scale(top_value)
    n = max(len(months), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.72, 1.0)
    every = math.ceil(n / 6)
    columns = []
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar_w) / 2
        column = Column(
            x=round(x, 2),
            width=round(bar_w, 2),
            label_x=round(left + i * slot + slot / 2, 2),
            month=month.month,
            total=month.reports,
            persons=month.persons,
            show_label=(i % every == 0),
        )
        base = top + plot_h
        for combo in combos:
            value = month.by_combo.get(combo.key, 0)
            if not value:
                continue
            h = plot_h * value / scale_max
            base -= h
            column.segments.append(
                Segment(
                    y=round(base, 2),
                    height=round(h, 2),
                    fill=combo.colour,
                    label=combo.label,
                    value=value,
                )
            )
        columns.append(column)
    ticks = [
        Tick(value=round(v), pos=round(top + plot_h - plot_h * v / scale_max, 2))
        for v in _steps(scale_max, step)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top + plot_h,
        "label_y": height - 10,
        "columns": columns,
        "ticks": ticks,
    }


def _steps(scale_max: float, step: float) -> list[float]:
    values, v = [], 0.0
    while v <= scale_max + 1e-9:
        values.append(v)
        v += step
    return values


def hbars(
    rows: list[tuple[str, float, float | None]] | list[tuple[str, float, float | None, str]],
    *,
    width: int = 400,
) -> dict[str, Any]:
    """Horizontal bars: (label, value, secondary value or None[, key]). The secondary value
    (a 90th percentile, a published figure) is drawn as a paler bar behind the value."""
    row_h, label_h, bar_h = 42, 16, 15
    value_room = 96
    plot_w = width - value_room
    top_value = max((max(r[1], r[2] or 0) for r in rows), default=0)
    scale_max, _step = nice_scale(top_value)
    bars = []
    for i, row in enumerate(rows):
        label, value, secondary = row[0], row[1], row[2]
        y = i * row_h
        w = plot_w * value / scale_max if value else 0
        sw = plot_w * secondary / scale_max if secondary else 0
        bars.append(
            HBar(
                label=label,
                value=value,
                secondary=secondary,
                label_y=y + label_h - 2,
                bar_y=y + label_h + 2,
                value_y=y + label_h + 2 + bar_h - 3,
                width=round(max(w, 1.5 if value else 0), 2),
                secondary_width=round(sw, 2),
                value_x=round(max(w, sw) + 4, 2),
                key=row[3] if len(row) > 3 else "",
            )
        )
    return {
        "width": width,
        "height": max(len(rows) * row_h, row_h),
        "bar_height": bar_h,
        "bars": bars,
    }
