"""What the alert page shows besides the alert itself, so that a clinician can decide from it:

- the chart of the alert's measurement around the alert, with the patient's limits (COPD) or
  INR target range, the alert's own readings marked;
- the readings behind the alert: exactly the readings that raised it (its attached
  observations), newest first, never others of the patient's;
- for a wound alert, the wound's latest photos and a link to the wound;
- for an INR alert, the dose suggestion whose decision answers it: the enrolment's pending one
  when its INR is not older than the alert's readings (deciding it resolves this alert too),
  else the one the alert's newest INR made.

The view has checked that the user sees the patient (and audited it); who may act on what is
asked of telemon.access by the view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from telemon import clinical_text as ct
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
    Threshold,
    User,
    Wound,
)
from telemon.web.components.charts import Point, Zone, line_chart, zones_from_limits
from telemon.woundcare import records

BEFORE = timedelta(days=14)  # the chart shows two weeks before the alert's first reading ...
AFTER = timedelta(days=7)  # ... and up to a week after its last (never past now)
INR_BEFORE = timedelta(days=120)  # INR is tested every week or few: four months
LIMIT_FIELDS = ("alert_high", "warning_high", "warning_low", "alert_low")
_WOUND_RULE = re.compile(r"^wound\.(\d+)(\.|$)")


@dataclass
class AlertPage:
    readings: list[Observation]
    code: str | None = None
    chart: Any = None
    suggestion: DoseSuggestion | None = None
    wound: Wound | None = None
    photos: list[Any] = field(default_factory=list)
    photo_taken: datetime | None = None


def build(
    user: User, alert: Alert, enrollment: Enrollment, now: datetime, language: str
) -> AlertPage:
    readings = sorted(alert.observations, key=lambda o: (o.effective_at, o.id), reverse=True)
    page = AlertPage(readings=readings, code=measurement_of(alert))
    if page.code is not None:
        page.chart = _chart(alert, enrollment, page.code, readings, now, language)
    if alert.programme == "anticoagulation":
        page.suggestion = _suggestion(alert)
    wound_id = wound_of(alert)
    if wound_id is not None:
        wound = records.load_wound(user, wound_id, "wound.read")
        page.wound = wound
        latest = next((a for a in wound.assessments if a.photos), None)
        if latest is not None:
            page.photos, page.photo_taken = list(latest.photos), latest.assessed_at
    return page


def measurement_of(alert: Alert) -> str | None:
    """The measurement the alert is about: its newest reading's, else the one its rule names
    ("threshold.spo2", "inr.out_of_range"); None for a wound or a missed measurement."""
    if alert.observations:
        return max(alert.observations, key=lambda o: (o.effective_at, o.id)).code
    for part in re.split(r"[.:]", alert.rule):
        if part in CODES:
            return part
    return None


def wound_of(alert: Alert) -> int | None:
    """The wound a wound alert is about: its rule is "wound.<id>" (or, before an alert's
    reasons joined, "wound.<id>.<what>")."""
    found = _WOUND_RULE.match(alert.rule) if alert.programme == "wound" else None
    return int(found.group(1)) if found else None


def _chart(
    alert: Alert,
    enrollment: Enrollment,
    code: str,
    readings: list[Observation],
    now: datetime,
    language: str,
) -> Any:
    first = min((o.effective_at for o in readings), default=alert.raised_at)
    last = max((o.effective_at for o in readings), default=alert.raised_at)
    start = first - (INR_BEFORE if code == "inr" else BEFORE)
    end = min(max(last + AFTER, alert.raised_at), now)
    end = max(end, last)
    points = [
        Point(at, value)
        for at, value in db.session.execute(
            select(Observation.effective_at, Observation.value).where(
                Observation.patient_id == alert.patient_id,
                Observation.code == code,
                Observation.effective_at >= start,
                Observation.effective_at <= end,
            )
        )
    ]
    return line_chart(
        points,
        title=ct.measurement_name(code, language),
        unit=ct.unit_text(code),
        zones=_zones(enrollment, code),
        start=start,
        end=end,
        language=language,
        marks=[o.effective_at for o in readings],
    )


def _zones(enrollment: Enrollment, code: str) -> list[Zone]:
    if code == "inr":
        plan = db.session.get(AnticoagulationPlan, enrollment.id)
        return [Zone(plan.target_low, plan.target_high, "target")] if plan else []
    row = db.session.get(Threshold, (enrollment.id, code))
    return zones_from_limits(*(getattr(row, f) for f in LIMIT_FIELDS)) if row else []


def _suggestion(alert: Alert) -> DoseSuggestion | None:
    """The suggestion a decision on which answers the alert (see the module's docstring)."""
    newest = max((o.effective_at for o in alert.observations), default=None)
    pending = db.session.execute(
        select(DoseSuggestion, Observation.effective_at)
        .join(Observation, Observation.id == DoseSuggestion.observation_id)
        .where(
            DoseSuggestion.enrollment_id == alert.enrollment_id,
            DoseSuggestion.status == "pending",
        )
        .order_by(DoseSuggestion.created_at.desc(), DoseSuggestion.id.desc())
        .limit(1)
    ).first()
    if pending is not None and (newest is None or pending.effective_at >= newest):
        return pending[0]
    ids = [o.id for o in alert.observations]
    made = (
        db.session.scalar(
            select(DoseSuggestion)
            .join(Observation, Observation.id == DoseSuggestion.observation_id)
            .where(DoseSuggestion.observation_id.in_(ids))
            .order_by(Observation.effective_at.desc(), DoseSuggestion.id.desc())
            .limit(1)
        )
        if ids
        else None
    )
    return made if made is not None else (pending[0] if pending is not None else None)
