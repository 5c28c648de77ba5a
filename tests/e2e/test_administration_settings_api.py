"""Installation settings and the audit trail (issue 12, item 2): public holidays, default
schedules, nomogram versions, and who read or changed a patient's data."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from telemon.administration.holidays import ensure_from_environment
from telemon.anticoagulation.nomogram import DEFAULT_NOMOGRAM
from telemon.anticoagulation.nomogram_config import nomogram_to_dict
from telemon.extensions import db
from telemon.models import PublicHoliday
from tests.helpers import CPH, MONDAY_10, PASSWORD, open_wound, token_for


def test_public_holidays_are_data_with_the_environment_as_the_initial_set(app, client, wounds):
    app.config["TELEMON_PUBLIC_HOLIDAYS"] = "2026-12-24, 2026-12-25"
    assert ensure_from_environment() == 2
    assert ensure_from_environment() == 0
    root = token_for(client, "root")
    listed = client.get("/api/v1/public-holidays?year=2026", headers=root).get_json()
    assert [h["day"] for h in listed] == ["2026-12-24", "2026-12-25"]
    assert client.delete("/api/v1/public-holidays/2026-12-24", headers=root).status_code == 204
    assert ensure_from_environment() == 0  # a removed holiday does not come back
    (kept,) = db.session.scalars(
        select(PublicHoliday).where(PublicHoliday.observed.is_(True))
    ).all()
    assert kept.day.isoformat() == "2026-12-25"
    # Only a system administrator manages them.
    admin = token_for(client, "hospital-admin")
    assert (
        client.put("/api/v1/public-holidays/2026-11-24", json={}, headers=admin).status_code == 403
    )
    # A holiday moves a review request's deadline: urgent (4 working hours) asked on Monday at
    # 10:00 is due Monday 14:00; with Monday a holiday, Tuesday 12:00.
    made = client.put(
        "/api/v1/public-holidays/2026-11-23", json={"name": "Synthetic day off"}, headers=root
    )
    assert made.status_code == 200 and made.get_json()["name"] == "Synthetic day off"
    app.config["TELEMON_NOW"] = MONDAY_10.astimezone(UTC)
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    review = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Change of dressing?", "urgency": "urgent"},
        headers=nurse,
    ).get_json()
    assert datetime.fromisoformat(review["due_at"]) == datetime(2026, 11, 24, 12, 0, tzinfo=CPH)


def test_default_schedules_are_copied_into_new_enrolments(client, world) -> None:
    url = "/api/v1/schedule-defaults/copd"
    body = {"settings": {"interval_days": 2, "grace_hours": 4}}
    assert (
        client.put(url, json=body, headers=token_for(client, "hospital-admin")).status_code == 403
    )
    bad = client.put(
        url, json={"settings": {"interval_days": 0}}, headers=token_for(client, "root")
    )
    assert bad.status_code == 422
    assert client.put(url, json=body, headers=token_for(client, "root")).status_code == 200
    clinician = token_for(client, "clinician")
    assert client.get(url, headers=clinician).get_json()["settings"] == body["settings"]
    patient = client.post(
        "/api/v1/patients", json={"cpr": "0606801111", "name": "Synthetic Six"}, headers=clinician
    ).get_json()
    enrolled = client.post(
        f"/api/v1/patients/{patient['id']}/enrollments",
        json={
            "programme": "copd",
            "care_team_id": world.lung_team.id,
            "schedule": {"grace_hours": 1},
        },
        headers=clinician,
    ).get_json()
    assert enrolled["schedule"] == {"interval_days": 2, "grace_hours": 1}
    own = client.get(f"/api/v1/enrollments/{world.enrollment.id}", headers=clinician).get_json()
    assert own["schedule"] == {}


def test_a_new_nomogram_version_applies_to_new_suggestions(app, client, world) -> None:
    from tests.helpers import enrol_in_anticoagulation, post_inr

    ak = enrol_in_anticoagulation(app, world)
    nurse = token_for(client, "nurse")
    post_inr(client, nurse, world.patient.id, 2.5, 2)
    root = token_for(client, "root")
    definition = nomogram_to_dict(DEFAULT_NOMOGRAM) | {"version": "synthetic-2027.1"}
    assert (
        client.post(
            "/api/v1/nomograms",
            json={"definition": definition},
            headers=token_for(client, "hospital-admin"),
        ).status_code
        == 403
    )
    added = client.post("/api/v1/nomograms", json={"definition": definition}, headers=root)
    assert added.status_code == 201 and added.get_json()["current"] is True
    versions = client.get("/api/v1/nomograms", headers=root).get_json()
    assert {v["version"]: v["current"] for v in versions} == {
        DEFAULT_NOMOGRAM.version: False,
        "synthetic-2027.1": True,
    }
    post_inr(client, nurse, world.patient.id, 2.6, 0)
    doctor = token_for(client, "ak-doctor")
    summary = client.get(f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=doctor)
    body = summary.get_json()
    assert body["nomogram_version"] == "synthetic-2027.1"
    assert body["dose_suggestion"]["nomogram_version"] == "synthetic-2027.1"
    assert ak.id == body["enrollment_id"]


def test_the_audit_trail_shows_who_read_and_changed_a_patients_data(client, world) -> None:
    clinician = token_for(client, "clinician")
    client.get(f"/api/v1/patients/{world.patient.id}", headers=clinician)
    client.get(f"/api/v1/patients/{world.patient.id}", headers=token_for(client, "other-nurse"))
    client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"thresholds": {"spo2": {"alert_low": 87, "warning_low": 89}}},
        headers=clinician,
    )
    admin = token_for(client, "hospital-admin")
    # The CPR number goes in the body, never the URL.
    found = client.post("/api/v1/audit/patient-lookup", json={"cpr": "010170-1234"}, headers=admin)
    assert found.get_json() == {"patient_id": world.patient.id}
    trail = client.get(f"/api/v1/audit/patients/{world.patient.id}", headers=admin).get_json()
    entries = trail["items"]
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    reads = [(e["username"], e["outcome"]) for e in entries if e["action"] == "patient.read"]
    assert ("clinician", "allowed") in reads and ("other-nurse", "denied") in reads
    (change,) = [e for e in entries if e["action"] == "enrollment.update" and e["changes"]]
    assert change["changes"]["after"]["thresholds"]["spo2"]["alert_low"] == 87
    assert change["organisation_name"] == "Synthetic Hospital"
    # Nothing of the record itself.
    assert "Synthetic Patient" not in str(trail) and "0101701234" not in str(trail)
    # Paged, newest first; this read is itself in the trail.
    first = client.get(
        f"/api/v1/audit/patients/{world.patient.id}?limit=2", headers=admin
    ).get_json()
    assert first["items"][0]["action"] == "audit.read" and first["next"]
    # What a user did.
    did = client.get(
        f"/api/v1/audit/users/{world.clinician.id}?action=patient", headers=admin
    ).get_json()["items"]
    assert {e["action"] for e in did} <= {"patient.read", "patient.create", "patient.list"}
    assert any(e["action"] == "patient.read" for e in did)
    # Another organisation's administrator reads neither trail.
    root = token_for(client, "root")
    client.post(
        "/api/v1/users",
        json={
            "username": "municipal-admin",
            "password": PASSWORD,
            "role": "admin",
            "organisation_id": world.municipality.id,
        },
        headers=root,
    )
    other = token_for(client, "municipal-admin")
    assert (
        client.get(f"/api/v1/audit/patients/{world.patient.id}", headers=other).status_code == 404
    )
    assert client.get(f"/api/v1/audit/users/{world.clinician.id}", headers=other).status_code == 404
    assert (
        client.post(
            "/api/v1/audit/patient-lookup", json={"cpr": "0101701234"}, headers=other
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/audit/users/{world.nurse.id}", headers=other).status_code == 200
    assert client.get(f"/api/v1/audit/patients/{world.patient.id}", headers=root).status_code == 200
    assert client.get("/api/v1/audit/users/1", headers=clinician).status_code == 403
