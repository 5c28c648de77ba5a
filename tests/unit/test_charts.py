"""The SVG charts: limits drawn where they belong, times in Copenhagen, values escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from telemon.web.components.charts import Point, Zone, _nice_step, line_chart, zones_from_limits

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=14)


def test_zones_from_four_limits() -> None:
    assert zones_from_limits(None, None, 92, 90) == [
        Zone(90, 92, "yellow"),
        Zone(None, 90, "red"),
    ]


def test_nice_steps() -> None:
    assert _nice_step(10) == 2
    assert _nice_step(12) == 2.5
    assert _nice_step(0.8) == 0.2
    assert _nice_step(300) == 100


def test_points_zones_and_axis() -> None:
    points = [Point(START + timedelta(days=d), v) for d, v in ((1, 95), (2, 93), (3, 85))]
    svg = str(
        line_chart(
            points,
            title="SpO2",
            unit="%",
            zones=zones_from_limits(None, None, 92, 90),
            start=START,
            end=END,
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="SpO2 (%): 3 reading(s)"' in svg
    assert svg.count("<circle") == 3 and "<polyline" in svg
    assert 'class="zone-red"' in svg and 'class="zone-yellow"' in svg
    # Midnight UTC on 4 November is 01:00 in Copenhagen: shown as the local time.
    assert "85 % at 04-11-2026 01:00" in svg
    # The red zone lies below the yellow one (larger y is lower on screen).
    red_y = float(re.search(r'y="([\d.]+)"[^>]*class="zone-red"', svg).group(1))
    yellow_y = float(re.search(r'y="([\d.]+)"[^>]*class="zone-yellow"', svg).group(1))
    assert red_y > yellow_y


def test_empty_chart_says_so_and_text_is_escaped() -> None:
    svg = str(line_chart([], title="<b>", unit="&", start=START, end=END))
    assert "No readings in this period" in svg
    assert "<b>" not in svg and "&amp;" in svg
