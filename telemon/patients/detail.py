"""What a clinician reads on a patient's page (one read use case, as telemon.alerts.detail is
for an alert's):

- the patient, the read audited (patient.read), and her active enrolments;
- her alerts not yet resolved, most severe first;
- her measurements over the last weeks with her limits (telemon.patients.series);
- her anticoagulation (telemon.anticoagulation.patient_view.summary, audited) when she is in
  that programme;
- the notes and decisions about her, newest first: acknowledgements, resolutions and
  escalations of her alerts, and dose decisions, with the names of the people who made them;
- her wounds, newest first;
- the other measurements her devices sent, kept as sent and not evaluated (telemon.fhir.kept:
  FVC, steps, a value the device could not give, a preliminary result), newest first;
- which of her enrolments the user may act on (telemon.access): the page shows no button the
  user may not use.

Plain data for the page (telemon.web.clinic.patients renders it). The patient's measurement
table (measurement_table) is a read use case of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from telemon import access
from telemon.alerts import queries
from telemon.anticoagulation import patient_view
from telemon.copd.evaluation import limits_of
from telemon.extensions import db
from telemon.http import paging
from telemon.identity.names import user_names
from telemon.ingest import service as ingest
from telemon.models import (
    Alert,
    AlertEvent,
    DoseSuggestion,
    Enrollment,
    KeptObservation,
    Observation,
    Patient,
    User,
    Wound,
)
from telemon.monitoring import ACTIVE
from telemon.patients.series import Series, patient_series
from telemon.questionnaires import view as questionnaire_view
from telemon.transactions import use_case

TIMELINE = 50  # notes and decisions of each kind on the page
OTHER_MEASUREMENTS = 20  # kept, not evaluated measurements on the page
# The events of an alert that say what someone (or telemon) did about it.
NOTED_EVENTS = ("acknowledged", "resolved", "escalated")


@dataclass
class PatientDetail:
    patient: Patient
    enrollments: list[Enrollment]  # the active ones
    alerts: list[Alert]
    series: list[Series]
    anticoagulation: dict[str, Any] | None
    events: list[tuple[AlertEvent, Alert]]  # newest first
    decisions: list[DoseSuggestion]  # decided, newest first
    names: dict[int, str]  # user names of the people in events and decisions
    wounds: list[Wound]
    may_edit: set[int] = field(default_factory=set)  # enrolments whose plan the user may change
    may_decide_dose: set[int] = field(default_factory=set)
    may_edit_contact: bool = False  # she may change the phone and next of kin
    other_measurements: list[KeptObservation] = field(default_factory=list)  # newest first
    overview: Any = None  # questionnaires.view.Overview: measurements and questionnaires by day


@use_case
def patient_detail(user: User, patient_id: int, now: datetime) -> PatientDetail:
    """The patient page's content (see the module's docstring)."""
    patient = access.patient_for(user, patient_id, "patient.read")
    enrollments = [e for e in patient.enrollments if e.status == ACTIVE]
    by_programme = {e.programme: e for e in enrollments}
    ids = [e.id for e in enrollments]
    events, decisions = _timeline(patient_id)
    return PatientDetail(
        patient=patient,
        enrollments=enrollments,
        alerts=queries.work_list(user, queries.AlertFilter(patient_id=patient_id)),
        series=patient_series(patient_id, by_programme, now),
        anticoagulation=patient_view.summary(user, patient_id)
        if "anticoagulation" in by_programme
        else None,
        events=events,
        decisions=decisions,
        names=user_names([e.by_id for e, _ in events] + [d.decided_by_id for d in decisions]),
        wounds=list(
            db.session.scalars(
                select(Wound)
                .where(Wound.patient_id == patient_id)
                .order_by(Wound.created_at.desc())
            )
        ),
        may_edit=access.acting_on(user, ids, access.CHANGE_PLAN),
        may_decide_dose=access.acting_on(user, ids, access.DECIDE_DOSE),
        may_edit_contact=access.may_enrol(user, patient),
        other_measurements=list(
            db.session.scalars(
                select(KeptObservation)
                .where(KeptObservation.patient_id == patient_id)
                .order_by(KeptObservation.effective_at.desc(), KeptObservation.id.desc())
                .limit(OTHER_MEASUREMENTS)
            )
        ),
        overview=questionnaire_view.patient_overview(
            patient_id,
            {t.code: limits_of(t) for t in by_programme["copd"].thresholds}
            if "copd" in by_programme
            else {},
            now,
        ),
    )


def _timeline(patient_id: int) -> tuple[list[tuple[AlertEvent, Alert]], list[DoseSuggestion]]:
    """The patient's noted alert events and dose decisions, each newest first."""
    events = db.session.execute(
        select(AlertEvent, Alert)
        .join(Alert, AlertEvent.alert_id == Alert.id)
        .where(Alert.patient_id == patient_id, AlertEvent.kind.in_(NOTED_EVENTS))
        .order_by(AlertEvent.at.desc())
        .limit(TIMELINE)
    ).all()
    decisions = db.session.scalars(
        select(DoseSuggestion)
        .where(DoseSuggestion.patient_id == patient_id, DoseSuggestion.decided_at.is_not(None))
        .order_by(DoseSuggestion.decided_at.desc())
        .limit(TIMELINE)
    ).all()
    return [(event, alert) for event, alert in events], list(decisions)


@dataclass(frozen=True)
class MeasurementTable:
    patient: Patient
    page: paging.Page[Observation]


@use_case
def measurement_table(
    user: User, patient_id: int, code: str | None, limit: int, after: paging.Key | None = None
) -> MeasurementTable:
    """A page of the patient's measurement table, newest first, optionally of one code
    (observation.read audited), and the patient it is about (patient.read)."""
    page = ingest.list_observations(user, patient_id, code, None, None, limit, after)
    return MeasurementTable(access.patient_for(user, patient_id, "patient.read"), page)
