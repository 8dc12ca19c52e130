"""Server-side SVG charts. Drawn in Python rather than with template loops: a page holds
hundreds of bars, and string building is an order of magnitude faster than the template
engine. Presentation attributes only (fill=, x=, font-size=: nothing the Content-Security-
Policy blocks, no JavaScript, no style=), a viewBox that scales down to a phone, a <title>
and <desc> for screen readers, a <title> tooltip on every bar, and data-* attributes with the
raw numbers. Every chart has its numbers in a table beside it as well.

Horizontal bars put each label on its own line above its bar, so that long names of regencies,
countries and agencies stay readable at any width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from referrals.stats.selectors import Combo, MonthRow
from referrals.stats.templatetags.stats_tags import group_digits


@dataclass(frozen=True)
class HRow:
    label: str
    value: float
    secondary: float | None = None  # drawn as a paler bar behind the value
    key: str = ""


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """A round upper bound and tick step for values up to `maximum` (1, 2 or 5 times a power
    of ten, at least 1: the values are counts)."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(f * magnitude for f in (1, 2, 5, 10) if f * magnitude >= raw)
    step = max(step, 1.0)
    return step * math.ceil(maximum / step), step


def number(value: float, days: bool = False) -> str:
    if days:
        return formats.number_format(value, 1, use_l10n=True)
    return group_digits(int(value))


def _c(value: float) -> str:
    """A coordinate: plain, never localised (a decimal comma would break the SVG)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, width: int, height: float, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg class="{css}" viewBox="0 0 {width} {_c(height)}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def empty(chart_id: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped pieces
        f'<p class="text-body-secondary mb-0" data-empty="{escape(chart_id)}">'
        f"{escape(_('Nothing to show for these filters.'))}</p>"
    )


def columns_svg(
    months: Sequence[MonthRow], combos: Sequence[Combo], *, chart_id: str, title: str, desc: str
) -> SafeString:
    """One column per month, stacked by category combination (they add up to the month's
    reports: a report with two categories is one segment of its combination)."""
    width, height = 480, 260
    left, right, top, bottom = 40, 6, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    baseline = top + plot_h
    scale_max, step = nice_scale(max((m.reports for m in months), default=0))
    n = max(len(months), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.72, 1.0)
    every = math.ceil(n / 6)
    out = _open(chart_id, width, height, title, desc, "svg-chart svg-chart-wide")
    out.append('<g font-size="13" fill="currentColor">')
    value = 0.0
    while value <= scale_max + 1e-9:
        y = baseline - plot_h * value / scale_max
        dash = ' stroke-dasharray="3 3"' if value else ""
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_c(y)}" y2="{_c(y)}" '
            f'stroke="#adb5bd" stroke-width="0.5"{dash}/>'
            f'<text x="{left - 6}" y="{_c(y)}" dy="4" text-anchor="end">{number(value)}</text>'
        )
        value += step
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar_w) / 2
        out.append(f'<g data-month="{month.month:%Y-%m}" data-reports="{month.reports}">')
        base = float(baseline)
        name = formats.date_format(month.month, "F Y")
        for combo in combos:
            count = month.by_combo.get(combo.key, 0)
            if not count:
                continue
            h = plot_h * count / scale_max
            base -= h
            out.append(
                f'<rect x="{_c(x)}" y="{_c(base)}" width="{_c(bar_w)}" height="{_c(h)}" '
                f'fill="{combo.colour}"><title>{escape(name)} · {escape(combo.label)}: '
                f"{number(count)}</title></rect>"
            )
        if i % every == 0:
            out.append(
                f'<text x="{_c(left + i * slot + slot / 2)}" y="{height - 10}" '
                f'text-anchor="middle">{escape(formats.date_format(month.month, "M y"))}</text>'
            )
        out.append("</g>")
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def hbars_svg(
    rows: Sequence[HRow],
    *,
    chart_id: str,
    title: str,
    desc: str,
    fill: str = "#12355b",
    secondary_fill: str = "#c5d3e3",
    days: bool = False,
    link: Callable[[str], str] | None = None,
) -> SafeString:
    """Horizontal bars, the label above each; the value (and the secondary value, e.g. a 90th
    percentile or a published figure) written after the bar."""
    if not rows:
        return empty(chart_id)
    width, row_h, label_h, bar_h, value_room = 400, 42, 16, 15, 96
    plot_w = width - value_room
    scale_max, _step = nice_scale(max(max(r.value, r.secondary or 0) for r in rows))
    out = _open(chart_id, width, len(rows) * row_h, title, desc, "svg-chart")
    out.append('<g font-size="14" fill="currentColor">')
    for i, row in enumerate(rows):
        y = i * row_h
        w = max(plot_w * row.value / scale_max, 1.5) if row.value else 0
        sw = plot_w * row.secondary / scale_max if row.secondary else 0
        shown = number(row.value, days)
        if row.secondary is not None:
            shown += " / " + number(row.secondary, days)
        label = escape(row.label if len(row.label) <= 60 else row.label[:59] + "…")
        out.append(f'<g data-key="{escape(row.key)}" data-value="{row.value}">')
        if link is not None:
            out.append(f'<a href="{escape(link(row.key))}">')
        out.append(f'<text x="0" y="{y + label_h - 2}">{label}</text>')
        if sw and row.secondary is not None:
            out.append(
                f'<rect x="0" y="{y + label_h + 2}" width="{_c(sw)}" height="{bar_h}" '
                f'fill="{secondary_fill}"><title>{label}: {number(row.secondary, days)}</title></rect>'
            )
        out.append(
            f'<rect x="0" y="{y + label_h + 2}" width="{_c(w)}" height="{bar_h}" fill="{fill}">'
            f"<title>{label}: {number(row.value, days)}</title></rect>"
            f'<text x="{_c(max(w, sw) + 4)}" y="{y + label_h + bar_h - 1}" font-weight="600">'
            f"{shown}</text>"
        )
        if link is not None:
            out.append("</a>")
        out.append("</g>")
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above
