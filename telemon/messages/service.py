"""The use cases of a patient's message thread: write, read the thread, mark read, mark
handled, and store a message received from another system (a MedCom CareCommunication).

Each is one use case (telemon.transactions), called alike by the JSON API, FHIR and the web
pages: it loads (or 404s), asks telemon.access (audited), acts, audits and returns; the mail to
the care team is handed over after its commit. The thread's rules are telemon.messages.thread.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from telemon import access, audit, clock
from telemon.clinical_text import datetime_text
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.http import paging
from telemon.http.links import messages_link
from telemon.i18n import N_
from telemon.messages import thread
from telemon.models import CareTeam, Enrollment, Message, User, enrollment_share
from telemon.notify import messages as mails
from telemon.notify.outbox import queue_mail
from telemon.transactions import use_case
from telemon.vocabulary import MessageWork, Role
from telemon.woundcare.reviews import working_calendar
from telemon.woundcare.working_hours import add_working_time

READ_ROLES = (Role.CLINICIAN, Role.NURSE, Role.GP, Role.PATIENT)
# The body's errors, as the pages show them (translated there).
BODY_EMPTY = N_("Write a message first.")
BODY_TOO_LONG = N_("A message holds at most 4,000 characters.")


def _body(text: str, field: str) -> str:
    try:
        return thread.clean_body(text)
    except ValueError as error:
        message = BODY_EMPTY if text.strip() == "" else BODY_TOO_LONG
        raise Invalid(str(error), {field: [message]}) from None


CLIENT_ID_MAX = 64
# The cursor of a thread's page: the last message's sent_at and id (newest first).
CURSOR_SHAPE = (datetime, int)


def due_for(sent_at: datetime, team: CareTeam) -> datetime:
    """When a message to the team should be answered: in the team's working hours."""
    hours = float(current_app.config["TELEMON_MESSAGE_ANSWER_WORKING_HOURS"])
    calendar = working_calendar(team.opening_hours)
    return add_working_time(sent_at, timedelta(hours=hours), calendar).astimezone(UTC)


def thread_enrollment(patient_id: int, user: User | None = None) -> Enrollment | None:
    """The enrolment whose responsible team a new thread message goes to: the first active
    one whose team the writer is a member of, else the first shared with the writer's
    organisation, else the patient's first active enrolment."""
    enrolments = list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.patient_id == patient_id, Enrollment.status == "active")
            .order_by(Enrollment.enrolled_at, Enrollment.id)
        )
    )
    if user is not None:
        for enrollment in enrolments:
            if access.is_care_team_member(user, enrollment.care_team_id):
                return enrollment
        for enrollment in enrolments:
            if any(o.id == user.organisation_id for o in enrollment.shared_with):
                return enrollment
    return enrolments[0] if enrolments else None


def _shares_with(user: User, patient_id: int) -> bool:
    """The user's organisation is one an active enrolment of the patient is shared with."""
    if user.organisation_id is None or user.role not in access.CARE_ROLES:
        return False
    found = db.session.scalar(
        select(func.count())
        .select_from(Enrollment)
        .join(enrollment_share, enrollment_share.c.enrollment_id == Enrollment.id)
        .where(
            Enrollment.patient_id == patient_id,
            Enrollment.status == "active",
            enrollment_share.c.organisation_id == user.organisation_id,
        )
    )
    return bool(found)


def may_write(user: User, patient_id: int, enrollment: Enrollment) -> bool:
    """The patient about herself; users of the organisations the enrolment is shared with;
    members of the responsible care team."""
    if user.role == Role.PATIENT:
        return user.patient_id == patient_id
    return access.is_care_team_member(user, enrollment.care_team_id) or _shares_with(
        user, patient_id
    )


def _sent(message: Message) -> thread.Sent:
    return thread.Sent(
        id=message.id,
        from_team=message.from_team,
        sender_is_patient=message.sender_role == Role.PATIENT,
        sender_organisation_id=message.sender_organisation_id,
        work_status=message.work_status,
    )


def _load_reply_to(patient_id: int, reply_to_id: int | None) -> Message | None:
    if reply_to_id is None:
        return None
    parent = db.session.get(Message, reply_to_id)
    if parent is None or parent.patient_id != patient_id:
        raise Invalid(
            "reply_to is not a message of this patient's thread.",
            {"reply_to": ["Not a message of this patient's thread."]},
        )
    return parent


def _same_request(existing: Message, patient_id: int, body: str, reply_to: int | None) -> bool:
    return (
        existing.patient_id == patient_id
        and existing.body == body
        and existing.reply_to_id == reply_to
    )


def _by_client_id(user: User, client_id: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.sender_id == user.id, Message.client_id == client_id)
    )


@use_case
def write(user: User, patient_id: int, data: dict[str, Any]) -> Message:
    """Write into the patient's thread. Idempotent on client_id: the same message again is
    answered with the stored one; other content under the same client_id is a conflict."""
    access.require_role(user, *READ_ROLES)
    access.patient_for(user, patient_id, "message.create", "message")
    body = _body(data["body"], "body")
    client_id = str(data["client_id"])
    if not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise Invalid(
            "client_id is 1 to 64 characters.", {"client_id": ["Length must be 1 to 64."]}
        )
    reply_to_id = data.get("reply_to")
    existing = _by_client_id(user, client_id)
    if existing is not None:
        if _same_request(existing, patient_id, body, reply_to_id):
            return existing
        raise Conflict("This client_id was used before for another message.")
    parent = _load_reply_to(patient_id, reply_to_id)
    enrollment = thread_enrollment(patient_id, user)
    if parent is not None and parent.enrollment_id:
        enrollment = db.session.get(Enrollment, parent.enrollment_id) or enrollment
    if enrollment is None:
        raise Invalid(
            "The patient has no active enrolment, so no care team to write to.",
            {"patient_id": ["No active enrolment."]},
        )
    if not may_write(user, patient_id, enrollment):
        audit.record_refusal(user, patient_id, "message.create", "message")
        raise Forbidden(
            "Only the patient, her care team and the organisations it shares with write."
        )
    in_team = access.is_care_team_member(user, enrollment.care_team_id)
    message = _new_message(
        enrollment,
        body,
        client_id=client_id,
        sender=user,
        in_team=in_team,
        parent=parent,
    )
    nested = db.session.begin_nested()
    try:
        db.session.add(message)
        db.session.flush()
    except IntegrityError:
        # A concurrent retry with the same client_id stored it first.
        nested.rollback()
        existing = _by_client_id(user, client_id)
        if existing is not None and _same_request(existing, patient_id, body, reply_to_id):
            return existing
        raise Conflict("This client_id was used before for another message.") from None
    _after_sent(message, parent)
    audit.record(user, patient_id, "message.create", "message", message.id)
    return message


def _new_message(
    enrollment: Enrollment,
    body: str,
    *,
    client_id: str,
    sender: User | None,
    in_team: bool,
    parent: Message | None,
    sender_display: str | None = None,
    source: str = "telemon",
    external_id: str | None = None,
) -> Message:
    now = clock.now()
    team = enrollment.care_team
    work = thread.work_for(in_team)
    return Message(
        patient_id=enrollment.patient_id,
        enrollment_id=enrollment.id,
        care_team_id=team.id,
        client_id=client_id,
        sender_id=sender.id if sender else None,
        sender_role=sender.role if sender else Role.NURSE.value,
        sender_organisation_id=sender.organisation_id if sender else None,
        sender_display=sender_display,
        from_team=in_team,
        body=body,
        reply_to_id=parent.id if parent else None,
        to_organisation_id=(
            thread.addressed_to(_sent(parent) if parent else None, team.organisation_id)
            if in_team
            else None
        ),
        sent_at=now,
        work_status=work.value,
        due_at=due_for(now, team) if work == MessageWork.OPEN else None,
        source=source,
        external_id=external_id,
    )


def _after_sent(message: Message, parent: Message | None) -> None:
    """A team message answers what it replies to; a message to the team is mailed to it."""
    team = message.care_team
    if message.from_team:
        open_ones = list(
            db.session.scalars(
                select(Message).where(
                    Message.patient_id == message.patient_id,
                    Message.care_team_id == message.care_team_id,
                    Message.work_status == MessageWork.OPEN,
                    Message.id != message.id,
                )
            )
        )
        answered = set(
            thread.answered_by(_sent(parent) if parent else None, [_sent(m) for m in open_ones])
        )
        for other in [*open_ones, *([parent] if parent else [])]:
            if other.id in answered:
                other.work_status = MessageWork.ANSWERED.value
                other.handled_at = message.sent_at
                other.handled_by_id = message.sender_id
                if other.read_by_team_at is None:
                    other.read_by_team_at = message.sent_at
        return
    assert message.due_at is not None
    queue_mail(
        f"message:{message.id}:received",
        team.email,
        mails.message_received(
            datetime_text(message.due_at, team.language),
            messages_link(message.patient_id),
            team.language,
        ),
        care_team_id=team.id,
    )


def load_message(user: User, message_id: int, action: str) -> Message:
    message = db.session.get(Message, message_id)
    if message is None:
        raise NotFound("No such message.")
    access.patient_for(user, message.patient_id, action, "message", message_id)
    return message


def reader_of(user: User, care_team_id: int) -> thread.Reader:
    return thread.Reader(
        is_patient=user.role == Role.PATIENT,
        in_team=access.is_care_team_member(user, care_team_id),
        organisation_id=user.organisation_id,
    )


def mark_read_by(user: User, message: Message, now: datetime) -> None:
    mark = thread.read_mark(
        reader_of(user, message.care_team_id), message.from_team, message.to_organisation_id
    )
    if mark is not None and getattr(message, mark) is None:
        setattr(message, mark, now)


@use_case
def mark_read(user: User, message_id: int) -> Message:
    """The caller has read the message: the team, the patient or the addressed organisation's
    time is set (the first time only); anyone else's reading changes nothing."""
    access.require_role(user, *READ_ROLES)
    message = load_message(user, message_id, "message.read")
    mark_read_by(user, message, clock.now())
    return message


@use_case
def mark_handled(user: User, message_id: int) -> Message:
    """A member of the responsible team takes the message off the queue without answering it."""
    access.require_role(user, *access.CARE_ROLES)
    message = load_message(user, message_id, "message.handle")
    if not access.is_care_team_member(user, message.care_team_id):
        audit.record_refusal(user, message.patient_id, "message.handle", "message", message_id)
        raise Forbidden("Only the patient's responsible care team handles its messages.")
    if message.work_status == MessageWork.NONE:
        raise Conflict("This message is no work for the team: it was written by the team.")
    if message.work_status == MessageWork.OPEN:
        now = clock.now()
        message.work_status = MessageWork.HANDLED.value
        message.handled_at = now
        message.handled_by_id = user.id
        if message.read_by_team_at is None:
            message.read_by_team_at = now
    return message


def thread_query(patient_id: int) -> Any:
    return (
        select(Message)
        .where(Message.patient_id == patient_id)
        .options(selectinload(Message.sender))
        .order_by(Message.sent_at.desc(), Message.id.desc())
    )


@use_case
def thread_page(
    user: User, patient_id: int, limit: int, after: paging.Key | None = None
) -> paging.Page[Message]:
    """The patient's thread, newest first, a page at a time (audited: message.list)."""
    access.require_role(user, *READ_ROLES)
    access.patient_for(user, patient_id, "message.list", "message")
    query = thread_query(patient_id)
    if after is not None:
        sent_at, last_id = after
        query = query.where(
            or_(Message.sent_at < sent_at, and_(Message.sent_at == sent_at, Message.id < last_id))
        )
    rows = list(db.session.scalars(query.limit(limit + 1)))
    return paging.page(rows, limit, lambda m: (m.sent_at, m.id))


@use_case
def receive(
    patient_id: int,
    body: str,
    *,
    external_id: str,
    sender_display: str,
    reply_to_id: int | None = None,
    sender_organisation_id: int | None = None,
) -> tuple[Message, bool]:
    """Store a message received from another system (a MedCom CareCommunication) in the
    patient's thread, as work for the responsible team; once per external id. Returns the
    message and whether it is new. Audited with no user (the sending system)."""
    existing = db.session.scalar(select(Message).where(Message.external_id == external_id))
    if existing is not None:
        return existing, False
    text = _body(body, "payload")
    parent = None
    if reply_to_id is not None:
        parent = db.session.get(Message, reply_to_id)
        if parent is not None and parent.patient_id != patient_id:
            parent = None
    enrollment = db.session.get(Enrollment, parent.enrollment_id) if parent else None
    enrollment = enrollment or thread_enrollment(patient_id)
    if enrollment is None:
        raise Invalid(
            "The patient has no active enrolment, so no care team to deliver to.",
            {"patient": ["No active enrolment."]},
        )
    message = _new_message(
        enrollment,
        text,
        client_id=external_id[:64],
        sender=None,
        in_team=False,
        parent=parent,
        sender_display=sender_display[:200],
        source="carecommunication",
        external_id=external_id,
    )
    message.sender_organisation_id = sender_organisation_id
    db.session.add(message)
    db.session.flush()
    _after_sent(message, parent)
    audit.record(None, patient_id, "message.receive", "message", message.id)
    return message, True
