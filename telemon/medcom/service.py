"""Receiving MedCom messages: one use case, `process_message`, behind POST /fhir/$process-message.

It checks that the caller is a messaging account (access.require_message_delivery), reads the
envelope (telemon.medcom.messaging: a message that has none cannot be answered with an
Acknowledgement and is refused as an OperationOutcome, 422), and then:
- a message already received (the same MessageHeader id) is answered with the answer it had,
  and changes nothing;
- otherwise it is kept (ReceivedMessage), handed to the receiver RECEIVERS names for its
  event (MessageHeader.eventCoding.code), and answered with a MedCom Acknowledgement: `ok`, or
  `fatal-error` with the reason for a message that breaks its profile's rules, and for a kind of
  message telemon does not take (kept all the same).

A receiver takes (actor, bundle, envelope, the kept row), does its work in the same
transaction, and says what to answer (a Receipt). More kinds of message (CareCommunication)
plug in by adding a line to RECEIVERS.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telemon import access, audit, clock
from telemon.extensions import db
from telemon.fhir.model import build
from telemon.fhir.outcome import FhirError, Issue
from telemon.medcom import carecommunication, messaging, stays
from telemon.medcom import hospitalnotification as hn
from telemon.medcom.acknowledgement import (
    FATAL_ERROR,
    OK,
    AckIds,
    AckIssue,
    acknowledgement,
)
from telemon.medcom.stay import replay
from telemon.messages import exchange
from telemon.models import HospitalStay, Message, Patient, ReceivedMessage, User
from telemon.transactions import use_case

# ReceivedMessage.outcome
ACTED = "acted"
UNKNOWN_PATIENT = "unknown_patient"
NOT_ACTED = "not_acted"
REFUSED = "refused"


@dataclass
class Receipt:
    """What a receiver did with a message: the answer's code and issues, and the outcome kept."""

    code: str
    outcome: str
    issues: list[AckIssue] = field(default_factory=list)


Receiver = Callable[[User, Mapping[str, Any], messaging.Envelope, ReceivedMessage], Receipt]


@use_case
def process_message(actor: User, bundle: object) -> dict[str, Any]:
    """Receive a MedCom message and answer it (see the module's docstring)."""
    access.require_message_delivery(actor)
    try:
        env = messaging.envelope(bundle)
    except messaging.MessageError as error:
        raise FhirError(422, [Issue(error.reason, error.expression, code="structure")]) from None
    assert isinstance(bundle, Mapping)
    kept = _kept(env.message_id)
    if kept is not None:
        return _again(actor, kept)
    row = ReceivedMessage(
        message_id=env.message_id,
        message_type=env.event[:60],
        outcome=REFUSED,
        sender_sor=env.sender.sor[:20] if env.sender.sor else None,
        received_at=clock.now(),
        received_by_id=actor.id,
        bundle=dict(bundle),
        acknowledgement={},
    )
    try:
        # The row first: a concurrent delivery of the same message waits here for this one's
        # commit, then finds it and answers as this one did.
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        kept = _kept(env.message_id)
        assert kept is not None
        return _again(actor, kept)
    receiver = messaging.receiver_for(RECEIVERS, env)
    if receiver is None:
        receipt = Receipt(
            FATAL_ERROR,
            REFUSED,
            [AckIssue(f"Messages of type {env.event!r} are not received here.", "not-supported")],
        )
    else:
        receipt = receiver(actor, bundle, env, row)
    ids = AckIds(*(str(uuid.uuid4()) for _ in range(4)))
    answer = acknowledgement(env, receipt.code, receipt.issues, ids, clock.now())
    build("Bundle", answer)  # valid R4 structure, or an error here rather than at the sender
    row.outcome = receipt.outcome
    row.acknowledgement = answer
    db.session.flush()
    audit.record(actor, row.patient_id, "medcom.receive", "received_message", row.id)
    return answer


def receive_hospital_notification(
    actor: User, bundle: Mapping[str, Any], env: messaging.Envelope, row: ReceivedMessage
) -> Receipt:
    """A HospitalNotification: find the patient by CPR, keep the message with her stay, replay
    the stay from all its messages and apply it (telemon.medcom.stays). An unknown patient or
    an event telemon does not act on: kept, answered `ok` with a note."""
    try:
        note = hn.parse(bundle, env)
    except hn.UnknownEvent as error:
        return Receipt(OK, NOT_ACTED, [_information(error.reason)])
    except hn.NotificationError as error:
        return Receipt(
            FATAL_ERROR, REFUSED, [AckIssue(error.reason, "invalid", expression=error.expression)]
        )
    row.event, row.refers_to, row.episode = note.code, note.refers_to, note.episode[:100]
    patient_id = db.session.scalar(select(Patient.id).where(Patient.cpr == note.cpr))
    if patient_id is None:
        return Receipt(
            OK,
            UNKNOWN_PATIENT,
            [_information("The patient is not monitored here; the message is kept.")],
        )
    row.patient_id = patient_id
    stay = _stay_for(patient_id, note)
    row.stay_id = stay.id
    row.outcome = ACTED
    db.session.flush()
    notes = [_notification(kept) for kept in _messages_of(stay)]
    stays.apply(actor, stay, replay(n for n in notes if n is not None))
    issues = []
    if note.action != hn.Action.NEW and not _known(note.refers_to):
        issues.append(
            _information(
                "The message it names has not been received here; it concerns the latest "
                "message of the same event, if any."
            )
        )
    return Receipt(OK, ACTED, issues)


def receive_care_communication(
    actor: User, bundle: Mapping[str, Any], env: messaging.Envelope, row: ReceivedMessage
) -> Receipt:
    """A CareCommunication: a message in the patient's thread (telemon.messages.exchange, which
    reads it and stores it once). An unknown patient, or one in no programme: kept, answered
    `ok` with a note, as for a HospitalNotification."""
    try:
        delivered = exchange.receive_carecommunication(dict(bundle))
    except exchange.CareCommunicationError as error:
        return Receipt(
            FATAL_ERROR, REFUSED, [AckIssue(error.text, "invalid", expression=error.path)]
        )
    if delivered.message_id is None:
        outcome = UNKNOWN_PATIENT if delivered.problem == exchange.UNKNOWN_PATIENT else NOT_ACTED
        return Receipt(
            OK,
            outcome,
            [_information("The patient is not monitored here; the message is kept.")],
        )
    message = db.session.get(Message, delivered.message_id)
    assert message is not None
    row.patient_id = message.patient_id
    return Receipt(OK, ACTED)


# The receivers, by MessageHeader.eventCoding.code.
RECEIVERS: dict[str, Receiver] = {
    messaging.HOSPITAL_NOTIFICATION: receive_hospital_notification,
    carecommunication.EVENT_CODE: receive_care_communication,
}


def _kept(message_id: str) -> ReceivedMessage | None:
    return db.session.scalar(
        select(ReceivedMessage).where(ReceivedMessage.message_id == message_id)
    )


def _again(actor: User, kept: ReceivedMessage) -> dict[str, Any]:
    """A message received before: its answer again, nothing changed."""
    audit.record(actor, kept.patient_id, "medcom.receive_again", "received_message", kept.id)
    return dict(kept.acknowledgement)


def _stay_for(patient_id: int, note: hn.Notification) -> HospitalStay:
    """The stay the notification belongs to: the one of the message it cancels or corrects,
    else the patient's stay of its episode of care; a message of an episode not seen before
    that does not begin a stay (a leave, a discharge, a death, a cancellation or correction)
    belongs to the patient's latest stay -- the one under way if there is one -- when telemon
    missed the stay's first message or the sender's ids do not link; else a new stay."""
    if note.refers_to is not None:
        referred = _kept(note.refers_to)
        if referred is not None and referred.stay_id is not None:
            stay = db.session.get(HospitalStay, referred.stay_id, with_for_update=True)
            if stay is not None and stay.patient_id == patient_id:
                return stay
    query = select(HospitalStay).where(
        HospitalStay.patient_id == patient_id, HospitalStay.episode == note.episode[:100]
    )
    stay = db.session.scalar(query.with_for_update())
    if stay is not None:
        return stay
    if not (note.action == hn.Action.NEW and note.event in hn.ADMISSIONS):
        latest = db.session.scalar(
            select(HospitalStay)
            .where(HospitalStay.patient_id == patient_id)
            .order_by(
                HospitalStay.status.in_(("admitted", "on_leave")).desc(),
                HospitalStay.updated_at.desc(),
                HospitalStay.id.desc(),
            )
            .limit(1)
            .with_for_update()
        )
        if latest is not None:
            return latest
    try:
        with db.session.begin_nested():
            stay = HospitalStay(
                patient_id=patient_id,
                episode=note.episode[:100],
                status="admitted",
                leaves=[],
                updated_at=clock.now(),
            )
            db.session.add(stay)
            db.session.flush()
    except IntegrityError:  # another message of the stay made it meanwhile
        stay = db.session.scalar(query.with_for_update())
        assert stay is not None
    return stay


def _messages_of(stay: HospitalStay) -> list[ReceivedMessage]:
    return list(
        db.session.scalars(
            select(ReceivedMessage)
            .where(ReceivedMessage.stay_id == stay.id, ReceivedMessage.outcome == ACTED)
            .order_by(ReceivedMessage.id)
        )
    )


def _notification(kept: ReceivedMessage) -> hn.Notification | None:
    """A kept message read again (it was valid when it came)."""
    try:
        return hn.parse(kept.bundle, messaging.envelope(kept.bundle))
    except messaging.MessageError:
        return None


def _known(message_id: str | None) -> bool:
    return message_id is not None and _kept(message_id) is not None


def _information(text: str) -> AckIssue:
    return AckIssue(text, "informational", severity="information")
