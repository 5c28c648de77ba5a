"""Wound records: open a wound for a patient in the wound programme, and read it back. Each is
one use case (telemon.transactions), called alike by the JSON API and the web pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from telemon import access, clock
from telemon.errors import Invalid, NotFound
from telemon.extensions import db
from telemon.models import Enrollment, ReviewRequest, User, Wound
from telemon.transactions import use_case
from telemon.woundcare import findings

# Who records wounds and asks for reviews: care staff. Patients may read their own record.
STAFF_ROLES = ("nurse", "clinician", "gp")
READ_ROLES = (*STAFF_ROLES, "patient")


def wound_enrollment(patient_id: int) -> Enrollment | None:
    """The patient's active wound enrolment: its care team is the wound clinic."""
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.patient_id == patient_id,
            Enrollment.programme == "wound",
            Enrollment.status == "active",
        )
    )


def require_wound_enrollment(patient_id: int) -> Enrollment:
    enrollment = wound_enrollment(patient_id)
    if enrollment is None:
        raise Invalid(
            "The patient is not in the wound programme.",
            {"patient": ["Enrol the patient in the wound programme first."]},
        )
    return enrollment


@use_case
def create_wound(user: User, patient_id: int, data: dict[str, Any]) -> Wound:
    """Open a wound record; the patient must be enrolled in the wound programme."""
    access.require_role(user, *STAFF_ROLES)
    access.patient_for(user, patient_id, "wound.create", "wound")
    enrollment = require_wound_enrollment(patient_id)
    wound = Wound(
        patient_id=patient_id,
        enrollment_id=enrollment.id,
        body_site=data["body_site"],
        wound_type=data["wound_type"],
        onset_date=data.get("onset_date"),
        status="open",
        created_at=clock.now(),
        created_by_id=user.id,
    )
    db.session.add(wound)
    db.session.flush()  # its id, for a caller inside a larger use case
    return wound


def load_wound(user: User, wound_id: int, action: str) -> Wound:
    """Load or 404, check access, audit: the rhythm of every wound handler."""
    wound = db.session.get(Wound, wound_id)
    if wound is None:
        raise NotFound("No such wound.")
    access.patient_for(user, wound.patient_id, action, "wound", wound_id)
    return wound


@use_case
def update_wound(user: User, wound_id: int, data: dict[str, Any]) -> Wound:
    """Mark a wound healed (or open again), or correct its body site."""
    access.require_role(user, *STAFF_ROLES)
    wound = load_wound(user, wound_id, "wound.update")
    for field in ("status", "body_site"):
        if field in data:
            setattr(wound, field, data[field])
    return wound


@use_case
def wound_record(user: User, wound_id: int) -> dict[str, Any]:
    """The wound with its assessments (newest first), trajectory and review requests."""
    access.require_role(user, *READ_ROLES)
    wound = load_wound(user, wound_id, "wound.read")
    reviews: list[ReviewRequest] = []
    if user.role != "patient":  # the clinic's instructions are written to the nurse
        reviews = list(
            db.session.scalars(
                select(ReviewRequest)
                .where(ReviewRequest.wound_id == wound.id)
                .order_by(ReviewRequest.requested_at.desc(), ReviewRequest.id.desc())
            )
        )
    record = {
        "id": wound.id,
        "patient_id": wound.patient_id,
        "enrollment_id": wound.enrollment_id,
        "care_team_id": wound.care_team_id,
        "body_site": wound.body_site,
        "wound_type": wound.wound_type,
        "onset_date": wound.onset_date,
        "status": wound.status,
        "created_at": wound.created_at,
        "created_by_id": wound.created_by_id,
        "assessments": list(wound.assessments),
        "trajectory": findings.trajectory_of(wound),
        "review_requests": reviews,
    }
    return record
