"""What a clinician reads on an alert's page, so that she can decide from it (one read use case):

- the alert, opened as telemon.alerts.handling.open_alert opens it (read audited, seen marked);
- the readings behind the alert: exactly the readings that raised it (its attached
  observations), newest first, never others of the patient's;
- the alert's measurement around the alert (two weeks before its first reading, four months
  for INR, to a week after its last), with the patient's limits (COPD) or INR target range;
- for a wound alert, the wound's latest photos (the wound read audited);
- for an INR alert, the dose suggestion whose decision answers it: the enrolment's pending one
  when its INR is not older than the alert's readings (deciding it resolves this alert too),
  else the one the alert's newest INR made;
- for a questionnaire alert, the responses its reasons name: each question and answer, the
  marked answers (telemon.questionnaires.view);
- what the user may do (telemon.access), and the names of the people on its timeline.

Plain data for the page to render (telemon.web.clinic.alert_page draws the chart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from telemon import access
from telemon.alerts.handling import open_alert
from telemon.extensions import db
from telemon.identity.names import user_names
from telemon.ingest.codes import CODES
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
    Patient,
    Photo,
    Threshold,
    User,
    Wound,
)
from telemon.questionnaires import view as questionnaire_view
from telemon.transactions import use_case
from telemon.vocabulary import DoseStatus
from telemon.woundcare import records

BEFORE = timedelta(days=14)  # the chart shows two weeks before the alert's first reading ...
AFTER = timedelta(days=7)  # ... and up to a week after its last (never past now)
INR_BEFORE = timedelta(days=120)  # INR is tested every week or few: four months
LIMIT_FIELDS = ("alert_high", "warning_high", "warning_low", "alert_low")
_WOUND_RULE = re.compile(r"^wound\.(\d+)(\.|$)")


@dataclass
class Series:
    """The alert's measurement over a window, and the limits to draw beside it."""

    code: str
    start: datetime
    end: datetime
    points: list[tuple[datetime, float]]
    marks: list[datetime]  # the alert's own readings
    # The patient's four limits (alert high, warning high, warning low, alert low; None where
    # unset), or for INR the target range as (low, high).
    limits: tuple[float | None, ...] | None = None
    target: tuple[float, float] | None = None


@dataclass
class AlertDetail:
    alert: Alert
    patient: Patient
    enrollment: Enrollment
    readings: list[Observation]
    series: Series | None = None
    suggestion: DoseSuggestion | None = None
    wound: Wound | None = None
    photos: list[Photo] = field(default_factory=list)
    photo_taken: datetime | None = None
    may: dict[str, bool] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    responses: list[Any] = field(default_factory=list)  # questionnaires.view.ResponseView


@use_case
def alert_detail(user: User, alert_id: int, now: datetime) -> AlertDetail:
    """The alert page's content (see the module's docstring)."""
    alert = open_alert(user, alert_id)
    patient = db.session.get(Patient, alert.patient_id)
    enrollment = db.session.get(Enrollment, alert.enrollment_id)
    assert patient is not None and enrollment is not None
    readings = sorted(alert.observations, key=lambda o: (o.effective_at, o.id), reverse=True)
    detail = AlertDetail(alert, patient, enrollment, readings)
    code = measurement_of(alert)
    if code is not None:
        detail.series = _series(alert, enrollment, code, readings, now)
    if alert.programme == "anticoagulation":
        detail.suggestion = _suggestion(alert)
    wound_id = wound_of(alert)
    if wound_id is not None:
        wound = records.load_wound(user, wound_id, "wound.read")
        detail.wound = wound
        latest = next((a for a in wound.assessments if a.photos), None)
        if latest is not None:
            detail.photos, detail.photo_taken = list(latest.photos), latest.assessed_at
    detail.may = {
        "acknowledge": access.may_act(user, enrollment, access.ACKNOWLEDGE_ALERT),
        "resolve": access.may_act(user, enrollment, access.RESOLVE_ALERT),
        "decide_dose": access.may_act(user, enrollment, access.DECIDE_DOSE),
    }
    detail.names = user_names(e.by_id for e in alert.events)
    if alert.measurement == "questionnaire":
        detail.responses = questionnaire_view.of_alert(alert)
    return detail


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


def _series(
    alert: Alert, enrollment: Enrollment, code: str, readings: list[Observation], now: datetime
) -> Series:
    first = min((o.effective_at for o in readings), default=alert.raised_at)
    last = max((o.effective_at for o in readings), default=alert.raised_at)
    start = first - (INR_BEFORE if code == "inr" else BEFORE)
    end = max(min(max(last + AFTER, alert.raised_at), now), last)
    points = [
        (at, value)
        for at, value in db.session.execute(
            select(Observation.effective_at, Observation.value).where(
                Observation.patient_id == alert.patient_id,
                Observation.code == code,
                Observation.effective_at >= start,
                Observation.effective_at <= end,
            )
        )
    ]
    series = Series(code, start, end, points, marks=[o.effective_at for o in readings])
    if code == "inr":
        plan = db.session.get(AnticoagulationPlan, enrollment.id)
        series.target = (plan.target_low, plan.target_high) if plan else None
    else:
        row = db.session.get(Threshold, (enrollment.id, code))
        series.limits = tuple(getattr(row, f) for f in LIMIT_FIELDS) if row else None
    return series


def _suggestion(alert: Alert) -> DoseSuggestion | None:
    """The suggestion a decision on which answers the alert (see the module's docstring)."""
    newest = max((o.effective_at for o in alert.observations), default=None)
    pending = db.session.execute(
        select(DoseSuggestion, Observation.effective_at)
        .join(Observation, Observation.id == DoseSuggestion.observation_id)
        .where(
            DoseSuggestion.enrollment_id == alert.enrollment_id,
            DoseSuggestion.status == DoseStatus.PENDING,
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
