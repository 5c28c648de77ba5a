"""Trend charts as SVG, rendered on the server: no script, no CDN, readable on a phone.

Plain values in, markup out. Times are drawn in Europe/Copenhagen, numbers and dates as the
reader's language writes them. The patient's limits are drawn as bands behind the line: red
beyond the alert limits, yellow between warning and alert, and (for INR) the target range in
green. The drawing is 400 units wide with 13-unit labels, so that on a 390 px phone (about
340 px of chart) a label is still about 11 px high; pages cap a chart's width (telemon.css)
so that on a wide screen it does not grow past legible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from telemon import clinical_text as ct

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 18, 30
FONT = 13
COLOURS = {"red": "#f6d5da", "yellow": "#fbefc4", "target": "#d9efd9"}


@dataclass(frozen=True)
class Point:
    at: datetime  # timezone-aware
    value: float


@dataclass(frozen=True)
class Zone:
    """A horizontal band from `low` to `high` (None: to the edge of the chart)."""

    low: float | None
    high: float | None
    kind: str  # "red" | "yellow" | "target"


def zones_from_limits(
    alert_high: float | None,
    warning_high: float | None,
    warning_low: float | None,
    alert_low: float | None,
) -> list[Zone]:
    """Bands for four limits: beyond an alert limit red, between warning and alert yellow."""
    zones = []
    if alert_high is not None:
        zones.append(Zone(alert_high, None, "red"))
    if warning_high is not None:
        zones.append(Zone(warning_high, alert_high, "yellow"))
    if warning_low is not None:
        zones.append(Zone(alert_low, warning_low, "yellow"))
    if alert_low is not None:
        zones.append(Zone(None, alert_low, "red"))
    return zones


def _nice_step(span: float) -> float:
    """A round grid step giving about five lines over `span` (1, 2, 2.5 or 5 times 10^n)."""
    raw = span / 5 if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 2.5, 5, 10) if raw <= f * magnitude)


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    zones: Sequence[Zone] = (),
    start: datetime,
    end: datetime,
    language: str = ct.DEFAULT_LANGUAGE,
    marks: Sequence[datetime] = (),
) -> Markup:
    """An SVG line chart of `points` between `start` and `end` with `zones` behind it.

    The value axis spans the readings and every finite zone edge, padded a little, so that a
    limit is visible even when all readings are far from it. No points: an empty chart that
    says so. Every point carries a <title> (value, unit, local time) for hover and screen readers.
    `marks` are moments drawn as vertical lines (an alert's readings on its page).
    """
    values = [p.value for p in points]
    edges = [e for z in zones for e in (z.low, z.high) if e is not None]
    low = min(values + edges) if values or edges else 0.0
    high = max(values + edges) if values or edges else 1.0
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad
    total = max((end - start).total_seconds(), 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: datetime) -> float:
        return LEFT + plot_w * (at - start).total_seconds() / total

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    label = f"{title} ({unit})" if unit else title
    count = ct.ngettext("%(num)s reading", "%(num)s readings", len(points), language)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}: {escape(count)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for zone in zones:
        top = y(min(zone.high, high)) if zone.high is not None else TOP
        bottom = y(max(zone.low, low)) if zone.low is not None else TOP + plot_h
        if bottom > top:
            parts.append(
                f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
                f'fill="{COLOURS[zone.kind]}" class="zone-{zone.kind}"/>'
            )
    step = _nice_step(high - low)
    tick = (low // step + 1) * step
    while tick < high:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#dde1e6"/><text x="{LEFT - 5}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{escape(ct.number(tick, language))}</text>'
        )
        tick += step
    day = start.astimezone(COPENHAGEN).replace(hour=0, minute=0, second=0, microsecond=0)
    days = max(int(total // 86400), 1)
    every = max(1, days // 5)
    while day <= end:
        if day >= start:
            parts.append(
                f'<text x="{x(day):.1f}" y="{HEIGHT - 9}" text-anchor="middle" '
                f'font-size="{FONT}">{escape(ct.day_month(day, language))}</text>'
            )
        day = (day + timedelta(days=every, hours=12)).replace(hour=0)
    ordered = sorted(points, key=lambda p: p.at)
    if len(ordered) > 1:
        path = " ".join(f"{x(p.at):.1f},{y(p.value):.1f}" for p in ordered)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#12324f" stroke-width="2"/>')
    for at in marks:
        if start <= at <= end:
            parts.append(
                f'<line x1="{x(at):.1f}" x2="{x(at):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                'stroke="#b00020" stroke-dasharray="4 3" class="mark"/>'
            )
    for p in ordered:
        shown = f"{ct.number(p.value, language)} {unit}".strip()
        when = ct.datetime_text(p.at, language)
        text = ct.gettext("%(value)s at %(when)s", language, {"value": shown, "when": when})
        parts.append(
            f'<circle cx="{x(p.at):.1f}" cy="{y(p.value):.1f}" r="4" fill="#12324f">'
            f"<title>{escape(text)}</title></circle>"
        )
    if not ordered:
        nothing = ct.gettext("No readings in this period", language)
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="{FONT}">'
            f"{escape(nothing)}</text>"
        )
    parts.append(
        f'<text x="4" y="{TOP - 5}" font-size="{FONT}">{escape(unit)}</text>'
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#8894a0"/></svg>'
    )
    return Markup("".join(parts))
