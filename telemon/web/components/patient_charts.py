"""A patient's readings as charts with the patient's own limits: the clinician's patient page
and the patient's own page draw the same ones (telemon.patients.series reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telemon import clinical_text as ct
from telemon.patients.series import CHART_DAYS, Series
from telemon.web.components.charts import Point, Zone, line_chart, zones_from_limits
from telemon.web.components.clinical import language

__all__ = ["CHART_DAYS", "charts"]


def charts(series: Sequence[Series]) -> list[dict[str, Any]]:
    """Each series as {"code", "title", "svg"}, in the page's language."""
    return [_chart(s, language()) for s in series]


def _chart(series: Series, lang: str) -> dict[str, Any]:
    if series.target is not None:
        zones = [Zone(series.target[0], series.target[1], "target")]
    elif series.limits is not None:
        zones = zones_from_limits(*series.limits)
    else:
        zones = []
    title = "INR" if series.code == "inr" else ct.measurement_name(series.code, lang)
    unit = "" if series.code == "inr" else ct.unit_text(series.code)
    return {
        "code": series.code,
        "title": title,
        "svg": line_chart(
            [Point(at, value) for at, value in series.points],
            title=title,
            unit=unit,
            zones=zones,
            start=series.start,
            end=series.end,
            language=lang,
        ),
    }
