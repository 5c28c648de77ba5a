"""The requesting side of specialist review, as the home nurse works it: the wound clinic's
answers waiting for her to read, her own open requests, and a review request sent in the same
flow as the assessment it is about (stored once, whatever the resends).

Who may confirm an answer is telemon.woundcare.reviews.may_acknowledge's to say (the requesting
nurse or a colleague of her organisation); the lists here show exactly those.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from telemon import access, audit
from telemon.extensions import db
from telemon.models import ReviewRequest, User, WoundAssessment
from telemon.woundcare import reviews
from telemon.woundcare.records import STAFF_ROLES

LISTED = 50  # at most this many of each list on the start page


def answers_to_read(user: User) -> list[ReviewRequest]:
    """Answered requests from the user or a colleague of her organisation that nobody has
    confirmed reading yet, oldest answer first. Audited; the caller commits."""
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
    Audited; the caller commits."""
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
        db.session.commit()
        return earlier
    return reviews.request_review(
        user, assessment.wound_id, {**data, "assessment_id": assessment.id}
    )
