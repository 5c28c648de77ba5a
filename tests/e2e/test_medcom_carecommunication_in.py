"""A MedCom CareCommunication delivered as a region's broker delivers every MedCom message
(POST /fhir/$process-message): it joins the patient's thread once and is answered with a valid
Acknowledgement; one for a patient not monitored here is kept and answered `ok` with a note."""

from __future__ import annotations

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Message, Organisation, ReceivedMessage
from tests.carecommunication import (
    HOSPITAL_EAN,
    HOSPITAL_SOR,
    MUNICIPALITY_EAN,
    MUNICIPALITY_SOR,
    incoming,
)
from tests.helpers import create_broker, token_for
from tests.medcom import check_acknowledgement

URL = "/fhir/$process-message"
CPR = "0101701234"


def _deliver(client, message) -> dict:
    headers = {**token_for(client, "broker"), "Content-Type": "application/fhir+json"}
    answer = client.post(URL, json=message, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _organisation_codes() -> None:
    for name, sor, ean in (
        ("Synthetic Hospital", HOSPITAL_SOR, HOSPITAL_EAN),
        ("Synthetic Municipality", MUNICIPALITY_SOR, MUNICIPALITY_EAN),
    ):
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        organisation.sor_code, organisation.ean_code = sor, ean
    db.session.commit()


def test_a_carecommunication_joins_the_thread_once_and_is_acknowledged(client, world) -> None:
    create_broker(world)
    _organisation_codes()
    message = incoming(CPR, "Borgeren er mere forpustet i dag.")
    check_acknowledgement(_deliver(client, message), message, "ok")
    check_acknowledgement(_deliver(client, message), message, "ok")  # the broker resends

    (stored,) = db.session.scalars(select(Message).where(Message.patient_id == world.patient.id))
    assert stored.body == "Borgeren er mere forpustet i dag." and stored.work_status == "open"
    kept = db.session.scalar(select(ReceivedMessage))
    assert kept.outcome == "acted" and kept.patient_id == world.patient.id


def test_a_carecommunication_for_an_unknown_patient_is_kept_not_refused(client, world) -> None:
    create_broker(world)
    _organisation_codes()
    message = incoming("0202029999", "Hej")
    ack = _deliver(client, message)
    check_acknowledgement(ack, message, "ok")
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    assert db.session.scalar(select(ReceivedMessage.outcome)) == "unknown_patient"


def test_a_broken_carecommunication_is_answered_with_an_error(client, world) -> None:
    create_broker(world)
    _organisation_codes()
    message = incoming(CPR, "Hej")
    message["entry"][1]["resource"]["identifier"] = []
    check_acknowledgement(_deliver(client, message), message, "fatal-error")
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
