"""The alert page's chart: the alert's measurement around it (telemon.alerts.detail reads it),
drawn with the patient's limits or INR target range and the alert's own readings marked."""

from __future__ import annotations

from typing import Any

from telemon import clinical_text as ct
from telemon.alerts.detail import Series
from telemon.web.components.charts import Point, Zone, line_chart, zones_from_limits


def chart(series: Series, language: str) -> Any:
    """The SVG chart of the series, titled and labelled in `language`."""
    if series.target is not None:
        zones = [Zone(series.target[0], series.target[1], "target")]
    elif series.limits is not None:
        zones = zones_from_limits(*series.limits)
    else:
        zones = []
    return line_chart(
        [Point(at, value) for at, value in series.points],
        title=ct.measurement_name(series.code, language),
        unit=ct.unit_text(series.code),
        zones=zones,
        start=series.start,
        end=series.end,
        language=language,
        marks=series.marks,
    )
