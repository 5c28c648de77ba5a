"""Users, passwords, tokens and web sessions (issue 12, items 2 and 4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent
from tests.helpers import PASSWORD, sign_in, token_for

NEW_PASSWORD = "lantern-otter-meadow"


@pytest.fixture
def app_config():
    return {"TELEMON_LOGIN_USER_LIMIT": "3 per minute"}


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_an_admin_lists_and_searches_her_organisations_users_only(client, world) -> None:
    admin = token_for(client, "hospital-admin")
    names = [u["username"] for u in _ok(client.get("/api/v1/users", headers=admin))["items"]]
    assert set(names) == {"hospital-admin", "clinician", "patient"}
    found = _ok(client.get("/api/v1/users?q=CLIN", headers=admin))["items"]
    assert [u["username"] for u in found] == ["clinician"]
    assert found[0]["care_team_ids"] == [world.lung_team.id]
    # A user of another organisation is not hers: 404, as if unknown.
    assert client.get(f"/api/v1/users/{world.nurse.id}", headers=admin).status_code == 404
    everyone = _ok(client.get("/api/v1/users?limit=3", headers=token_for(client, "root")))
    assert len(everyone["items"]) == 3 and everyone["next"]
    rest = _ok(
        client.get(
            f"/api/v1/users?limit=50&after={everyone['next']}", headers=token_for(client, "root")
        )
    )
    assert len(everyone["items"]) + len(rest["items"]) == 8 and rest["next"] is None
    assert client.get("/api/v1/users", headers=token_for(client, "clinician")).status_code == 403


def test_new_users_get_a_good_password_or_a_temporary_one(client, world) -> None:
    admin = token_for(client, "hospital-admin")
    weak = client.post(
        "/api/v1/users",
        json={"username": "weak", "password": "password1234", "role": "nurse"},
        headers=admin,
    )
    assert weak.status_code == 422 and "password" in weak.get_json()["errors"]
    short = client.post(
        "/api/v1/users",
        json={"username": "short", "password": "x7#Qm2!vR9z", "role": "nurse"},
        headers=admin,
    )
    assert short.get_json()["errors"]["password"] == ["At least 12 characters."]
    made = _ok(
        client.post(
            "/api/v1/users",
            json={
                "username": "new-nurse",
                "role": "clinician",
                "care_team_ids": [world.lung_team.id],
            },
            headers=admin,
        ),
        201,
    )
    temporary = made["temporary_password"]
    assert made["must_change_password"] is True and made["care_team_ids"] == [world.lung_team.id]
    # The temporary password signs in nowhere until it is changed.
    first = client.post("/api/v1/auth/token", json={"username": "new-nurse", "password": temporary})
    assert first.status_code == 403
    same = client.post(
        "/api/v1/auth/password",
        json={"username": "new-nurse", "current_password": temporary, "new_password": temporary},
    )
    assert same.status_code == 422
    changed = client.post(
        "/api/v1/auth/password",
        json={"username": "new-nurse", "current_password": temporary, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 204
    assert _ok(
        client.post("/api/v1/auth/token", json={"username": "new-nurse", "password": NEW_PASSWORD})
    )
    # Shown once: reading the user back does not show it.
    again = _ok(client.get(f"/api/v1/users/{made['id']}", headers=admin))
    assert "temporary_password" not in again and again["must_change_password"] is False


def test_role_and_teams_change_and_deactivation_stops_tokens_and_sessions(client, world) -> None:
    admin = token_for(client, "hospital-admin")
    clinician = token_for(client, "clinician")
    web = client.application.test_client()
    assert (
        web.post("/sign-in", data={"username": "clinician", "password": PASSWORD}).status_code
        == 302
    )
    assert web.get("/queue").status_code == 200
    moved = _ok(
        client.patch(
            f"/api/v1/users/{world.clinician.id}", json={"care_team_ids": []}, headers=admin
        )
    )
    assert moved["care_team_ids"] == []
    off = _ok(
        client.patch(f"/api/v1/users/{world.clinician.id}", json={"active": False}, headers=admin)
    )
    assert off["active"] is False and off["deactivated_at"]
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=clinician).status_code == 401
    assert web.get("/queue").status_code == 302  # back to the sign-in page
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(
            AuditEvent.resource_id == str(world.clinician.id), AuditEvent.resource_type == "user"
        )
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.create", "user.update", "user.deactivate"]
    # An admin does not manage herself.
    me = client.patch(f"/api/v1/users/{world.admin.id}", json={"active": False}, headers=admin)
    assert me.status_code == 404


def test_a_reset_password_is_temporary_and_ends_every_session(client, world) -> None:
    nurse = token_for(client, "nurse")
    root = token_for(client, "root")
    reset = _ok(client.post(f"/api/v1/users/{world.nurse.id}/password-reset", headers=root))
    assert client.get("/api/v1/alerts", headers=nurse).status_code == 401
    assert (
        client.post(
            "/api/v1/auth/token", json={"username": "nurse", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/token",
            json={"username": "nurse", "password": reset["temporary_password"]},
        ).status_code
        == 403
    )
    (entry,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    ).all()
    assert entry.changes["after"]["must_change_password"] is True
    assert reset["temporary_password"] not in str(entry.changes)


def test_an_api_token_can_be_revoked(client, world) -> None:
    nurse = token_for(client, "nurse")
    assert client.delete("/api/v1/auth/token", headers=nurse).status_code == 204
    assert client.get("/api/v1/alerts", headers=nurse).status_code == 401
    other = token_for(client, "nurse")
    assert client.get("/api/v1/alerts", headers=other).status_code == 200
    ended = _ok(
        client.post(f"/api/v1/users/{world.nurse.id}/sign-out", headers=token_for(client, "root"))
    )
    assert ended["ended"] >= 1
    assert client.get("/api/v1/alerts", headers=other).status_code == 401


def test_signing_out_ends_the_session_on_the_server(client, world) -> None:
    browser = client.application.test_client()
    sign_in(browser, "clinician")
    cookie = browser.get_cookie("session")
    assert cookie is not None
    copy = client.application.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/queue").status_code == 200  # the copied cookie works while signed in …
    browser.post("/sign-out")
    assert copy.get("/queue").status_code == 302  # … and not after signing out


def test_failed_sign_ins_are_limited_per_user_name_from_any_address(client, world) -> None:
    for n in range(3):
        wrong = client.post(
            "/api/v1/auth/token",
            json={"username": "gp", "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"},
        )
        assert wrong.status_code == 401
    limited = client.post(
        "/api/v1/auth/token",
        json={"username": "GP", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert limited.status_code == 429
    # Another user from those addresses is not held up.
    assert (
        client.post(
            "/api/v1/auth/token",
            json={"username": "nurse", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        ).status_code
        == 200
    )
    web = client.post(
        "/sign-in",
        data={"username": "gp", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    assert web.status_code == 429


def test_organisations_are_renamed_by_the_system_administrator(client, world) -> None:
    url = f"/api/v1/organisations/{world.municipality.id}"
    assert (
        client.patch(
            url, json={"name": "X"}, headers=token_for(client, "hospital-admin")
        ).status_code
        == 403
    )
    renamed = _ok(
        client.patch(url, json={"name": "Renamed Municipality"}, headers=token_for(client, "root"))
    )
    assert renamed["name"] == "Renamed Municipality"
