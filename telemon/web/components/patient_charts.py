"""A patient's readings as charts with the patient's own limits: the clinician's patient page
and the patient's own page draw the same ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from telemon import clinical_text as ct
from telemon.extensions import db
from telemon.models import Enrollment, Observation
from telemon.patients.service import LIMIT_FIELDS
from telemon.web.components.charts import Point, Zone, line_chart, zones_from_limits
from telemon.web.components.clinical import language

CHART_DAYS = 30
INR_CHART_DAYS = 182
COPD_CHART_CODES = ("spo2", "pulse", "fev1", "peak_flow", "weight", "cat_score")


def readings(patient_id: int, code: str, since: datetime) -> list[Point]:
    rows = db.session.execute(
        select(Observation.effective_at, Observation.value).where(
            Observation.patient_id == patient_id,
            Observation.code == code,
            Observation.effective_at >= since,
        )
    )
    return [Point(at, value) for at, value in rows]


def copd_charts(patient_id: int, copd: Enrollment | None, now: datetime) -> list[dict[str, Any]]:
    """SpO2 always, the other COPD codes when there are readings, each with its limits."""
    if copd is None:
        return []
    start = now - timedelta(days=CHART_DAYS)
    limits = {t.code: t for t in copd.thresholds}
    charts = []
    for code in COPD_CHART_CODES:
        points = readings(patient_id, code, start)
        if not points and code not in ("spo2",):
            continue
        row = limits.get(code)
        zones = zones_from_limits(*(getattr(row, f) for f in LIMIT_FIELDS)) if row else []
        name = ct.measurement_name(code, language())
        charts.append(
            {
                "code": code,
                "title": name,
                "svg": line_chart(
                    points,
                    title=name,
                    unit=ct.unit_text(code),
                    zones=zones,
                    start=start,
                    end=now,
                    language=language(),
                ),
            }
        )
    return charts


def inr_chart(
    patient_id: int, target_low: float, target_high: float, now: datetime
) -> dict[str, Any]:
    start = now - timedelta(days=INR_CHART_DAYS)
    zones = [Zone(target_low, target_high, "target")]
    points = readings(patient_id, "inr", start)
    return {
        "code": "inr",
        "title": "INR",
        "svg": line_chart(
            points, title="INR", unit="", zones=zones, start=start, end=now, language=language()
        ),
    }
