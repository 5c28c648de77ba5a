"""Tokens, 401/403/404 and the problem+json shape."""

from __future__ import annotations

from sqlalchemy import select

from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import User
from tests.helpers import PASSWORD, sign_in, token_for


def test_token_and_bearer(client, world) -> None:
    response = client.post("/api/v1/auth/token", json={"username": "nurse", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    me = client.get(
        f"/api/v1/patients/{world.patient.id}",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert me.status_code == 200
    assert me.get_json()["cpr"] == "0101701234"


def test_missing_or_bad_token_is_401_before_validation(client, world) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = client.post("/api/v1/observations", json={"bad": 1}, headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert "errors" not in response.get_json()


def test_wrong_password_is_401_then_429(client, world) -> None:
    codes = [
        client.post(
            "/api/v1/auth/token", json={"username": "nurse", "password": "wrong-password"}
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    # Even the right password waits now.
    right = client.post("/api/v1/auth/token", json={"username": "nurse", "password": PASSWORD})
    assert right.status_code == 429


def test_roles_are_enforced(client, world) -> None:
    nurse = token_for(client, "nurse")
    response = client.post(
        "/api/v1/organisations", json={"name": "X", "kind": "hospital"}, headers=nurse
    )
    assert response.status_code == 403
    assert response.get_json()["title"] == "Not allowed"


def test_unknown_patient_is_404(client, world) -> None:
    headers = token_for(client, "clinician")
    response = client.get("/api/v1/patients/999999", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_lists_the_contract(client) -> None:
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/observations",
        "/api/v1/alerts",
        "/api/v1/alerts/{alert_id}/acknowledge",
        "/api/v1/alerts/{alert_id}/resolve",
        "/api/v1/patients",
        "/api/v1/patients/{patient_id}/enrollments",
        "/api/v1/enrollments/{enrollment_id}",
        "/api/v1/care-teams",
        "/api/v1/users",
        "/api/v1/organisations",
    ):
        assert path in paths, path


def test_a_password_hashed_at_production_cost_signs_in(client, world, monkeypatch) -> None:
    """The suite hashes cheaply (tests/conftest.py); this sign-in is at production's cost."""
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_TIME_COST")
    monkeypatch.delenv("TELEMON_PASSWORD_HASH_MEMORY_KIB")
    identity.create_user(
        world.admin,
        {
            "username": "costly",
            "password": PASSWORD,
            "role": "clinician",
            "organisation_id": world.hospital.id,
            "email": "costly@example.invalid",
        },
    )
    stored = db.session.scalar(select(User.password_hash).where(User.username == "costly"))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert token_for(client, "costly")  # the API
    sign_in(client, "costly")  # the web
    wrong = {"username": "costly", "password": "wrong-password"}
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
