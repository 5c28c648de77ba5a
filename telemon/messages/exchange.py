"""A patient's thread and MedCom CareCommunication: an incoming message becomes a message of the
thread (work for the responsible team); a team's message to another organisation (a home
nurse's municipality) is fetched as a CareCommunication message Bundle. The mapping itself is
the pure telemon.medcom.carecommunication; these are its use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from telemon import access
from telemon.errors import Conflict, Invalid
from telemon.extensions import db
from telemon.medcom.carecommunication import (
    CareCommunicationError,
    Outgoing,
    Party,
    carecommunication_bundle,
    message_from_carecommunication,
    message_header_id,
)
from telemon.messages import service
from telemon.models import Message, Organisation, Patient, User
from telemon.transactions import use_case

__all__ = [
    "CareCommunicationError",
    "Delivered",
    "carecommunication_for",
    "receive_carecommunication",
]

# Why an incoming message was kept out of every thread (answered, not refused).
UNKNOWN_PATIENT = "unknown-patient"
NO_ENROLMENT = "no-active-enrolment"


@dataclass(frozen=True)
class Delivered:
    """What became of an incoming CareCommunication."""

    message_header_id: str
    message_id: int | None  # the thread's message; None when not stored (see `problem`)
    new: bool  # False: the same message was delivered before
    problem: str | None = None


def message_key(message: Message) -> str:
    return f"message:{message.id}"


def _answered(patient_id: int, previous: str | None) -> int | None:
    """The team's message an incoming reply answers (by the MessageHeader id telemon gave it)."""
    if previous is None:
        return None
    candidates = db.session.scalars(
        select(Message).where(
            Message.patient_id == patient_id,
            Message.from_team.is_(True),
            Message.to_organisation_id.is_not(None),
        )
    )
    for candidate in candidates:
        if message_header_id(message_key(candidate)) == previous:
            return candidate.id
    return None


@use_case
def receive_carecommunication(bundle: dict[str, Any]) -> Delivered:
    """Store an incoming CareCommunication message Bundle in its patient's thread, once per
    MessageHeader id. Raises CareCommunicationError (with the element at fault) when the Bundle
    is not a CareCommunication; an unknown patient, or one in no programme, is answered with
    `problem` set and nothing stored. Called by FHIR's $process-message."""
    received = message_from_carecommunication(bundle)
    patient = db.session.scalar(select(Patient).where(Patient.cpr == received.cpr))
    if patient is None:
        return Delivered(received.message_id, None, False, UNKNOWN_PATIENT)
    sender = db.session.scalar(
        select(Organisation).where(Organisation.sor_code == received.sender.sor)
    )
    who = ", ".join(part for part in (received.author, received.sender.name) if part)
    try:
        message, new = service.receive(
            patient.id,
            received.text,
            external_id=received.message_id,
            sender_display=who or received.sender.sor,
            reply_to_id=_answered(patient.id, received.previous_message_id),
            sender_organisation_id=sender.id if sender else None,
        )
    except Invalid:
        return Delivered(received.message_id, None, False, NO_ENROLMENT)
    return Delivered(received.message_id, message.id, new)


def _party(organisation: Organisation) -> Party:
    if not organisation.sor_code or not organisation.ean_code:
        raise Conflict(
            "MedCom names organisations by SOR code and EAN number; "
            f"organisation {organisation.id} has none recorded."
        )
    return Party(organisation.name, organisation.sor_code, organisation.ean_code)


@use_case
def carecommunication_for(user: User, message_id: int, base_url: str) -> dict[str, Any]:
    """A care team's message to another organisation (a home nurse's municipality) as a
    CareCommunication message Bundle, for a message broker to carry (read audited)."""
    access.require_role(user, *service.READ_ROLES)
    message = service.load_message(user, message_id, "message.carecommunication")
    if not message.from_team or message.to_organisation_id is None:
        raise Invalid(
            "Only a care team's message to another organisation is a CareCommunication.",
            {"id": ["Not a care team's message to another organisation."]},
        )
    receiver = db.session.get(Organisation, message.to_organisation_id)
    patient = db.session.get(Patient, message.patient_id)
    assert receiver is not None and patient is not None
    team = message.care_team
    parent = db.session.get(Message, message.reply_to_id) if message.reply_to_id else None
    given, _, family = patient.name.rpartition(" ")
    out = Outgoing(
        message_key=message_key(message),
        sent_at=message.sent_at,
        text=message.body,
        patient_cpr=patient.cpr,
        patient_family=family or patient.name,
        patient_given=given,
        sender=_party(team.organisation),
        receiver=_party(receiver),
        author_name=message.sender.username if message.sender else team.name,
        author_role=message.sender_role,
        author_contact=team.email,
        previous_message_id=(
            parent.external_id if parent is not None and parent.external_id else None
        ),
    )
    return carecommunication_bundle(out, base_url)
