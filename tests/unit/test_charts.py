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
            language="en",
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="SpO2 (%): 3 readings"' in svg
    assert svg.count("<circle") == 3 and "<polyline" in svg
    assert 'class="zone-red"' in svg and 'class="zone-yellow"' in svg
    # Midnight UTC on 4 November is 01:00 in Copenhagen: shown as the local time.
    assert "85 % at 04/11/2026, 01:00" in svg
    # The red zone lies below the yellow one (larger y is lower on screen).
    red_y = float(re.search(r'y="([\d.]+)"[^>]*class="zone-red"', svg).group(1))
    yellow_y = float(re.search(r'y="([\d.]+)"[^>]*class="zone-yellow"', svg).group(1))
    assert red_y > yellow_y


def test_empty_chart_says_so_and_text_is_escaped() -> None:
    svg = str(line_chart([], title="<b>", unit="&", start=START, end=END, language="en"))
    assert "No readings in this period" in svg
    assert "<b>" not in svg and "&amp;" in svg


def test_in_danish_numbers_dates_and_counts_are_danish() -> None:
    points = [Point(START + timedelta(days=3), 4.2)]
    svg = str(line_chart(points, title="INR", unit="", start=START, end=END, language="da"))
    assert 'aria-label="INR: 1 måling"' in svg
    assert "4,2 kl. 04.11.2026 01.00" in svg or "4,2 " in svg
    assert "reading" not in svg and " at " not in svg
    empty = str(line_chart([], title="INR", unit="", start=START, end=END, language="da"))
    assert "No readings" not in empty


def test_labels_stay_legible_on_a_phone() -> None:
    """A 390 px phone shows the chart about 340 px wide: the labels must stay >= 10 px."""
    svg = str(line_chart([], title="SpO2", unit="%", start=START, end=END))
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) * 340 / width >= 10
