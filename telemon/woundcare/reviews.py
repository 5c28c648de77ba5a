"""Specialist review: a nurse asks the wound clinic, the clinic answers, the nurse confirms.

Life cycle: open (in the clinic's work list, due by working time) → answered (instructions
written, mailed to the requesting nurse's team) → closed (the nurse has read them). An open
request past its due time is mailed once to the clinic's escalation address.

"The requesting nurse's team": a home nurse need not be a member of any care team. The answer
is mailed to every care team of the requester's own organisation that she is a member of
(e.g. the district's wound nurses); when she is in none, to her own e-mail address. The mail
says only that an answer is waiting; the instructions are read in telemon.

Each thing done with a request is one use case (telemon.transactions), called alike by the JSON
API, the web pages and FHIR; the mail it queues is handed over after its commit.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, true

from telemon import access, audit, clock
from telemon.administration.holidays import observed_holidays
from telemon.clinical_text import datetime_text
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.http.links import review_answer_link, worklist_link
from telemon.models import CareTeam, ReviewRequest, User, WoundAssessment, care_team_member
from telemon.notify import messages
from telemon.notify.outbox import queue_mail
from telemon.transactions import transaction, use_case
from telemon.woundcare.records import STAFF_ROLES, load_wound, require_wound_enrollment
from telemon.woundcare.working_hours import (
    WorkingCalendar,
    calendar_from_settings,
    review_due_at,
)

log = logging.getLogger(__name__)


def working_calendar(hours: str | None = None) -> WorkingCalendar:
    """The clinics' working time, with the public holidays administrators keep
    (telemon.administration.holidays; TELEMON_PUBLIC_HOLIDAYS is their initial set). `hours`
    are a care team's own opening hours ("08:00-16:00"; None: TELEMON_WORKING_HOURS)."""
    config = current_app.config
    return calendar_from_settings(
        config["TELEMON_WORKING_TIMEZONE"],
        hours or config["TELEMON_WORKING_HOURS"],
        [day.isoformat() for day in observed_holidays()],
    )


def due_for(requested_at: datetime, urgency: str) -> datetime:
    config = current_app.config
    due = review_due_at(
        requested_at,
        urgency,
        working_calendar(),
        urgent_hours=float(config["TELEMON_REVIEW_URGENT_WORKING_HOURS"]),
        routine_days=float(config["TELEMON_REVIEW_ROUTINE_WORKING_DAYS"]),
    )
    return due.astimezone(UTC)


def _due_text(due_at: datetime, language: str) -> str:
    return datetime_text(due_at, language)


@use_case
def request_review(user: User, wound_id: int, data: dict[str, Any]) -> ReviewRequest:
    """Put a question about the wound in the wound clinic's work list, and tell the clinic."""
    access.require_role(user, *STAFF_ROLES)
    wound = load_wound(user, wound_id, "review_request.create")
    enrollment = require_wound_enrollment(wound.patient_id)
    assessment_id = data.get("assessment_id")
    if assessment_id is not None:
        assessment = db.session.get(WoundAssessment, assessment_id)
        if assessment is None or assessment.wound_id != wound.id:
            raise Invalid(
                "The assessment is not one of this wound's.",
                {"assessment_id": ["Not an assessment of this wound."]},
            )
    now = clock.now()
    review = ReviewRequest(
        wound_id=wound.id,
        patient_id=wound.patient_id,
        enrollment_id=enrollment.id,
        care_team_id=enrollment.care_team_id,
        assessment_id=assessment_id,
        question=data["question"],
        urgency=data["urgency"],
        status="open",
        requested_by_id=user.id,
        requested_at=now,
        due_at=due_for(now, data["urgency"]),
    )
    db.session.add(review)
    db.session.flush()
    team = enrollment.care_team
    queue_mail(
        f"review:{review.id}:requested",
        team.email,
        messages.review_requested(
            review.urgency, _due_text(review.due_at, team.language), worklist_link(), team.language
        ),
        care_team_id=team.id,
    )
    return review


def load_review(user: User, review_id: int, action: str) -> ReviewRequest:
    review = db.session.get(ReviewRequest, review_id)
    if review is None:
        raise NotFound("No such review request.")
    access.patient_for(user, review.patient_id, action, "review_request", review_id)
    return review


def in_clinic(user: User, review: ReviewRequest) -> bool:
    """A clinician of the wound clinic the request was sent to: who may answer it."""
    return user.role == "clinician" and any(m.id == user.id for m in review.care_team.members)


def mark_seen(review: ReviewRequest, user: User) -> None:
    """Timeliness: the first time someone of the clinic opened the request."""
    if review.first_seen_at is None and in_clinic(user, review):
        review.first_seen_at = clock.now()


@use_case
def list_reviews(user: User, status: str | None, limit: int) -> list[ReviewRequest]:
    """Review requests for the caller's patients, soonest due first."""
    access.require_role(user, *STAFF_ROLES)
    query = select(ReviewRequest).where(
        ReviewRequest.patient_id.in_(access.visible_patient_ids(user))
    )
    if status:
        query = query.where(ReviewRequest.status == status)
    items = list(
        db.session.scalars(query.order_by(ReviewRequest.due_at, ReviewRequest.id).limit(limit))
    )
    for patient_id in sorted({r.patient_id for r in items}):
        audit.record(user, patient_id, "review_request.list", "review_request")
    return items


@use_case
def read_review(user: User, review_id: int) -> ReviewRequest:
    """One request as care staff open it: read audited, the clinic's first look recorded."""
    access.require_role(user, *STAFF_ROLES)
    review = load_review(user, review_id, "review_request.read")
    mark_seen(review, user)
    return review


@use_case
def reply(user: User, review_id: int, instructions: str) -> ReviewRequest:
    """The wound clinic answers with instructions; the requesting nurse's team is told."""
    access.require_role(user, "clinician")
    review = load_review(user, review_id, "review_request.reply")
    if not in_clinic(user, review):
        raise Forbidden("Only the wound clinic the request was sent to answers it.")
    if review.status != "open":
        if review.instructions == instructions and review.answered_by_id == user.id:
            return review  # a retried request
        raise Conflict("The review request is already answered.")
    now = clock.now()
    mark_seen(review, user)
    review.status = "answered"
    review.answered_at = now
    review.answered_by_id = user.id
    review.instructions = instructions
    _notify_requester(review)
    return review


def requester_teams(requester: User) -> list[CareTeam]:
    """The care teams of the requester's own organisation that she is a member of."""
    if requester.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(CareTeam)
            .join(care_team_member, care_team_member.c.care_team_id == CareTeam.id)
            .where(
                care_team_member.c.user_id == requester.id,
                CareTeam.organisation_id == requester.organisation_id,
            )
            .order_by(CareTeam.id)
        )
    )


def _notify_requester(review: ReviewRequest) -> None:
    requester = db.session.get(User, review.requested_by_id)
    assert requester is not None
    url = review_answer_link(review.id)
    teams = requester_teams(requester)
    for team in teams:
        message = messages.review_answered(url, team.language)
        queue_mail(f"review:{review.id}:answered:team:{team.id}", team.email, message, team.id)
    if not teams:
        if requester.email:
            message = messages.review_answered(url, requester.language)
            queue_mail(f"review:{review.id}:answered:user:{requester.id}", requester.email, message)
        else:
            log.warning("review request %s answered; its requester has no e-mail", review.id)


def may_acknowledge(user: User, review: ReviewRequest) -> bool:
    """The requesting nurse, or a colleague of her organisation, confirms she read the reply."""
    requester = db.session.get(User, review.requested_by_id)
    assert requester is not None
    return user.id == requester.id or (
        user.organisation_id is not None and user.organisation_id == requester.organisation_id
    )


@use_case
def acknowledge(user: User, review_id: int) -> ReviewRequest:
    """The requesting nurse (or a colleague of her organisation) has read the instructions."""
    access.require_role(user, *STAFF_ROLES)
    review = load_review(user, review_id, "review_request.acknowledge")
    if not may_acknowledge(user, review):
        raise Forbidden("Only the requesting nurse or her colleagues confirm the answer.")
    if review.status == "open":
        raise Conflict("The review request has not been answered yet.")
    if review.status == "answered":
        review.status = "closed"
        review.acknowledged_at = clock.now()
        review.acknowledged_by_id = user.id
    return review


def escalate_overdue_reviews() -> int:
    """Mail each open request past its due time to the clinic's escalation address, once.

    A periodic job: each request is escalated in a transaction of its own (its mail handed over
    when it commits), so that one that fails (logged) holds up and undoes no other."""
    now = clock.now()
    overdue = db.session.scalars(
        select(ReviewRequest).where(
            ReviewRequest.status == "open",
            ReviewRequest.due_at <= now,
            ReviewRequest.escalated_at.is_(None),
        )
    ).all()
    escalated = 0
    for review in overdue:
        review_id = review.id  # for the log, whatever state the failure leaves the row in
        try:
            with transaction():
                _escalate(review, now)
            escalated += 1
        except Exception:
            log.exception("escalation failed for review request %s", review_id)
    if escalated:
        log.warning("escalated %s overdue review request(s)", escalated)
    return escalated


def _escalate(review: ReviewRequest, now: datetime) -> None:
    team = review.care_team
    queue_mail(
        f"review:{review.id}:overdue",
        team.escalation_email or team.email,
        messages.review_overdue(
            review.urgency,
            _due_text(review.due_at, team.language),
            worklist_link(),
            team.language,
        ),
        care_team_id=team.id,
    )
    review.escalated_at = now


def reportable_teams(user: User) -> list[int] | None:
    """Whose timeliness a user may see: all (system administrator; None), the teams of an
    administrator's organisation, or the teams a clinician belongs to."""
    if user.is_system_admin:
        return None
    if user.role == "admin":
        return list(
            db.session.scalars(
                select(CareTeam.id).where(CareTeam.organisation_id == user.organisation_id)
            )
        )
    if user.role == "clinician":
        return list(
            db.session.scalars(select(CareTeam.id).where(CareTeam.members.any(User.id == user.id)))
        )
    raise Forbidden("Timeliness reports are for administrators and clinicians.")


def answer_times(care_team_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Time to answer per clinic and urgency: requests, answered, answered on time, and the
    mean and longest minutes from request to answer (the quality indicator "timeliness of
    replies"). Counted in Python so that SQLite and PostgreSQL agree."""
    rows = db.session.execute(
        select(
            ReviewRequest.care_team_id,
            ReviewRequest.urgency,
            ReviewRequest.requested_at,
            ReviewRequest.answered_at,
            ReviewRequest.due_at,
        ).where(
            ReviewRequest.care_team_id.in_(care_team_ids) if care_team_ids is not None else true()
        )
    ).all()
    groups: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.care_team_id, row.urgency), []).append(row)
    report = []
    for (team_id, urgency), items in sorted(groups.items()):
        waits = [
            (r.answered_at - r.requested_at).total_seconds() / 60
            for r in items
            if r.answered_at is not None
        ]
        report.append(
            {
                "care_team_id": team_id,
                "urgency": urgency,
                "requests": len(items),
                "answered": len(waits),
                "on_time": sum(
                    1 for r in items if r.answered_at is not None and r.answered_at <= r.due_at
                ),
                "mean_minutes_to_answer": round(sum(waits) / len(waits), 1) if waits else None,
                "max_minutes_to_answer": round(max(waits), 1) if waits else None,
            }
        )
    return report
