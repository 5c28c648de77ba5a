"""What the pages read of a patient's thread: the thread as a page shows it (marked read for the
reader), and the unread answers on the patient's and the home nurse's start pages. Read use
cases (telemon.transactions), audited like the API's list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from telemon import access, audit, clock
from telemon.extensions import db
from telemon.messages.service import (
    READ_ROLES,
    mark_read_by,
    may_write,
    thread_enrollment,
    thread_query,
)
from telemon.models import Message, Patient, User
from telemon.transactions import use_case
from telemon.vocabulary import MessageWork, Role


@dataclass
class Thread:
    """A patient's thread as a page shows it: oldest first, and what the reader may do."""

    patient: Patient
    messages: list[Message]
    may_write: bool
    in_team: bool
    open_ids: set[int]  # messages still waiting for the team


THREAD_SHOWN = 100  # the newest messages a page shows


@use_case
def open_thread(user: User, patient_id: int) -> Thread:
    """The thread read on a page: the newest messages, marked read for the reader."""
    access.require_role(user, *READ_ROLES)
    patient = access.patient_for(user, patient_id, "message.list", "message")
    shown = list(db.session.scalars(thread_query(patient_id).limit(THREAD_SHOWN)))
    now = clock.now()
    for message in shown:
        mark_read_by(user, message, now)
    enrollment = thread_enrollment(patient_id, user)
    in_team = enrollment is not None and access.is_care_team_member(user, enrollment.care_team_id)
    return Thread(
        patient=patient,
        messages=list(reversed(shown)),
        may_write=enrollment is not None and may_write(user, patient_id, enrollment),
        in_team=in_team,
        open_ids={m.id for m in shown if m.work_status == MessageWork.OPEN},
    )


@dataclass(frozen=True)
class Unread:
    """A patient with answers from her care team the reader has not read."""

    patient_id: int
    name: str
    count: int


@use_case
def unread_answers(user: User) -> list[Unread]:
    """The care team's messages the caller has not read, per patient: for a patient her own
    thread's, for a home nurse (or GP) the answers addressed to her organisation. Audited per
    patient (message.unread)."""
    if user.role == Role.PATIENT:
        if user.patient_id is None:
            return []
        condition: Any = and_(
            Message.patient_id == user.patient_id, Message.read_by_patient_at.is_(None)
        )
    elif user.organisation_id is not None and user.role in access.CARE_ROLES:
        condition = and_(
            Message.to_organisation_id == user.organisation_id,
            Message.read_by_organisation_at.is_(None),
            Message.patient_id.in_(access.visible_patient_ids(user)),
        )
    else:
        return []
    rows = db.session.execute(
        select(Message.patient_id, Patient.name, func.count())
        .join(Patient, Patient.id == Message.patient_id)
        .where(Message.from_team.is_(True), condition)
        .group_by(Message.patient_id, Patient.name)
        .order_by(Message.patient_id)
    ).all()
    found = [Unread(patient_id, name, count) for patient_id, name, count in rows]
    audit.record_many(user, [u.patient_id for u in found], "message.unread", "message")
    return found
