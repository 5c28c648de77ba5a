"""Who may act on a patient's programme: the responsible care team, whatever their role, and a
self-managing patient accepting their own dose. Everyone else who sees the patient is refused
(403, audited); who does not see the patient gets 404.

Each action x role x own/other organisation, through the API and at the service level, on
PostgreSQL and on the embedded default (SQLite). The cast is tests/e2e/conftest.py's `acting`."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from telemon import access
from telemon.extensions import db
from telemon.models import AuditEvent, User
from tests.helpers import sign_in, token_for

# Who sees the patient but does not act, and what they get; then who does not see the patient.
REFUSED = {
    "ward-clinician": 403,  # the hospital's, not in the responsible team
    "municipal-clinician": 403,  # created by a municipality's admin; the enrolment is shared
    "nurse": 403,  # the municipal home nurse: shared
    "gp": 403,  # the GP practice: shared
    "other-nurse": 404,  # another municipality: does not see the patient
    "hospital-admin": 404,  # administrators see no patient at all (issue 12)
    "other-clinician": 404,
}


@pytest.fixture
def app(app_on_both: Any) -> Any:
    """Who may act holds on PostgreSQL and on the embedded default alike (on SQLite a refusal
    once waited out the busy time-out and answered 503)."""
    return app_on_both


def _denials(username: str, action: str) -> int:
    return len(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.username == username,
                AuditEvent.action == action,
                AuditEvent.outcome == "denied",
            )
        ).all()
    )


def _refused_everywhere(client, method: str, url: str, body: dict, action: str) -> None:
    for username, status in REFUSED.items():
        response = client.open(url, method=method, json=body, headers=token_for(client, username))
        assert response.status_code == status, (username, response.get_json())
        if status == 403:
            assert _denials(username, action) == 1, username


@pytest.mark.parametrize("verb", ["acknowledge", "resolve"])
def test_only_the_responsible_team_handles_alerts(client, acting, verb: str) -> None:
    url = f"/api/v1/alerts/{acting.red_alert_id}/{verb}"
    body = {"note": "Called the patient."}
    _refused_everywhere(client, "POST", url, body, f"alert.{verb}")
    # The patient does not see the team's alert at all.
    assert client.post(url, json=body, headers=token_for(client, "patient")).status_code == 404
    done = client.post(url, json=body, headers=token_for(client, "team-nurse"))
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["acknowledged_by"] == acting.team_nurse.id


def test_only_the_responsible_team_changes_thresholds(client, acting) -> None:
    url = f"/api/v1/enrollments/{acting.copd.id}"
    body = {"thresholds": {"spo2": {"warning_low": 90, "alert_low": 88}}}
    _refused_everywhere(client, "PATCH", url, body, "enrollment.update")
    patient = client.patch(url, json=body, headers=token_for(client, "patient"))
    assert patient.status_code == 403
    changed = client.patch(url, json=body, headers=token_for(client, "team-nurse"))
    assert changed.status_code == 200, changed.get_json()


def test_only_the_responsible_team_changes_the_schedule(client, acting) -> None:
    url = f"/api/v1/enrollments/{acting.copd.id}"
    body = {"schedule": {"interval_days": 2, "grace_hours": 6}}
    _refused_everywhere(client, "PATCH", url, body, "enrollment.update")
    assert client.patch(url, json=body, headers=token_for(client, "patient")).status_code == 403
    changed = client.patch(url, json=body, headers=token_for(client, "team-nurse"))
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["schedule"] == {"interval_days": 2, "grace_hours": 6}


def test_only_the_responsible_team_changes_the_inr_target(client, acting) -> None:
    url = f"/api/v1/enrollments/{acting.ak.id}"
    body = {"inr_target_low": 2.5, "inr_target_high": 3.5}
    _refused_everywhere(client, "PATCH", url, body, "enrollment.update")
    changed = client.patch(url, json=body, headers=token_for(client, "team-nurse"))
    assert changed.status_code == 200, changed.get_json()


def test_the_anticoagulation_clinics_nurse_decides_a_dose_and_nobody_outside(
    client, acting
) -> None:
    url = f"/api/v1/dose-suggestions/{acting.suggestion_id}/confirm"
    body = {"weekly_dose_mg": 70}  # the override: 35 -> 70 mg/week
    _refused_everywhere(client, "POST", url, body, "dose_suggestion.decide")
    patient = client.post(url, json=body, headers=token_for(client, "patient"))
    assert patient.status_code == 403  # not self-managing
    overview = client.get(
        f"/api/v1/patients/{acting.world.patient.id}/anticoagulation",
        headers=token_for(client, "clinician"),
    ).get_json()
    assert overview["weekly_dose_mg"] == 35  # nothing changed
    decided = client.post(url, json={"weekly_dose_mg": 30}, headers=token_for(client, "team-nurse"))
    assert decided.status_code == 200 and decided.get_json()["status"] == "overridden"


def test_may_act_at_the_service_level(client, acting) -> None:
    users = {u.username: u for u in db.session.scalars(select(User))}
    enrolments = [acting.copd.id, acting.ak.id]
    for action in access.ACTIONS:
        for username in ("clinician", "team-nurse"):
            assert access.acting_on(users[username], enrolments, action) == set(enrolments)
        for username in [*REFUSED, "patient", "root"]:
            assert access.acting_on(users[username], enrolments, action) == set(), username
    # A self-managing patient decides (accepts) their own dose, and does nothing else.
    plan = acting.ak.anticoagulation
    plan.self_managing = True
    db.session.commit()
    patient = users["patient"]
    assert access.may_act(patient, acting.ak, access.DECIDE_DOSE)
    assert not access.may_act(patient, acting.copd, access.DECIDE_DOSE)
    for action in (access.ACKNOWLEDGE_ALERT, access.RESOLVE_ALERT, access.CHANGE_PLAN):
        assert not access.may_act(patient, acting.ak, action)
    with pytest.raises(ValueError):
        access.acting_on(users["clinician"], enrolments, "alert.delete")


def test_the_web_offers_no_acting_buttons_to_those_who_may_not_act(client, acting) -> None:
    sign_in(client, "nurse")
    queue = client.get("/queue").get_data(as_text=True)
    assert f'data-alert-id="{acting.red_alert_id}"' in queue
    assert "/acknowledge" not in queue and 'name="alert_id"' not in queue
    page = client.get(f"/alerts/{acting.red_alert_id}").get_data(as_text=True)
    assert "/acknowledge" not in page and "/resolve" not in page
    patient = client.get(f"/patients/{acting.world.patient.id}").get_data(as_text=True)
    assert "/thresholds" not in patient and "/confirm" not in patient
    refused = client.post(f"/alerts/{acting.red_alert_id}/acknowledge", data={})
    assert refused.status_code == 403
    client.post("/sign-out")
    sign_in(client, "team-nurse")
    page = client.get(f"/alerts/{acting.red_alert_id}").get_data(as_text=True)
    assert "/acknowledge" in page and "/resolve" in page
    patient = client.get(f"/patients/{acting.world.patient.id}").get_data(as_text=True)
    assert "/thresholds" in patient and "/confirm" in patient
