"""Telemedical anticoagulation through HTTP: INR in, dose suggestion, TTR, alerts, decisions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from telemon import clock
from telemon.background import jobs
from telemon.clinical_text import event_text
from telemon.extensions import db
from telemon.models import Alert
from tests.helpers import (
    enrol_in_anticoagulation,
    mail_text,
    outbox_messages,
    post_inr,
    token_for,
)


@pytest.fixture
def ak(app, world):
    return enrol_in_anticoagulation(app, world)


def test_enrolment_takes_the_plan(client, world, ak) -> None:
    got = client.get(f"/api/v1/enrollments/{ak.id}", headers=token_for(client, "ak-doctor"))
    plan = got.get_json()["anticoagulation"]
    assert plan["target_low"] == 2.0 and plan["weekly_dose_mg"] == 35
    assert plan["nomogram_version"] == "default-2026.1" and plan["self_managing"] is False


def test_ttr_suggestion_alerts_and_confirmation(app, client, world, ak) -> None:
    nurse = token_for(client, "nurse")
    pid = world.patient.id
    for value, days_ago in ((2.5, 40), (3.5, 26), (2.5, 12)):
        post_inr(client, nurse, pid, value, days_ago, performer="nurse", location="nursing_home")
    doctor = token_for(client, "ak-doctor")
    overview = client.get(f"/api/v1/patients/{pid}/anticoagulation", headers=doctor).get_json()
    # Rosendaal by hand: 2.5 -> 3.5 over 14 days is in range (<= 3.0) for 7 days, 3.5 -> 2.5
    # for the last 7: 14 of 28 days = 50 %.
    assert overview["ttr_percent"] == 50.0
    assert overview["latest_inr"]["value"] == 2.5
    assert overview["latest_inr"]["location"] == "nursing_home"
    assert overview["dose_suggestion"]["action"] == "no change"

    post_inr(client, nurse, pid, 4.2, 1)
    overview = client.get(f"/api/v1/patients/{pid}/anticoagulation", headers=doctor).get_json()
    suggestion = overview["dose_suggestion"]
    # Hold one dose, then 35 mg - 10 % = 31.5, rounded down to a 1.25 mg step: 31.25.
    assert suggestion["action"] == "hold one dose, then reduce 10%"
    assert suggestion["weekly_dose_mg"] == 31.25 and suggestion["status"] == "pending"
    assert overview["weekly_dose_mg"] == 35  # not in force until confirmed
    # 2.5 -> 4.2 over 11 days: in range until 3.0, 0.5/1.7 of it: 14 + 3.235 of 39 days.
    assert overview["ttr_percent"] == pytest.approx(44.2, abs=0.05)
    assert overview["next_test_due"] == suggestion["next_test_on"]
    alerts = client.get("/api/v1/alerts?programme=anticoagulation", headers=doctor).get_json()
    assert [(a["severity"], a["rule"]) for a in alerts["items"]] == [("yellow", "inr.out_of_range")]
    assert outbox_messages(app.config["TELEMON_OUTBOX_DIR"]) == []  # yellow is not mailed

    confirmed = client.post(
        f"/api/v1/dose-suggestions/{suggestion['id']}/confirm",
        json={"weekly_dose_mg": 31.25},
        headers=doctor,
    )
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    overview = client.get(f"/api/v1/patients/{pid}/anticoagulation", headers=doctor).get_json()
    assert overview["weekly_dose_mg"] == 31.25
    assert [d["decided_weekly_dose_mg"] for d in overview["dose_history"]] == [31.25]

    post_inr(client, nurse, pid, 5.6, 0)
    alerts = client.get("/api/v1/alerts?programme=anticoagulation", headers=doctor).get_json()
    assert [(a["severity"], a["rule"]) for a in alerts["items"]] == [("red", "inr.out_of_range")]
    (mail,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert mail["To"] == "ak-clinic@example.invalid"
    assert "5.6" not in mail_text(mail) and "Synthetic" not in mail_text(mail)
    latest = client.get(f"/api/v1/patients/{pid}/anticoagulation", headers=doctor).get_json()
    assert latest["dose_suggestion"]["contact_clinic"] is True
    assert latest["weekly_dose_mg"] == 31.25


def test_only_clinicians_or_self_managing_patients_decide(client, world, ak) -> None:
    post_inr(client, token_for(client, "nurse"), world.patient.id, 3.6, 0)
    patient = token_for(client, "patient")
    mine = client.get(f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=patient)
    assert mine.status_code == 200
    suggestion = mine.get_json()["dose_suggestion"]
    url = f"/api/v1/dose-suggestions/{suggestion['id']}/confirm"
    body = {"weekly_dose_mg": suggestion["weekly_dose_mg"]}
    assert client.post(url, json=body, headers=patient).status_code == 403
    assert client.post(url, json=body, headers=token_for(client, "nurse")).status_code == 403
    assert (
        client.post(url, json=body, headers=token_for(client, "other-clinician")).status_code == 404
    )

    doctor = token_for(client, "ak-doctor")
    client.patch(f"/api/v1/enrollments/{ak.id}", json={"self_managing": True}, headers=doctor)
    other_dose = client.post(url, json={"weekly_dose_mg": 30}, headers=patient)
    assert other_dose.status_code == 422 and "weekly_dose_mg" in other_dose.get_json()["errors"]
    accepted = client.post(url, json=body, headers=patient)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert client.post(url, json=body, headers=patient).status_code == 200  # a retry
    assert client.post(url, json={"weekly_dose_mg": 20}, headers=doctor).status_code == 409


def test_a_clinician_may_override(client, world, ak) -> None:
    post_inr(client, token_for(client, "nurse"), world.patient.id, 1.8, 0)
    doctor = token_for(client, "ak-doctor")
    overview = client.get(f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=doctor)
    suggestion = overview.get_json()["dose_suggestion"]
    assert suggestion["weekly_dose_mg"] == 38.75  # 35 + 10 % = 38.5 -> nearest 1.25 step
    response = client.post(
        f"/api/v1/dose-suggestions/{suggestion['id']}/confirm",
        json={"weekly_dose_mg": 37.5, "note": "Antibiotics this week"},
        headers=doctor,
    )
    assert response.get_json()["status"] == "overridden"


def test_above_measuring_range_is_red_and_named(client, world, ak) -> None:
    post_inr(client, token_for(client, "nurse"), world.patient.id, 8.0, 0, value_qualifier=">")
    doctor = token_for(client, "ak-doctor")
    (alert,) = client.get("/api/v1/alerts?programme=anticoagulation", headers=doctor).get_json()[
        "items"
    ]
    assert alert["severity"] == "red" and alert["reason"].startswith("INR >8")
    overview = client.get(f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=doctor)
    assert overview.get_json()["latest_inr"]["value_qualifier"] == ">"
    assert overview.get_json()["dose_suggestion"]["notes"]


def test_a_missed_test_is_blue_and_the_next_inr_resolves_it(app, client, world, ak) -> None:
    post_inr(client, token_for(client, "nurse"), world.patient.id, 2.5, 0)
    doctor = token_for(client, "ak-doctor")
    overview = client.get(f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=doctor)
    due = datetime.fromisoformat(overview.get_json()["next_test_due"]).date()
    assert jobs.run(jobs.CHECK_MISSED_INR) == 0
    app.config["TELEMON_NOW"] = datetime.combine(
        due + timedelta(days=2), time(12), tzinfo=clock.COPENHAGEN
    )
    assert jobs.run(jobs.CHECK_MISSED_INR) == 1
    assert jobs.run(jobs.CHECK_MISSED_INR) == 0
    (blue,) = db.session.scalars(select(Alert).where(Alert.severity == "blue")).all()
    assert blue.rule == "inr.missed_test"
    post_inr(client, token_for(client, "nurse"), world.patient.id, 2.6, 0)
    db.session.refresh(blue)
    assert blue.status == "resolved"


def test_poor_control_over_enough_data_is_yellow(client, world, ak) -> None:
    nurse = token_for(client, "nurse")
    # Alternating 1.6 and 3.6 every 14 days: each segment is in range (2.0-3.0) for 1.0 of its
    # 2.0 INR units, so TTR is 50 % over 56 days and 5 tests: poor control.
    for n, value in enumerate((1.6, 3.6, 1.6, 3.6, 1.6)):
        post_inr(client, nurse, world.patient.id, value, 70 - 14 * n)
    rules = {
        a.rule: a.severity
        for a in db.session.scalars(select(Alert).where(Alert.programme == "anticoagulation"))
    }
    assert rules == {"inr.out_of_range": "yellow", "inr.poor_control": "yellow"}


def test_plan_fields_belong_to_anticoagulation(client, world) -> None:
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments",
        json={"programme": "wound", "care_team_id": world.lung_team.id, "weekly_dose_mg": 35},
        headers=token_for(client, "clinician"),
    )
    assert response.status_code == 422 and "weekly_dose_mg" in response.get_json()["errors"]


def test_anticoagulation_needs_a_dose(client, world) -> None:
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments",
        json={"programme": "anticoagulation", "care_team_id": world.lung_team.id},
        headers=token_for(client, "clinician"),
    )
    assert response.status_code == 422 and "weekly_dose_mg" in response.get_json()["errors"]


def test_poor_control_resolves_itself_when_control_returns(client, world, ak) -> None:
    nurse = token_for(client, "nurse")
    for value, days_ago in ((1.6, 98), (3.6, 84), (1.6, 70), (3.6, 56)):
        post_inr(client, nurse, world.patient.id, value, days_ago)
    (poor,) = db.session.scalars(select(Alert).where(Alert.rule == "inr.poor_control")).all()
    assert poor.status == "open"  # 50 % over 42 days
    # Then 3.6 -> 2.5 (in range 0.5 of 1.1 units over 14 days) and days at 2.5: after the test
    # 28 days ago (21 + 6.36 + 14) of 70 days = 59.1 %, still poor; after the one 14 days ago
    # (21 + 6.36 + 28) of 84 days = 65.9 %: resolved there.
    for days_ago in (42, 28, 14, 0):
        post_inr(client, nurse, world.patient.id, 2.5, days_ago)
    db.session.refresh(poor)
    assert poor.status == "resolved"
    resolved = poor.events[-1]
    assert (resolved.kind, resolved.by_id) == ("resolved", None)
    assert resolved.params == {"because": "in_control", "ttr_percent": 66}
    text = event_text(resolved.kind, "da", params=resolved.params)
    assert text == "afsluttet af telemon: tid i terapiområdet igen 66\xa0%"
