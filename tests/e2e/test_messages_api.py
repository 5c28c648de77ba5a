"""Messages about a patient through HTTP: who writes, idempotency, paging, reads, the queue,
the team's mail, audit."""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import select

from telemon import worklist
from telemon.extensions import db
from telemon.messages import pages as service
from telemon.models import AuditEvent, Message
from tests.helpers import MONDAY_10, mail_text, outbox_messages, token_for

SECRETS = ("Synthetic Patient", "0101701234", "010170")


def post(client: Any, headers: dict[str, str], patient_id: int, body: str, **extra: Any) -> Any:
    payload = {"client_id": extra.pop("client_id", str(uuid.uuid4())), "body": body, **extra}
    return client.post(f"/api/v1/patients/{patient_id}/messages", json=payload, headers=headers)


def unread(found: list[Any]) -> dict[int, int]:
    return {u.patient_id: u.count for u in found}


def test_patient_writes_and_the_team_answers(app: Any, client: Any, world: Any) -> None:
    app.config["TELEMON_NOW"] = MONDAY_10.astimezone(UTC)
    patient = token_for(client, "patient")
    clinician = token_for(client, "clinician")
    asked = post(client, patient, world.patient.id, "  Jeg har mere åndenød i dag.  ")
    assert asked.status_code == 201, asked.json
    message = asked.json
    assert message["body"] == "Jeg har mere åndenød i dag."
    assert message["sender_name"] == "patient" and message["sender_role"] == "patient"
    assert message["work_status"] == "open" and message["from_team"] is False
    # Due one working day (8 working hours, 08-16) later: Tuesday 10:00 in Copenhagen.
    assert message["due_at"].startswith("2026-11-24T09:00:00")
    assert message["read_by_team_at"] is None

    # The team is mailed: no name, no CPR, not the text; a link to the thread.
    (mail,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    text = mail_text(mail)
    assert "lung-team@example.invalid" in text
    assert f"/patients/{world.patient.id}/messages" in text
    for secret in (*SECRETS, "åndenød"):
        assert secret not in text

    # In the team's work list, as a message.
    with app.test_request_context():
        items = worklist.work_list(world.clinician, worklist.WorkListFilter())
    assert [(i.kind, i.id) for i in items if i.kind == "message"] == [("message", message["id"])]

    answer = post(
        client, clinician, world.patient.id, "Mål din iltmætning nu.", reply_to=message["id"]
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["from_team"] is True and answer.json["work_status"] == "none"
    assert answer.json["reply_to"] == message["id"]
    asked_now = db.session.get(Message, message["id"])
    db.session.refresh(asked_now)
    assert asked_now.work_status == "answered"
    with app.test_request_context():
        items = worklist.work_list(world.clinician, worklist.WorkListFilter())
    assert not [i for i in items if i.kind == "message"]
    assert len(outbox_messages(app.config["TELEMON_OUTBOX_DIR"])) == 1  # the team is not mailed

    listed = client.get(f"/api/v1/patients/{world.patient.id}/messages", headers=patient)
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json["items"]] == [answer.json["id"], message["id"]]
    assert listed.json["next"] is None
    read = client.post(f"/api/v1/messages/{answer.json['id']}/read", headers=patient)
    assert read.status_code == 200 and read.json["read_by_patient_at"] is not None


def test_idempotent_on_client_id(client: Any, world: Any) -> None:
    patient = token_for(client, "patient")
    key = str(uuid.uuid4())
    first = post(client, patient, world.patient.id, "Hej", client_id=key)
    again = post(client, patient, world.patient.id, "Hej", client_id=key)
    assert first.status_code == again.status_code == 201
    assert first.json["id"] == again.json["id"]
    other = post(client, patient, world.patient.id, "Noget andet", client_id=key)
    assert other.status_code == 409
    assert db.session.scalar(select(Message).where(Message.client_id == key)) is not None
    assert len(db.session.scalars(select(Message)).all()) == 1


def test_body_length(client: Any, world: Any) -> None:
    nurse = token_for(client, "nurse")
    for body in ("", "   ", "x" * 4001):
        answer = post(client, nurse, world.patient.id, body)
        assert answer.status_code == 422, body
        assert "body" in answer.json["errors"]
    assert post(client, nurse, world.patient.id, "x" * 4000).status_code == 201


def test_who_may_write_and_read(client: Any, world: Any) -> None:
    # The shared municipality's nurse and the GP write; the other municipality's nurse and an
    # administrator do not see the patient (404).
    for user in ("nurse", "gp", "patient", "clinician"):
        assert post(client, token_for(client, user), world.patient.id, "Hej").status_code == 201
    for user in ("other-nurse", "other-clinician", "hospital-admin"):
        answer = post(client, token_for(client, user), world.patient.id, "Hej")
        assert answer.status_code in (403, 404), user
        listed = client.get(
            f"/api/v1/patients/{world.patient.id}/messages", headers=token_for(client, user)
        )
        assert listed.status_code in (403, 404)
    assert client.get(f"/api/v1/patients/{world.patient.id}/messages").status_code == 401


def test_nurse_question_is_work_and_the_answer_is_hers_to_read(
    app: Any, client: Any, world: Any
) -> None:
    nurse = token_for(client, "nurse")
    clinician = token_for(client, "clinician")
    question = post(client, nurse, world.patient.id, "Skal vi øge ilten?").json
    assert question["work_status"] == "open" and question["sender_role"] == "nurse"
    answer = post(client, clinician, world.patient.id, "Nej.", reply_to=question["id"]).json
    assert answer["to_organisation_id"] == world.municipality.id
    with app.test_request_context():
        assert unread(service.unread_answers(world.nurse)) == {world.patient.id: 1}
        assert unread(service.unread_answers(world.other_nurse)) == {}
        assert unread(service.unread_answers(world.patient_user)) == {world.patient.id: 1}
    read = client.post(f"/api/v1/messages/{answer['id']}/read", headers=nurse)
    assert read.json["read_by_organisation_at"] is not None
    assert read.json["read_by_patient_at"] is None
    with app.test_request_context():
        assert unread(service.unread_answers(world.nurse)) == {}


def test_handled_without_answer(client: Any, world: Any) -> None:
    message = post(client, token_for(client, "patient"), world.patient.id, "Tak for i går").json
    refused = client.post(
        f"/api/v1/messages/{message['id']}/handled", headers=token_for(client, "nurse")
    )
    assert refused.status_code == 403
    handled = client.post(
        f"/api/v1/messages/{message['id']}/handled", headers=token_for(client, "clinician")
    )
    assert handled.status_code == 200 and handled.json["work_status"] == "handled"
    assert handled.json["read_by_team_at"] is not None
    again = client.post(
        f"/api/v1/messages/{message['id']}/handled", headers=token_for(client, "clinician")
    )
    assert again.status_code == 200


def test_reply_to_must_be_in_the_thread(client: Any, world: Any) -> None:
    answer = post(client, token_for(client, "clinician"), world.patient.id, "Hej", reply_to=999)
    assert answer.status_code == 422
    assert "reply_to" in str(answer.json["errors"])


def test_paging_newest_first(app: Any, client: Any, world: Any) -> None:
    patient = token_for(client, "patient")
    start = MONDAY_10.astimezone(UTC)
    ids = []
    for n in range(5):
        app.config["TELEMON_NOW"] = start + timedelta(minutes=n)
        ids.append(post(client, patient, world.patient.id, f"Besked {n}").json["id"])
    url = f"/api/v1/patients/{world.patient.id}/messages"
    seen: list[int] = []
    page = client.get(f"{url}?limit=2", headers=patient).json
    seen += [m["id"] for m in page["items"]]
    while page["next"]:
        page = client.get(f"{url}?limit=2&after={page['next']}", headers=patient).json
        seen += [m["id"] for m in page["items"]]
    assert seen == list(reversed(ids))
    assert client.get(f"{url}?after=nonsense", headers=patient).status_code == 422


def test_every_read_and_write_audited(client: Any, world: Any) -> None:
    nurse = token_for(client, "nurse")
    message = post(client, nurse, world.patient.id, "Hej").json
    client.get(f"/api/v1/patients/{world.patient.id}/messages", headers=nurse)
    client.post(f"/api/v1/messages/{message['id']}/read", headers=nurse)
    actions = {
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == world.patient.id)
        )
    }
    assert {"message.create", "message.list", "message.read"} <= actions
    refused = post(client, token_for(client, "other-nurse"), world.patient.id, "Hej")
    assert refused.status_code == 404
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "message.create", AuditEvent.outcome != "allowed"
        )
    ).all()
    assert denied
