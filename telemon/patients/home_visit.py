"""The home nurse's visits, as her pages (telemon.web.home) read them: her start page (whom to
visit: her patients, telemon.patients.overview; and what the wound clinic answered her,
telemon.woundcare.home_nursing), one patient as she sees her at the door (what she records
there, by programme; the open alerts, read-only, and whether the hospital has seen them; the
open wounds; the latest readings), and the enrolment whose readings she records. Each page's
reads are one use case (telemon.transactions), every patient shown audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from telemon import access, admissions, audit
from telemon.alerts import queries
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.http import paging
from telemon.models import (
    Alert,
    CareTeam,
    DischargeFollowUp,
    Enrollment,
    Observation,
    Organisation,
    Patient,
    ReviewRequest,
    User,
    Wound,
)
from telemon.patients import overview
from telemon.transactions import use_case
from telemon.woundcare import home_nursing

RECENT = 10  # readings listed on the patient's page
ALERTS = 50  # open alerts listed on the patient's page


@dataclass
class StartPage:
    """The home nurse's start page: her work."""

    patients: paging.Page[overview.OverviewRow]  # her patients, most in need first
    answers: list[ReviewRequest]  # the wound clinic's answers to read, oldest first
    requests: list[ReviewRequest]  # her requests waiting for an answer, soonest due first
    names: dict[int, str]  # the names of the patients of those two lists
    # A nurse of a hospital team (the anticoagulation clinic's) also works its work list.
    in_hospital_team: bool
    # Discharged patients whose measurements she resumes ("udskrevet: genoptag målinger").
    follow_ups: list[DischargeFollowUp] = field(default_factory=list)
    # Her patients' hospital stays under way (telemon.admissions), by patient.
    stays: dict[int, admissions.StayNow] = field(default_factory=dict)


@use_case
def start_page(
    user: User, f: overview.OverviewFilter, limit: int, after: paging.Key | None = None
) -> StartPage:
    """A page of the nurse's patients, with the wound clinic's answers and her open requests;
    every patient shown audited."""
    page = overview.patient_page(user, f, limit, after)
    answers = home_nursing.answers_to_read(user)
    requests = home_nursing.open_requests(user)
    follow_ups = admissions.open_follow_ups(user)
    if follow_ups:
        audit.record_many(
            user,
            sorted({f.patient_id for f in follow_ups}),
            "discharge_follow_up.list",
            "discharge_follow_up",
        )
    names = home_nursing.patient_names(
        {r.patient_id for r in answers + requests} | {f.patient_id for f in follow_ups}
    )
    hospital_team = db.session.scalar(
        select(CareTeam.id)
        .join(Organisation, Organisation.id == CareTeam.organisation_id)
        .where(CareTeam.members.any(User.id == user.id), Organisation.kind == "hospital")
        .limit(1)
    )
    stays = admissions.current_stays(
        [r.patient_id for r in page.items] + [f.patient_id for f in follow_ups]
    )
    return StartPage(page, answers, requests, names, hospital_team is not None, follow_ups, stays)


@dataclass
class HomeVisit:
    """The patient at the door."""

    patient: Patient
    programmes: dict[str, Enrollment]  # her active enrolments, by programme
    alerts: list[Alert]  # most severe first, then oldest
    wounds: list[Wound]  # open, newest first
    recent: list[Observation]  # the latest readings, newest first


@use_case
def patient_at_home(user: User, patient_id: int) -> HomeVisit:
    """The patient as the home nurse's page shows her; the read audited."""
    patient = access.patient_for(user, patient_id, "patient.read")
    programmes = {e.programme: e for e in patient.enrollments if e.status == "active"}
    alerts = queries.work_list(user, queries.AlertFilter(patient_id=patient_id), limit=ALERTS)
    wounds = db.session.scalars(
        select(Wound)
        .where(Wound.patient_id == patient_id, Wound.status == "open")
        .order_by(Wound.created_at.desc())
    ).all()
    recent = db.session.scalars(
        select(Observation)
        .where(Observation.patient_id == patient_id)
        .order_by(Observation.effective_at.desc(), Observation.id.desc())
        .limit(RECENT)
    ).all()
    return HomeVisit(patient, programmes, alerts, list(wounds), list(recent))


@use_case
def enrolment_to_record(user: User, patient_id: int, programme: str) -> Enrollment:
    """The patient's active enrolment in the programme whose readings the nurse records (its
    patient the enrolment's `patient`); the read audited. Not in the programme: 404."""
    patient = access.patient_for(user, patient_id, "patient.read")
    for enrollment in patient.enrollments:
        if enrollment.programme == programme and enrollment.status == "active":
            return enrollment
    raise NotFound("The patient is not in this programme.")
