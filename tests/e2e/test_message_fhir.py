"""Messages as FHIR Communication (read, search by patient, create) and MedCom
CareCommunication both ways: a team's answer to a home nurse fetched as a message Bundle, an
incoming message stored in the thread once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.communication import Communication
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.medcom.carecommunication import CareCommunicationError, message_from_carecommunication
from telemon.messages import exchange
from telemon.models import Message, Organisation
from tests.carecommunication import (
    HOSPITAL_EAN,
    HOSPITAL_SOR,
    MUNICIPALITY_EAN,
    MUNICIPALITY_SOR,
    check,
    incoming,
)
from tests.helpers import mail_text, outbox_messages, token_for

FHIR = "application/fhir+json"
CPR = "0101701234"


def fhir_post(client: Any, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/fhir/Communication", json=body, headers={**headers, "Content-Type": FHIR})


def communication(patient_id: int, text: str, key: str, reply_to: str | None = None) -> dict:
    body: dict[str, Any] = {
        "resourceType": "Communication",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": key}],
        "status": "completed",
        "subject": {"reference": f"Patient/{patient_id}"},
        "payload": [{"contentString": text}],
    }
    if reply_to:
        body["inResponseTo"] = [{"reference": f"Communication/{reply_to}"}]
    return body


def with_codes() -> None:
    hospital, municipality = (
        db.session.scalar(select(Organisation).where(Organisation.name == name))
        for name in ("Synthetic Hospital", "Synthetic Municipality")
    )
    hospital.sor_code, hospital.ean_code = HOSPITAL_SOR, HOSPITAL_EAN
    municipality.sor_code, municipality.ean_code = MUNICIPALITY_SOR, MUNICIPALITY_EAN
    db.session.commit()


def test_communication_create_read_search(client: Any, world: Any) -> None:
    nurse = token_for(client, "nurse")
    key = str(uuid.uuid4())
    created = fhir_post(
        client, nurse, communication(world.patient.id, "Skal hun have mere ilt?", key)
    )
    assert created.status_code == 201, created.get_json()
    Communication(created.get_json())
    rid = created.get_json()["id"]
    assert rid.startswith("msg-") and created.headers["Location"].endswith(f"/Communication/{rid}")
    again = fhir_post(
        client, nurse, communication(world.patient.id, "Skal hun have mere ilt?", key)
    )
    assert again.get_json()["id"] == rid
    clinician = token_for(client, "clinician")
    answer = fhir_post(
        client, clinician, communication(world.patient.id, "Ja, 2 l/min.", str(uuid.uuid4()), rid)
    )
    assert answer.status_code == 201
    assert answer.get_json()["inResponseTo"] == [{"reference": f"Communication/{rid}"}]

    read = client.get(f"/fhir/Communication/{rid}", headers=token_for(client, "patient"))
    assert read.status_code == 200 and read.mimetype == FHIR
    Communication(read.get_json())
    assert read.get_json()["payload"] == [{"contentString": "Skal hun have mere ilt?"}]
    found = client.get(
        f"/fhir/Communication?patient={world.patient.id}&_count=1", headers=clinician
    ).get_json()
    Bundle(found)
    assert [e["resource"]["id"] for e in found["entry"]] == [answer.get_json()["id"]]
    next_link = next(link["url"] for link in found["link"] if link["relation"] == "next")
    rest = client.get(next_link[next_link.index("/fhir") :], headers=clinician).get_json()
    assert [e["resource"]["id"] for e in rest["entry"]] == [rid]

    hidden = client.get(f"/fhir/Communication/{rid}", headers=token_for(client, "other-nurse"))
    assert hidden.status_code == 404
    empty = fhir_post(client, nurse, communication(world.patient.id, "  ", str(uuid.uuid4())))
    assert empty.status_code == 422
    assert empty.get_json()["issue"][0]["expression"] == ["Communication.payload"]
    # Communication/{n} stays the wound clinic's reply to review request n.
    assert client.get("/fhir/Communication/1", headers=nurse).status_code == 404


def test_the_teams_answer_to_the_nurse_as_carecommunication(client: Any, world: Any) -> None:
    nurse, clinician = token_for(client, "nurse"), token_for(client, "clinician")
    question = fhir_post(client, nurse, communication(world.patient.id, "Spørgsmål", "q-1"))
    rid = question.get_json()["id"]
    answer = fhir_post(
        client,
        clinician,
        communication(world.patient.id, "Øg ilten.\nRing ved sløvhed.", "a-1", rid),
    ).get_json()["id"]
    url = f"/fhir/Communication/{answer}/$carecommunication"
    assert client.get(url, headers=clinician).status_code == 409  # no SOR codes yet
    with_codes()
    response = client.get(url, headers=clinician)
    assert response.status_code == 200, response.get_json()
    bundle = response.get_json()
    check(bundle)
    read_back = message_from_carecommunication(bundle)
    assert read_back.text == "Øg ilten.\nRing ved sløvhed." and read_back.cpr == CPR
    assert read_back.sender.sor == HOSPITAL_SOR and read_back.receiver.sor == MUNICIPALITY_SOR
    assert client.get(url, headers=clinician).get_json() == bundle  # the same message again
    # The nurse's own question is no team message to another organisation.
    mine = client.get(f"/fhir/Communication/{rid}/$carecommunication", headers=clinician)
    assert mine.status_code == 422


def test_an_incoming_carecommunication_joins_the_thread_once(
    app: Any, client: Any, world: Any
) -> None:
    with_codes()
    bundle = incoming(CPR, "Borgeren er mere forpustet i dag.")
    with app.test_request_context():
        first = exchange.receive_carecommunication(bundle)
        again = exchange.receive_carecommunication(bundle)
    assert first.new and first.message_id is not None and first.problem is None
    assert not again.new and again.message_id == first.message_id
    message = db.session.get(Message, first.message_id)
    assert message.source == "carecommunication" and message.work_status == "open"
    assert message.sender_organisation_id == world.municipality.id
    assert "Sygeplejerske" in (message.sender_display or "")
    (mail,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert "forpustet" not in mail_text(mail) and CPR not in mail_text(mail)

    # The team answers in telemon; the answer goes back as a reply to that message.
    clinician = token_for(client, "clinician")
    answer = client.post(
        f"/api/v1/patients/{world.patient.id}/messages",
        json={"client_id": "a-2", "body": "Vi ringer.", "reply_to": message.id},
        headers=clinician,
    ).get_json()
    assert answer["to_organisation_id"] == world.municipality.id
    out = client.get(
        f"/fhir/Communication/msg-{answer['id']}/$carecommunication", headers=clinician
    ).get_json()
    check(out)
    assert (
        message_from_carecommunication(out).previous_message_id
        == bundle["entry"][0]["resource"]["id"]
    )

    # And the municipality's reply to that answer replies to it in the thread.
    reply = incoming(CPR, "Tak.", previous=out["entry"][0]["resource"]["id"])
    with app.test_request_context():
        delivered = exchange.receive_carecommunication(reply)
    assert db.session.get(Message, delivered.message_id).reply_to_id == answer["id"]


def test_unknown_patient_and_broken_bundles(app: Any, world: Any) -> None:
    with app.test_request_context():
        unknown = exchange.receive_carecommunication(incoming("0202029999", "Hej"))
        assert unknown.problem == exchange.UNKNOWN_PATIENT and unknown.message_id is None
        broken = incoming(CPR, "Hej")
        broken["entry"][1]["resource"]["identifier"] = []
        with pytest.raises(CareCommunicationError) as refused:
            exchange.receive_carecommunication(broken)
        assert refused.value.path == "Patient.identifier"
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_create_refuses_what_it_cannot_keep(client: Any, world: Any) -> None:
    nurse = token_for(client, "nurse")
    long_key = fhir_post(client, nurse, communication(world.patient.id, "Hej", "k" * 65))
    assert long_key.status_code == 422
    assert long_key.get_json()["issue"][0]["expression"] == ["Communication.identifier"]
    bad_reply = fhir_post(
        client, nurse, communication(world.patient.id, "Hej", "k-1", reply_to="Patient/1")
    )
    assert bad_reply.status_code == 422
    assert bad_reply.get_json()["issue"][0]["expression"] == ["Communication.inResponseTo"]
    no_subject = communication(world.patient.id, "Hej", "k-2")
    del no_subject["subject"]
    assert fhir_post(client, nurse, no_subject).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
