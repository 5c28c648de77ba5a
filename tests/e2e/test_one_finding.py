"""One reading, one finding, told in the reader's language: through HTTP, with a real SMTP
server (aiosmtpd) taking the mail."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.http import links
from telemon.models import Alert, AuditEvent, CareTeam
from tests.helpers import enrol_in_anticoagulation, item, post_inr, sign_in, token_for
from tests.servers import free_port, smtp_server


@pytest.fixture(scope="module")
def smtp() -> Any:
    inbox, controller = smtp_server(free_port())
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    inbox, port = smtp
    inbox.messages.clear()
    return {"TELEMON_SMTP_URL": f"smtp://127.0.0.1:{port}"}


@pytest.fixture
def inbox(smtp: Any) -> list[bytes]:
    return smtp[0].messages


def _post(client: Any, headers: dict[str, str], *items: dict[str, Any]) -> None:
    response = client.post(
        "/api/v1/observations", json={"observations": list(items)}, headers=headers
    )
    assert response.status_code == 201, response.get_json()


def _two_weeks_at_96(client: Any, nurse: dict[str, str], patient_id: int) -> datetime:
    now = datetime.now(UTC) - timedelta(minutes=5)
    _post(
        client,
        nurse,
        *(item(patient_id, "spo2", 96, at=now - timedelta(days=d)) for d in range(1, 15)),
    )
    return now


def _read(raw: bytes) -> tuple[str, str]:
    """(subject, plain body) of a received mail, decoded."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return str(parsed["Subject"]), text.replace("\r\n", "\n")


def test_spo2_85_below_limit_and_baseline_is_one_red_queue_row_with_two_reasons(
    client, world, inbox
) -> None:
    nurse = token_for(client, "nurse")
    now = _two_weeks_at_96(client, nurse, world.patient.id)
    assert db.session.scalars(select(Alert)).all() == []
    _post(client, nurse, item(world.patient.id, "spo2", 85, at=now))

    (alert,) = db.session.scalars(select(Alert)).all()
    assert (alert.severity, alert.measurement, alert.rule) == ("red", "spo2", "threshold.spo2")
    assert [r["code"] for r in alert.reasons] == [
        "threshold.below_alert_limit",
        "spo2.drop_from_baseline",
    ]
    assert [e.kind for e in alert.events] == ["raised", "reason_added"]

    # One row in the clinician's queue, in Danish, giving both reasons.
    sign_in(client, "clinician")
    queue = client.get("/queue").get_data(as_text=True)
    assert queue.count(f'href="/alerts/{alert.id}"') == 1
    assert queue.count('href="/alerts/') == 1
    assert "SpO2 85\xa0% er under alarmgrænsen 90\xa0%" in queue
    assert "11 procentpoint under patientens median for de seneste 14 dage (96\xa0%)" in queue
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "er under alarmgrænsen" in page and "procentpoint under patientens median" in page

    # One red mail to the team, in Danish (the team's language by default), no patient data.
    assert len(inbox) == 1
    subject, body = _read(inbox[0])
    assert subject == "[telemon] Rød (haster) alarm kræver opmærksomhed"
    assert f"Åbn den: http://telemon.test/alerts/{alert.id}" in body
    for secret in ("Synthetic", "0101701234", "85", "SpO2"):
        assert secret not in subject + body

    # Resolving it closes both findings: nothing about the reading is left open.
    clinician = token_for(client, "clinician")
    resolved = client.post(
        f"/api/v1/alerts/{alert.id}/resolve", json={"note": "Called; fine."}, headers=clinician
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    assert client.get("/api/v1/alerts", headers=clinician).get_json()["items"] == []


def test_a_rerun_and_a_second_reading_join_without_duplicates(app, client, world) -> None:
    nurse = token_for(client, "nurse")
    now = _two_weeks_at_96(client, nurse, world.patient.id)
    _post(client, nurse, item(world.patient.id, "spo2", 91, at=now - timedelta(hours=1)))
    (alert,) = db.session.scalars(select(Alert)).all()  # warning limit and baseline: one
    assert alert.severity == "yellow" and len(alert.reasons) == 2
    _post(client, nurse, item(world.patient.id, "spo2", 85, at=now))
    db.session.refresh(alert)
    assert (alert.severity, alert.status) == ("red", "open")
    # The limit rule's reason is now the alert limit's, listed once; the baseline's is the newest.
    assert [(r["code"], r["params"]["value"]) for r in alert.reasons] == [
        ("threshold.below_alert_limit", 85),
        ("spo2.drop_from_baseline", 85),
    ]
    assert len(alert.observations) == 2
    # Evaluating the same readings again adds no reason, reading or timeline entry.
    from telemon.alerts import evaluation
    from telemon.models import IngestBatch

    events = len(alert.events)
    db.session.execute(IngestBatch.__table__.update().values(evaluated_at=None))
    db.session.commit()
    evaluation.evaluate_batch()
    db.session.expire_all()
    (again,) = db.session.scalars(select(Alert)).all()
    assert again.reasons == alert.reasons and len(again.observations) == 2
    assert len(again.events) == events


def test_a_yellow_alert_turning_red_is_mailed_and_escalates_counting_from_red(
    app, client, world, inbox
) -> None:
    from telemon.background import jobs

    nurse = token_for(client, "nurse")
    _post(client, nurse, item(world.patient.id, "spo2", 91))  # below the warning limit: yellow
    (alert,) = db.session.scalars(select(Alert)).all()
    later = alert.raised_at + timedelta(hours=2)
    app.config["TELEMON_NOW"] = later
    _post(client, nurse, item(world.patient.id, "spo2", 85, at=later - timedelta(minutes=1)))
    db.session.refresh(alert)
    assert (alert.severity, alert.severity_raised_at) == ("red", later)
    (raw,) = inbox  # turning red is mailed as a new red alert is, once
    assert f"/alerts/{alert.id}\n" in _read(raw)[1]
    # Two hours after it was raised, but only just red: not escalated yet.
    assert jobs.run(jobs.ESCALATE) == 0
    app.config["TELEMON_NOW"] = later + timedelta(minutes=31)
    assert jobs.run(jobs.ESCALATE) == 1


def test_the_api_gives_the_reason_in_the_callers_language_and_as_data(client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    clinician = token_for(client, "clinician")
    (alert,) = client.get("/api/v1/alerts", headers=clinician).get_json()["items"]
    assert alert["reason"] == "SpO2 85\xa0% is below the alert limit 90\xa0%"  # as before: English
    assert alert["reason_code"] == "threshold.below_alert_limit"
    assert alert["reason_params"] == {"code": "spo2", "value": 85, "limit": 90}
    assert alert["measurement"] == "spo2"
    danish = {**clinician, "Accept-Language": "da-DK,da;q=0.9,en;q=0.5"}
    got = client.get(f"/api/v1/alerts/{alert['id']}", headers=danish).get_json()
    assert got["reason"] == "SpO2 85\xa0% er under alarmgrænsen 90\xa0%"
    assert got["reasons"] == [
        {
            "code": "threshold.below_alert_limit",
            "params": {"code": "spo2", "value": 85, "limit": 90},
            "severity": "red",
            "text": "SpO2 85\xa0% er under alarmgrænsen 90\xa0%",
        }
    ]
    english = {**clinician, "Accept-Language": "en"}
    got = client.get(f"/api/v1/alerts/{alert['id']}", headers=english).get_json()
    assert got["reasons"][0]["text"] == "SpO2 85\xa0% is below the alert limit 90\xa0%"
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    shown = schema["AlertOut"]["properties"] if "AlertOut" in schema else schema["Alert"]
    assert {"reason", "reason_code", "reason_params", "reasons"} <= set(shown)


def test_mail_is_in_english_for_a_team_that_says_en(client, world, inbox) -> None:
    admin = token_for(client, "hospital-admin")
    changed = client.patch(
        f"/api/v1/care-teams/{world.lung_team.id}", json={"language": "en"}, headers=admin
    )
    assert changed.status_code == 200 and changed.get_json()["language"] == "en"
    bad = client.patch(
        f"/api/v1/care-teams/{world.lung_team.id}", json={"language": "de"}, headers=admin
    )
    assert bad.status_code == 422 and "language" in str(bad.get_json())
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (alert,) = db.session.scalars(select(Alert)).all()
    (raw,) = inbox
    subject, body = _read(raw)
    assert subject == "[telemon] Red (urgent) alert needs attention"
    assert f"Open it: http://telemon.test/alerts/{alert.id}" in body
    assert "Åbn" not in body


@pytest.mark.parametrize(
    ("base_url", "served", "expected"),
    [
        (
            "https://telemon.region.example",
            "http://127.0.0.1:8123",
            "https://telemon.region.example",
        ),
        (None, "http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_mail_links_use_the_base_url_else_where_telemon_is_served(
    app, client, world, inbox, base_url, served, expected
) -> None:
    app.config["TELEMON_BASE_URL"] = base_url
    app.config["TELEMON_SERVED_URL"] = served
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (alert,) = db.session.scalars(select(Alert)).all()
    (raw,) = inbox
    assert f"{expected}/alerts/{alert.id}\n" in _read(raw)[1]
    assert ":5000" not in _read(raw)[1]


def test_the_served_address_names_the_port_telemon_listens_on() -> None:
    assert links.served_url("0.0.0.0", 8123) == "http://127.0.0.1:8123"
    assert links.served_url("10.0.0.5", 80) == "http://10.0.0.5:80"
    assert links.served_url("::1", 8000) == "http://[::1]:8000"


def test_confirming_the_dose_resolves_the_alert_its_inr_raised(app, client, world) -> None:
    enrol_in_anticoagulation(app, world)
    nurse = token_for(client, "nurse")
    post_inr(client, nurse, world.patient.id, 2.5, 14)
    post_inr(client, nurse, world.patient.id, 4.2, 0)
    (alert,) = db.session.scalars(select(Alert)).all()
    assert (alert.measurement, alert.severity, alert.status) == ("inr", "yellow", "open")
    assert alert.reasons[0]["code"] == "inr.above_target_range"
    doctor = token_for(client, "ak-doctor")
    overview = client.get(
        f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=doctor
    ).get_json()
    suggestion = overview["dose_suggestion"]
    overridden = client.post(
        f"/api/v1/dose-suggestions/{suggestion['id']}/confirm",
        json={"weekly_dose_mg": 30, "note": "Hold one dose; 30 mg a week."},
        headers=doctor,
    )
    assert overridden.status_code == 200 and overridden.get_json()["status"] == "overridden"
    db.session.expire_all()
    alert = db.session.get(Alert, alert.id)
    assert alert.status == "resolved" and alert.resolved_by_id is not None
    resolved = alert.events[-1]
    assert resolved.kind == "resolved" and resolved.by_id == alert.resolved_by_id
    assert resolved.params == {
        "because": "dose_decided",
        "decision": "overridden",
        "weekly_dose_mg": 30,
        "hold_days": 1,  # the suggestion's held dose, as none other was given
        "suggestion_id": suggestion["id"],
    }
    from telemon.clinical_text import event_text

    assert event_text("resolved", "da", who="ak-doctor", params=resolved.params) == (
        "afsluttet af ak-doctor: ugedosis ændret, 30 mg/uge, 1 dag uden tabletter"
    )


def test_a_team_chooses_the_language_of_its_mail_in_the_console(client, world) -> None:
    sign_in(client, "hospital-admin")
    url = f"/admin/teams/{world.lung_team.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="language"' in form and 'value="da" selected' in form
    fields = {
        "name": world.lung_team.name,
        "email": world.lung_team.email,
        "escalation_email": world.lung_team.escalation_email or "",
        "member_ids": [str(m.id) for m in world.lung_team.members],
    }
    saved = client.post(url, data={**fields, "language": "en"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(CareTeam, world.lung_team.id).language == "en"
    refused = client.post(url, data={**fields, "language": "xx"})
    assert refused.status_code == 303  # Post/Redirect/Get: back to the form, saying why
    assert 'id="err-language"' in client.get(refused.location).get_data(as_text=True)
    (change,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "care_team.update")
    ).all()
    assert change.changes == {"before": {"language": "da"}, "after": {"language": "en"}}
