"""What a patient reads about themself: their readings with whether the clinic has seen each,
and the notes their team chose to show them. Only their own (telemon.access), every read
audited. Read use cases (telemon.transactions): own_programmes (who she is and what she is
enrolled in, for her forms) and own_page (her start page: that, her charts, her readings and
her notes).

Whether the clinic has seen a reading: a reading inside the patient's limits raises nothing
and needs nobody's look ("no_deviation"); one that raised an alert is "seen" once a member of
the responsible team has opened (or acted on) the alert, "waiting" until then; a reading not
yet evaluated is "checking".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from telemon import access
from telemon.extensions import db
from telemon.models import (
    Alert,
    Enrollment,
    IngestBatch,
    Observation,
    Patient,
    User,
    alert_observation,
)
from telemon.monitoring import ACTIVE
from telemon.patients.series import Series, patient_series
from telemon.transactions import use_case
from telemon.vocabulary import AlertStatus, Role

SHOWN = 100  # readings on the patient's page, newest first


@dataclass(frozen=True)
class OwnReading:
    id: int
    code: str
    value: float
    value_qualifier: str | None
    effective_at: datetime
    status: str  # "checking" | "no_deviation" | "received" | "waiting" | "seen"
    seen_at: datetime | None


@dataclass(frozen=True)
class AlertSight:
    """What the patient may know of an alert a reading raised: whether, and when, the team
    opened it (not its severity or reason)."""

    team_seen_at: datetime | None
    status: str


def reading_status(
    evaluated: bool, alerts: Iterable[AlertSight], has_limits: bool = True
) -> tuple[str, datetime | None]:
    """The reading's status for the patient, and when the clinic saw it (PURE). A reading
    that raised nothing is "no_deviation" ("within your limits") only when its measurement has
    limits for her; without (weight, often) it is "received": there were no limits to be within."""
    alerts = list(alerts)
    if not alerts:
        if not evaluated:
            return "checking", None
        return ("no_deviation", None) if has_limits else ("received", None)
    seen = [a.team_seen_at for a in alerts if a.team_seen_at is not None]
    if seen:
        return "seen", min(seen)
    if any(a.status != AlertStatus.OPEN for a in alerts):
        return "seen", None
    return "waiting", None


def own_patient(user: User, action: str) -> Patient:
    """The patient's own record, the read audited; 404 for a login with no patient."""
    patient_id = user.patient_id if user.role == Role.PATIENT else None
    return access.patient_for(user, patient_id or 0, action)


def own_patient_id(user: User, action: str) -> int:
    """The patient's own id, the read audited; 404 for a login with no patient."""
    return own_patient(user, action).id


@dataclass
class OwnProgrammes:
    """The signed-in patient and her active enrolments, by programme."""

    patient: Patient
    programmes: dict[str, Enrollment]


@use_case
def own_programmes(user: User) -> OwnProgrammes:
    """Who the signed-in patient is and what she is enrolled in (patient.read audited)."""
    patient = own_patient(user, "patient.read")
    return OwnProgrammes(
        patient, {e.programme: e for e in patient.enrollments if e.status == ACTIVE}
    )


@dataclass
class OwnPage(OwnProgrammes):
    """The patient's start page: her programmes, charts, newest readings and the notes shown
    to her."""

    series: list[Series] = field(default_factory=list)
    readings: list[OwnReading] = field(default_factory=list)
    notes: list[tuple[datetime, str]] = field(default_factory=list)


@use_case
def own_page(user: User, now: datetime) -> OwnPage:
    """What the patient's start page shows (each read audited: patient.read, observation.list,
    alert.list)."""
    mine = own_programmes(user)
    return OwnPage(
        mine.patient,
        mine.programmes,
        series=patient_series(mine.patient.id, mine.programmes, now),
        readings=own_readings(user, limited=codes_with_limits(mine.programmes.values())),
        notes=notes_for_patient(user),
    )


def codes_with_limits(enrollments: Iterable[Enrollment]) -> set[str]:
    """The measurements a patient has limits for: a threshold with any limit set, and INR
    (the target range) in anticoagulation."""
    enrollments = list(enrollments)
    codes = {
        t.code
        for e in enrollments
        for t in e.thresholds
        if any(v is not None for v in (t.alert_high, t.warning_high, t.warning_low, t.alert_low))
    }
    if any(e.programme == "anticoagulation" for e in enrollments):
        codes.add("inr")
    return codes


def own_readings(
    user: User, limit: int = SHOWN, limited: set[str] | None = None
) -> list[OwnReading]:
    """The patient's newest readings with their status (observation.list audited, in the
    caller's use case: own_page). `limited`: the codes she has limits for (None: all)."""
    patient_id = own_patient_id(user, "observation.list")
    rows = db.session.execute(
        select(Observation, IngestBatch.evaluated_at)
        .join(IngestBatch, IngestBatch.id == Observation.batch_id)
        .where(Observation.patient_id == patient_id)
        .order_by(Observation.effective_at.desc(), Observation.id.desc())
        .limit(limit)
    ).all()
    sights: dict[int, list[AlertSight]] = {}
    for observation_id, seen_at, status in db.session.execute(
        select(alert_observation.c.observation_id, Alert.team_seen_at, Alert.status)
        .join(Alert, Alert.id == alert_observation.c.alert_id)
        .where(alert_observation.c.observation_id.in_([r.Observation.id for r in rows]))
    ):
        sights.setdefault(observation_id, []).append(AlertSight(seen_at, status))
    readings = []
    for row in rows:
        o = row.Observation
        status, seen_at = reading_status(
            row.evaluated_at is not None,
            sights.get(o.id, ()),
            has_limits=limited is None or o.code in limited,
        )
        readings.append(
            OwnReading(o.id, o.code, o.value, o.value_qualifier, o.effective_at, status, seen_at)
        )
    return readings


def notes_for_patient(user: User) -> list[tuple[datetime, str]]:
    """The notes the team chose to show the patient (when an alert was acknowledged, and when
    it was closed), newest first (alert.list audited, in the caller's use case: own_page)."""
    patient_id = own_patient_id(user, "alert.list")
    rows = db.session.execute(
        select(
            Alert.acknowledged_at, Alert.acknowledge_note, Alert.resolved_at, Alert.resolution_note
        )
        .where(Alert.patient_id == patient_id, Alert.visible_to_patient.is_(True))
        .order_by(Alert.updated_at.desc())
        .limit(50)
    ).all()
    notes = [
        (at, note)
        for row in rows
        for at, note in (
            (row.acknowledged_at, row.acknowledge_note),
            (row.resolved_at, row.resolution_note),
        )
        if at is not None and note
    ]
    return sorted(notes, key=lambda pair: pair[0], reverse=True)
