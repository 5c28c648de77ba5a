"""A patient's measurements over the last weeks, with the limits to draw beside them: what the
charts of the clinician's patient page and of the patient's own page show (drawn by
telemon.web.components.patient_charts).

A query module: it reads and audits nothing itself. The page's read use case, which has
checked and audited the read of the patient, calls it (telemon.patients.detail,
telemon.patients.own_view).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Enrollment, Observation

CHART_DAYS = 30
INR_CHART_DAYS = 182  # INR is tested every week or few: six months
COPD_CHART_CODES = ("spo2", "pulse", "fev1", "peak_flow", "weight", "cat_score")
ALWAYS_SHOWN = ("spo2",)  # charted even without readings; the others only with some
LIMIT_FIELDS = ("alert_high", "warning_high", "warning_low", "alert_low")


@dataclass(frozen=True)
class Series:
    """One measurement from `start` to `end`, and what to draw beside it."""

    code: str
    start: datetime
    end: datetime
    points: list[tuple[datetime, float]]
    # The patient's four limits (alert high, warning high, warning low, alert low; None where
    # unset), or for INR the target range as (low, high).
    limits: tuple[float | None, ...] | None = None
    target: tuple[float, float] | None = None


def readings(patient_id: int, code: str, since: datetime) -> list[tuple[datetime, float]]:
    """The patient's readings of `code` from `since` on, as (time, value)."""
    rows = db.session.execute(
        select(Observation.effective_at, Observation.value).where(
            Observation.patient_id == patient_id,
            Observation.code == code,
            Observation.effective_at >= since,
        )
    )
    return [(at, value) for at, value in rows]


def copd_series(patient_id: int, copd: Enrollment, now: datetime) -> list[Series]:
    """SpO2 always, the other COPD measurements when there are readings, each with the
    enrolment's limits, over the last CHART_DAYS."""
    start = now - timedelta(days=CHART_DAYS)
    limits = {t.code: t for t in copd.thresholds}
    found = []
    for code in COPD_CHART_CODES:
        points = readings(patient_id, code, start)
        if not points and code not in ALWAYS_SHOWN:
            continue
        row = limits.get(code)
        shown = tuple(getattr(row, f) for f in LIMIT_FIELDS) if row is not None else None
        found.append(Series(code, start, now, points, limits=shown))
    return found


def inr_series(patient_id: int, target: tuple[float, float], now: datetime) -> Series:
    """The INRs of the last INR_CHART_DAYS with the target range."""
    start = now - timedelta(days=INR_CHART_DAYS)
    return Series("inr", start, now, readings(patient_id, "inr", start), target=target)


def patient_series(
    patient_id: int, programmes: Mapping[str, Enrollment], now: datetime
) -> list[Series]:
    """The charts of a patient's active programmes (`programmes` by name): INR first, then
    COPD's."""
    found = []
    anticoagulation = programmes.get("anticoagulation")
    if anticoagulation is not None and anticoagulation.anticoagulation is not None:
        plan = anticoagulation.anticoagulation
        found.append(inr_series(patient_id, (plan.target_low, plan.target_high), now))
    copd = programmes.get("copd")
    if copd is not None:
        found += copd_series(patient_id, copd, now)
    return found
