"""What the suite's fixtures promise (tests/apps.py): every test starts from the same database
and the same app, whatever the test before it committed or changed."""

from __future__ import annotations

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, AuditEvent, Observation, OutgoingMail, User
from tests.apps import dispose
from tests.helpers import item, token_for
from tests.world import load_world


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Alert, AuditEvent, Observation, OutgoingMail, User)
    }


def test_what_a_test_did_is_gone_for_the_next(app, client, world, postgres, apps) -> None:
    before = _counts()
    patient_id = world.patient.id
    # Committed by the services, the audit (a refusal, in a transaction of its own at the
    # request's end) and in-process work after the commit (the alert, its mail).
    nurse = token_for(client, "nurse")
    body = {"observations": [item(world.patient.id, "spo2", 85)]}
    assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
    other = token_for(client, "other-nurse")
    assert client.get(f"/api/v1/patients/{world.patient.id}", headers=other).status_code == 404
    world.nurse.email = "changed@example.invalid"
    db.session.commit()
    app.config["TELEMON_NOW"] = "not a time anyone should see again"
    after = _counts()
    assert all(after[name] > before[name] for name in ("Alert", "Observation", "OutgoingMail"))
    assert after["AuditEvent"] > before["AuditEvent"]

    dispose()
    postgres.world.restore()  # what the next test's `app` fixture does first
    again = apps.app_for(postgres.url, {})
    assert again is app and "TELEMON_NOW" not in again.config
    assert _counts() == before
    assert load_world(postgres.world.world_ids).nurse.email == "nurse@example.invalid"
    # The sequences too: the next row gets the id it got in the test before.
    body = {"observations": [item(patient_id, "pulse", 70)]}
    created = client.post("/api/v1/observations", json=body, headers=token_for(client, "nurse"))
    assert created.get_json()["observations"][0]["id"] == 1
