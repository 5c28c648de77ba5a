"""Ingest through HTTP: all or nothing, idempotent, need-to-treat."""

from __future__ import annotations

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import AuditEvent, Observation
from tests.helpers import item, token_for


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


def test_batch_is_stored_with_codes_offset_and_performer(client, world) -> None:
    headers = token_for(client, "nurse")
    body = {
        "observations": [
            item(
                world.patient.id,
                "spo2",
                96,
                performer="nurse",
                device="Oximeter X",
                location="nursing_home",
            ),
            item(world.patient.id, "peak_flow", 320, device="Mini peak flow meter"),
        ]
    }
    response = client.post("/api/v1/observations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["created"] == 2 and data["duplicates"] == 0
    assert [o["status"] for o in data["observations"]] == ["created", "created"]

    listed = client.get(
        f"/api/v1/patients/{world.patient.id}/observations?code=spo2", headers=headers
    )
    assert listed.status_code == 200
    (spo2,) = listed.get_json()["items"]
    assert spo2["loinc"] == "59408-5" and spo2["unit"] == "%"
    assert spo2["performer"] == "nurse" and spo2["location"] == "nursing_home"
    assert spo2["effective_at"] == body["observations"][0]["effective_at"]  # offset kept
    peak = db.session.get(Observation, data["observations"][1]["id"])
    assert peak.loinc == "19935-6" and peak.performer == "nurse"


def test_the_same_batch_again_creates_nothing(client, world) -> None:
    headers = token_for(client, "nurse")
    body = {
        "observations": [item(world.patient.id, "spo2", 95), item(world.patient.id, "pulse", 70)]
    }
    first = client.post("/api/v1/observations", json=body, headers=headers).get_json()
    again = client.post("/api/v1/observations", json=body, headers=headers)
    assert again.status_code == 201
    data = again.get_json()
    assert data["created"] == 0 and data["duplicates"] == 2
    assert [o["id"] for o in data["observations"]] == [o["id"] for o in first["observations"]]
    assert _count() == 2


def test_a_reused_client_id_with_other_content_is_a_conflict(client, world) -> None:
    headers = token_for(client, "nurse")
    first = item(world.patient.id, "spo2", 95)
    client.post("/api/v1/observations", json={"observations": [first]}, headers=headers)
    changed = dict(first, value=91)
    fresh = item(world.patient.id, "pulse", 70)
    response = client.post(
        "/api/v1/observations", json={"observations": [fresh, changed]}, headers=headers
    )
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "1" in response.get_json()["errors"]["observations"]
    assert _count() == 1  # the fresh item was not stored either


def test_one_bad_item_stores_nothing_and_is_named(client, world) -> None:
    headers = token_for(client, "nurse")
    body = {
        "observations": [
            item(world.patient.id, "spo2", 95),
            item(world.patient.id, "spo2", 150),
            item(world.patient.id, "pulse", 70, unit="bpm"),
        ]
    }
    response = client.post("/api/v1/observations", json=body, headers=headers)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["status"] == 422 and problem["title"]
    errors = problem["errors"]["observations"]
    assert set(errors) == {"1", "2"}
    assert "value" in errors["1"] and "unit" in errors["2"]
    assert _count() == 0


def test_batch_size_and_shape_are_checked(client, world) -> None:
    headers = token_for(client, "nurse")
    assert (
        client.post("/api/v1/observations", json={"observations": []}, headers=headers).status_code
        == 422
    )
    too_many = {"observations": [item(world.patient.id, "pulse", 70) for _ in range(501)]}
    assert client.post("/api/v1/observations", json=too_many, headers=headers).status_code == 422
    naive = item(world.patient.id, "pulse", 70)
    naive["effective_at"] = "2026-11-20T08:00:00"
    response = client.post("/api/v1/observations", json={"observations": [naive]}, headers=headers)
    assert response.status_code == 422
    assert "effective_at" in response.get_json()["errors"]["observations"]["0"]


def test_a_nurse_of_another_municipality_is_refused_and_audited(client, world) -> None:
    headers = token_for(client, "other-nurse")
    body = {"observations": [item(world.patient.id, "spo2", 85)]}
    response = client.post("/api/v1/observations", json=body, headers=headers)
    assert response.status_code == 403
    assert _count() == 0
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=headers).status_code == 404
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.outcome == "denied", AuditEvent.user_id == world.other_nurse.id
        )
    ).all()
    assert {e.action for e in denied} == {"observation.create", "patient.read"}
    assert all(e.patient_id == world.patient.id for e in denied)


def test_a_patient_posts_only_their_own(client, world) -> None:
    headers = token_for(client, "patient")
    own = client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "weight", 80)]},
        headers=headers,
    )
    assert own.status_code == 201
    stored = db.session.get(Observation, own.get_json()["observations"][0]["id"])
    assert stored.performer == "patient"
    other = client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id + 999, "weight", 80)]},
        headers=headers,
    )
    assert other.status_code == 403


def test_reads_and_writes_are_audited(client, world) -> None:
    headers = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 95)]},
        headers=headers,
    )
    client.get(f"/api/v1/patients/{world.patient.id}/observations", headers=headers)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == world.nurse.id)
    ).all()
    assert [(e.action, e.outcome, e.role, e.patient_id) for e in events] == [
        ("observation.create", "allowed", "nurse", world.patient.id),
        ("observation.read", "allowed", "nurse", world.patient.id),
    ]
    assert all(e.client_address == "127.0.0.1" for e in events)
