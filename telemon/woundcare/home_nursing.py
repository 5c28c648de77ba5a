"""The home nurse's side of wound care, as her pages (telemon.web.home) read and record it: the
wound clinic's answers waiting for her to read and her own open requests (her start page,
telemon.patients.home_visit, lists them), one answer, a wound assessed at the patient's side
with, in the same flow, a review request about it (stored once, whatever the resends). Each
page's reads are one use case (telemon.transactions), every patient shown audited.

Who may confirm an answer is telemon.woundcare.reviews.may_acknowledge's to say (the requesting
nurse or a colleague of her organisation); the lists here show exactly those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from telemon import access, audit
from telemon.extensions import db
from telemon.identity.names import user_names
from telemon.models import Patient, Photo, ReviewRequest, User, Wound, WoundAssessment
from telemon.transactions import use_case
from telemon.woundcare import assessments, reviews
from telemon.woundcare.records import STAFF_ROLES, load_wound

LISTED = 50  # at most this many of each list on the start page


def patient_names(ids: set[int]) -> dict[int, str]:
    """Names of patients the lists already showed the user (each list checked and audited)."""
    if not ids:
        return {}
    rows = db.session.execute(select(Patient.id, Patient.name).where(Patient.id.in_(ids)))
    return {row.id: row.name for row in rows}


def answers_to_read(user: User) -> list[ReviewRequest]:
    """Answered requests from the user or a colleague of her organisation that nobody has
    confirmed reading yet, oldest answer first. Audited in the caller's use case."""
    access.require_role(user, *STAFF_ROLES)
    colleague = [ReviewRequest.requested_by_id == user.id]
    if user.organisation_id is not None:
        colleague.append(User.organisation_id == user.organisation_id)
    items = list(
        db.session.scalars(
            select(ReviewRequest)
            .join(User, User.id == ReviewRequest.requested_by_id)
            .where(
                ReviewRequest.status == "answered",
                ReviewRequest.patient_id.in_(access.visible_patient_ids(user)),
                or_(*colleague),
            )
            .order_by(ReviewRequest.answered_at, ReviewRequest.id)
            .limit(LISTED)
        )
    )
    audit.record_many(user, {r.patient_id for r in items}, "review_request.list", "review_request")
    return items


def open_requests(user: User) -> list[ReviewRequest]:
    """The user's own requests the wound clinic has not answered yet, soonest due first.
    Audited in the caller's use case."""
    access.require_role(user, *STAFF_ROLES)
    items = list(
        db.session.scalars(
            select(ReviewRequest)
            .where(
                ReviewRequest.status == "open",
                ReviewRequest.requested_by_id == user.id,
                ReviewRequest.patient_id.in_(access.visible_patient_ids(user)),
            )
            .order_by(ReviewRequest.due_at, ReviewRequest.id)
            .limit(LISTED)
        )
    )
    audit.record_many(user, {r.patient_id for r in items}, "review_request.list", "review_request")
    return items


@dataclass
class AnswerPage:
    """One of the nurse's requests with the wound clinic's answer (the page its mail leads to)."""

    review: ReviewRequest
    wound: Wound
    patient_name: str
    may_confirm: bool  # answered, and hers (or a colleague's) to confirm having read
    photos: list[Photo] = field(default_factory=list)  # of the assessment asked about
    answered_by: str | None = None  # "Name, title" of the specialist who answered


@use_case
def answer_page(user: User, review_id: int) -> AnswerPage:
    """One review request and the wound clinic's answer, as the requesting side reads it: the
    read audited."""
    review = reviews.load_review(user, review_id, "review_request.read")
    wound = db.session.get(Wound, review.wound_id)
    assert wound is not None
    photos: list[Photo] = []
    if review.assessment_id is not None:
        photos = list(
            db.session.scalars(
                select(Photo).where(Photo.assessment_id == review.assessment_id).order_by(Photo.id)
            )
        )
    return AnswerPage(
        review=review,
        wound=wound,
        patient_name=patient_names({review.patient_id}).get(review.patient_id, ""),
        may_confirm=review.status == "answered" and reviews.may_acknowledge(user, review),
        photos=photos,
        answered_by=user_names([review.answered_by_id]).get(review.answered_by_id or 0),
    )


@dataclass
class WoundVisit:
    """The wound the nurse assesses at the patient's side, and whose it is."""

    wound: Wound
    patient: Patient


@use_case
def wound_at_visit(user: User, wound_id: int) -> WoundVisit:
    """The wound to assess, with its patient: the read audited (wound.read)."""
    wound = load_wound(user, wound_id, "wound.read")
    patient = db.session.get(Patient, wound.patient_id)
    assert patient is not None
    return WoundVisit(wound, patient)


def record_visit_assessment(
    user: User,
    wound_id: int,
    data: dict[str, Any],
    photos: list[bytes],
    question: dict[str, Any] | None,
) -> WoundAssessment:
    """An assessment recorded at the patient's side and, when the nurse asked one, her question
    about it to the wound clinic. The assessment is stored as the API stores it
    (telemon.woundcare.assessments.record_assessment, once per client_id), then the question
    (request_about, once per assessment): a resent form stores neither twice, and a failure
    of the question leaves the assessment stored, to be asked about again."""
    stored = assessments.record_assessment(user, wound_id, data, photos)
    if question is not None:
        request_about(user, stored, question)
    return stored


@use_case
def request_about(user: User, assessment: WoundAssessment, data: dict[str, Any]) -> ReviewRequest:
    """Ask the wound clinic about this assessment, once: the assessment's row is locked while
    looking for a request the user already sent about it (a resent form, a double tap), so
    that two concurrent sends make one request."""
    db.session.execute(
        select(WoundAssessment.id).where(WoundAssessment.id == assessment.id).with_for_update()
    )
    earlier = db.session.scalar(
        select(ReviewRequest).where(
            ReviewRequest.assessment_id == assessment.id,
            ReviewRequest.requested_by_id == user.id,
        )
    )
    if earlier is not None:
        return earlier
    return reviews.request_review(
        user, assessment.wound_id, {**data, "assessment_id": assessment.id}
    )
