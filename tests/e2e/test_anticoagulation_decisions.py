"""Issue 18 through HTTP, on PostgreSQL and on the embedded default (SQLite): what a
self-managing patient may decide and what only the clinic may (API and a hand-made web POST),
the one instruction and the week that agrees with it, the clinic's worklist, a decision closing
the INR alerts it answers, the patient hearing the decision, and only the responsible team (or
its organisation's administrator, for a hand-over) managing the enrolment.

The clock stands at Friday 20 November 2026, 15:00 in Copenhagen (the clinic is open until
16:00) unless a test moves it."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import Alert, AuditEvent, DoseSuggestion, Enrollment, User
from telemon.patients import service as patients
from tests.helpers import (
    PASSWORD,
    enrol_in_anticoagulation,
    form_key,
    item,
    sign_in,
    token_for,
)

CPH = clock.COPENHAGEN


@pytest.fixture
def app(app_on_both: Any) -> Any:
    return app_on_both


def _user(actor: Any, name: str, role: str, organisation: Any) -> Any:
    return identity.create_user(
        actor,
        {
            "username": name,
            "password": PASSWORD,
            "role": role,
            "organisation_id": organisation.id,
            "email": f"{name}@example.invalid",
        },
    )


@pytest.fixture
def ak(app, world) -> Enrollment:
    """The world's patient in the AK clinic (ak-doctor; ak-nurse, a hospital nurse, joins it),
    2.0-3.0, 35 mg/week; ward-clinician: a hospital clinician in no team."""
    enrollment = enrol_in_anticoagulation(app, world)
    nurse = _user(world.admin, "ak-nurse", "nurse", world.hospital)
    _user(world.admin, "ward-clinician", "clinician", world.hospital)
    enrollment.care_team.members.append(nurse)
    db.session.commit()
    return enrollment


def _self_managing(enrollment: Enrollment) -> None:
    enrollment.anticoagulation.self_managing = True
    db.session.commit()


def _at(days_ago: int, hour: int = 9) -> datetime:
    today = clock.local(clock.now()).date()
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=CPH)


def _post_inr(client, headers, patient_id: int, value: float, days_ago: int = 0, **extra) -> None:
    body = {"observations": [item(patient_id, "inr", value, at=_at(days_ago), **extra)]}
    response = client.post("/api/v1/observations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


def _overview(client, username: str, patient_id: int) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/patients/{patient_id}/anticoagulation", headers=token_for(client, username)
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _denied(username: str, action: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.username == username,
            AuditEvent.action == action,
            AuditEvent.outcome == "denied",
        )
    )


def _name(user_id: int | None) -> str | None:
    return None if user_id is None else db.session.get(User, user_id).username


def _inr_alerts() -> list[Alert]:
    db.session.expire_all()
    return list(db.session.scalars(select(Alert).where(Alert.rule == "inr.out_of_range")))


# ---- 1. What the patient may decide --------------------------------------------------------


def test_a_self_managing_patient_may_not_accept_what_asks_for_the_clinic(client, world, ak):
    """The issue's INR 6.5: "hold and contact the clinic today". Her confirm is 403, audited;
    the suggestion and the red alert wait for the clinic; she reads one instruction."""
    _self_managing(ak)
    patient = token_for(client, "patient")
    _post_inr(client, patient, world.patient.id, 6.5, performer="patient")
    mine = _overview(client, "patient", world.patient.id)
    suggestion = mine["dose_suggestion"]
    url = f"/api/v1/dose-suggestions/{suggestion['id']}/confirm"
    refused = client.post(url, json={"weekly_dose_mg": 35}, headers=patient)
    assert refused.status_code == 403, refused.get_json()
    assert suggestion["contact_clinic"] is True and mine["patient_decides"] is False
    assert _denied("patient", "dose_suggestion.decide") == 1
    (alert,) = _inr_alerts()
    assert (alert.severity, alert.status, alert.resolved_by_id) == ("red", "open", None)
    assert db.session.get(DoseSuggestion, suggestion["id"]).status == "pending"
    # The clinic still has it: the queue's alert, and the worklist's suggestion.
    doctor = token_for(client, "ak-doctor")
    queue = client.get("/api/v1/alerts?programme=anticoagulation", headers=doctor).get_json()
    assert [a["id"] for a in queue["items"]] == [alert.id]
    waiting = client.get("/api/v1/dose-suggestions?status=pending", headers=doctor).get_json()
    assert [i["id"] for i in waiting["items"]] == [suggestion["id"]]
    # One instruction: no tablets until the clinic has spoken with her; the clinic calls today.
    instruction = mine["instruction"]
    assert (instruction["code"], instruction["situation"]) == ("pause.open", "pause")
    assert instruction["text"][0].startswith("Take no blood-thinning tablets from Friday 20")
    assert "The clinic will call you today." in instruction["text"]
    # The week agrees: Monday to Thursday as planned, paused from Friday.
    assert [d["state"] for d in mine["week"]] == ["take"] * 4 + ["paused"] * 3
    assert mine["week_kind"] == "paused"


def test_suggestions_beyond_her_limits_are_the_clinics_and_within_them_hers(client, world, ak):
    _self_managing(ak)
    patient = token_for(client, "patient")
    doctor = token_for(client, "ak-doctor")
    # The team sets her limits: no dose change of her own.
    limited = client.patch(
        f"/api/v1/enrollments/{ak.id}",
        json={"self_management": {"max_change_percent": 0}},
        headers=doctor,
    )
    assert limited.status_code == 200, limited.get_json()
    assert limited.get_json()["anticoagulation"]["self_management"] == {
        "inr_above": 1.5,
        "inr_below": 5.0,
        "max_change_percent": 0.0,
        "max_hold_doses": 1,
    }
    # Only the team sets them: the patient may not.
    assert (
        client.patch(
            f"/api/v1/enrollments/{ak.id}",
            json={"self_management": {"max_change_percent": 25}},
            headers=patient,
        ).status_code
        == 403
    )
    _post_inr(client, patient, world.patient.id, 3.5, days_ago=1)  # -10 %
    first = _overview(client, "patient", world.patient.id)
    assert first["patient_decides"] is False
    assert first["instruction"]["code"] == "keep.open"
    url = f"/api/v1/dose-suggestions/{first['dose_suggestion']['id']}/confirm"
    body = {"weekly_dose_mg": first["dose_suggestion"]["weekly_dose_mg"]}
    assert client.post(url, json=body, headers=patient).status_code == 403
    assert _denied("patient", "dose_suggestion.decide") == 1
    # In range, no change: hers, accepted, and the weekly dose stays.
    _post_inr(client, patient, world.patient.id, 2.6)
    second = _overview(client, "patient", world.patient.id)
    assert second["patient_decides"] is True and second["instruction"]["code"] == "self"
    assert second["week_kind"] == "if_accepted"
    url = f"/api/v1/dose-suggestions/{second['dose_suggestion']['id']}/confirm"
    accepted = client.post(url, json={"weekly_dose_mg": 35}, headers=patient)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    # Out-of-range limits are refused naming the field.
    bad = client.patch(
        f"/api/v1/enrollments/{ak.id}",
        json={"self_management": {"inr_above": 3.0, "inr_below": 2.8}},
        headers=doctor,
    )
    assert bad.status_code == 422 and "self_management" in bad.get_json()["errors"]


def test_an_earlier_red_inr_keeps_a_later_suggestion_for_the_clinic(client, world, ak):
    """Friday's 5.6 is unanswered when Saturday's 3.2 suggests -10 %: accepting it would close
    the red alert, so the clinic decides; its decision closes both."""
    _self_managing(ak)
    patient = token_for(client, "patient")
    _post_inr(client, patient, world.patient.id, 5.6, days_ago=1)
    _post_inr(client, patient, world.patient.id, 3.2)
    mine = _overview(client, "patient", world.patient.id)
    url = f"/api/v1/dose-suggestions/{mine['dose_suggestion']['id']}/confirm"
    body = {"weekly_dose_mg": mine["dose_suggestion"]["weekly_dose_mg"]}
    assert client.post(url, json=body, headers=patient).status_code == 403
    assert mine["patient_decides"] is False and mine["instruction"]["code"] == "keep.open"
    decided = client.post(url, json=body, headers=token_for(client, "ak-nurse"))
    assert decided.status_code == 200 and decided.get_json()["status"] == "confirmed"
    assert [(a.status, _name(a.resolved_by_id)) for a in _inr_alerts()] == [
        ("resolved", "ak-nurse")
    ]


def test_a_hand_made_web_post_of_her_acceptance_is_refused(client, world, ak):
    _self_managing(ak)
    _post_inr(client, token_for(client, "patient"), world.patient.id, 6.5)
    suggestion = db.session.scalar(select(DoseSuggestion))
    sign_in(client, "patient")
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    assert "Godkend forslaget" not in page  # not offered ...
    refused = client.post(f"/me/dose-suggestions/{suggestion.id}/accept")
    assert refused.status_code == 403  # ... and refused when sent by hand
    assert _denied("patient", "dose_suggestion.decide") == 1
    db.session.refresh(suggestion)
    assert suggestion.status == "pending"
    assert [a.status for a in _inr_alerts()] == ["open"]


def test_the_patient_page_gives_one_instruction_and_a_week_that_agrees(app, client, world, ak):
    """At 20:07 on the Friday, INR 5.6: closed until Monday 08:00, the team's own out-of-hours
    text, no "today", no "do not change your dose" beside a pause, the week paused."""
    _self_managing(ak)
    hospital_admin = token_for(client, "hospital-admin")
    changed = client.patch(
        f"/api/v1/care-teams/{ak.care_team_id}",
        json={"opening_hours": "08:00-15:30", "out_of_hours_text": "Ring 1813 ved blødning."},
        headers=hospital_admin,
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["opening_hours"] == "08:00-15:30"
    bad = client.patch(
        f"/api/v1/care-teams/{ak.care_team_id}",
        json={"opening_hours": "16:00-08:00"},
        headers=hospital_admin,
    )
    assert bad.status_code == 422 and "opening_hours" in bad.get_json()["errors"]
    app.config["TELEMON_NOW"] = datetime(2026, 11, 20, 20, 7, tzinfo=CPH)
    _post_inr(client, token_for(client, "patient"), world.patient.id, 5.6)
    sign_in(client, "patient")
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    instruction = _section(page, "instruction")
    assert "Tag ingen blodfortyndende tabletter fra fredag den 20. november" in instruction
    assert "Den ringer til dig, når den åbner, mandag den 23. november kl. 08.00." in instruction
    assert "Ring 1813 ved blødning." in instruction
    assert "i dag" not in instruction and "Ændr ikke" not in page
    assert "Godkend forslaget" not in page
    week = _section(page, "week")
    states = re.findall(r'data-state="(\w+)"', week)
    assert states == ["take"] * 4 + ["paused"] * 3
    assert "Tag ingen tabletter, indtil klinikken har talt med dig." in week


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]* id="{section_id}">(.*?)</section>', page, re.S)
    assert found, f"no section {section_id}"
    return found.group(1)


# ---- 3. The worklist ------------------------------------------------------------------------


def _patient(clinician: Any, cpr: str, name: str) -> Any:
    return patients.create_patient(clinician, {"cpr": cpr, "name": name})


def _enrol(doctor: Any, patient: Any, team: Any, self_managing: bool = False) -> Enrollment:
    return patients.enroll(
        doctor,
        patient.id,
        {
            "programme": "anticoagulation",
            "care_team_id": team.id,
            "weekly_dose_mg": 35,
            "self_managing": self_managing,
        },
    )


def test_the_worklist_lists_what_waits_for_the_callers_teams_oldest_first(app, client, world, ak):
    root = db.session.scalar(select(User).where(User.username == "root"))
    doctor = db.session.scalar(select(User).where(User.username == "ak-doctor"))
    north_doctor = _user(root, "north-doctor", "clinician", world.hospital)
    north = identity.create_care_team(
        world.admin,
        {
            "name": "AK north",
            "organisation_id": world.hospital.id,
            "email": "north@example.invalid",
            "member_ids": [north_doctor.id],
        },
    )
    ours = [_patient(doctor, f"01018{n}1234", f"Ours {n}") for n in range(3)]
    for patient in ours:
        _enrol(doctor, patient, ak.care_team)
    theirs = _patient(north_doctor, "0202801234", "Theirs")
    _enrol(north_doctor, theirs, north)
    own_decider = _patient(doctor, "0303801234", "Decides herself")
    _enrol(doctor, own_decider, ak.care_team, self_managing=True)
    recorders = {p.id: token_for(client, "ak-doctor") for p in (*ours, own_decider)}
    recorders[theirs.id] = token_for(client, "north-doctor")
    recorders[world.patient.id] = token_for(client, "nurse")
    start = datetime(2026, 11, 20, 10, 0, tzinfo=CPH)
    # Oldest first: the order the suggestions were made in, not the patients' ids.
    made = [ours[2], theirs, world.patient, ours[0], own_decider, ours[1]]
    values = [4.2, 3.6, 5.6, 1.8, 2.5, 2.5]
    for minutes, (patient, value) in enumerate(zip(made, values, strict=True)):
        app.config["TELEMON_NOW"] = start + timedelta(minutes=minutes)
        _post_inr(client, recorders[patient.id], patient.id, value, performer="nurse")
    app.config["TELEMON_NOW"] = start + timedelta(hours=1)
    ak_nurse = token_for(client, "ak-nurse")
    first = client.get("/api/v1/dose-suggestions?status=pending&limit=2", headers=ak_nurse)
    assert first.status_code == 200, first.get_json()
    page = first.get_json()
    assert set(page["items"][0]) == {
        "id",
        "patient_id",
        "enrollment_id",
        "inr",
        "inr_measured_at",
        "weekly_dose_mg",
        "current_weekly_dose_mg",
        "action",
        "contact_clinic",
        "hold_days",
        "created_at",
    }
    rest = client.get(
        f"/api/v1/dose-suggestions?status=pending&limit=2&after={page['next']}", headers=ak_nurse
    ).get_json()
    assert rest["next"] is None
    listed = page["items"] + rest["items"]
    # Not the north team's patient, nor the self-managing patient's in-range suggestion.
    assert [i["patient_id"] for i in listed] == [
        ours[2].id,
        world.patient.id,
        ours[0].id,
        ours[1].id,
    ]
    by_patient = {i["patient_id"]: i for i in listed}
    red = by_patient[world.patient.id]
    assert (red["inr"], red["contact_clinic"], red["hold_days"]) == (5.6, True, 1)
    assert red["current_weekly_dose_mg"] == 35 and red["weekly_dose_mg"] == 35
    assert by_patient[ours[2].id]["action"] == "hold one dose, then reduce 10%"
    # Every patient listed is audited as read.
    audited = db.session.scalars(
        select(AuditEvent.patient_id).where(
            AuditEvent.username == "ak-nurse", AuditEvent.action == "dose_suggestion.list"
        )
    ).all()
    assert sorted(audited) == sorted(i["patient_id"] for i in listed)
    # The other team sees its own only; who is in no AK team sees none; a patient is refused.
    north_list = client.get("/api/v1/dose-suggestions", headers=token_for(client, "north-doctor"))
    assert [i["patient_id"] for i in north_list.get_json()["items"]] == [theirs.id]
    nobody = client.get("/api/v1/dose-suggestions", headers=token_for(client, "ward-clinician"))
    assert nobody.get_json() == {"items": [], "next": None}
    assert (
        client.get("/api/v1/dose-suggestions", headers=token_for(client, "patient")).status_code
        == 403
    )
    assert (
        client.get("/api/v1/dose-suggestions?status=confirmed", headers=ak_nurse).status_code == 422
    )
    # A decided suggestion leaves the list.
    decided = client.post(
        f"/api/v1/dose-suggestions/{listed[0]['id']}/confirm",
        json={"weekly_dose_mg": listed[0]["weekly_dose_mg"]},
        headers=ak_nurse,
    )
    assert decided.status_code == 200
    again = client.get("/api/v1/dose-suggestions", headers=ak_nurse).get_json()
    assert [i["id"] for i in again["items"]] == [i["id"] for i in listed[1:]]


# ---- 4. A decision closes what it answers ---------------------------------------------------


def test_a_decision_resolves_the_older_inr_alerts_it_answers(client, world, ak):
    """The issue's INR 4.2 alert left open when the newest (in-range) suggestion was confirmed:
    now resolved by the decision, on its timeline, naming who."""
    nurse = token_for(client, "nurse")
    _post_inr(client, nurse, world.patient.id, 4.2, days_ago=3)
    _post_inr(client, nurse, world.patient.id, 2.5, days_ago=1)
    (alert,) = _inr_alerts()
    assert alert.status == "open"
    # The alert page: its readings are the one that raised it; its suggestion the one whose
    # decision answers it (the newest, pending), with the team's form.
    sign_in(client, "ak-nurse")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    readings = re.search(r'<table class="list readings">(.*?)</table>', page, re.S).group(1)
    assert readings.count("<tr>") == 2  # the head and 4,2
    assert "4,2" in readings and "2,5" not in readings
    newest = db.session.scalar(select(DoseSuggestion).where(DoseSuggestion.status == "pending"))
    assert newest.inr == 2.5
    assert f"/dose-suggestions/{newest.id}/confirm" in page
    confirmed = client.post(
        f"/dose-suggestions/{newest.id}/confirm",
        data={
            "form_key": form_key(page),
            "decision": "confirm",
            "back": f"/alerts/{alert.id}",
            "note": "Stabil igen.",
        },
    )
    assert confirmed.status_code == 302
    (alert,) = _inr_alerts()
    assert alert.status == "resolved" and _name(alert.resolved_by_id) == "ak-nurse"
    event = alert.events[-1]
    assert (event.kind, event.by_id, event.note) == (
        "resolved",
        alert.resolved_by_id,
        "Stabil igen.",
    )
    assert event.params["because"] == "dose_decided" and event.params["decision"] == "confirmed"


def test_a_decision_closes_inr_alerts_only(client, world, ak):
    """A guard beside the one above: the patient's COPD alert is the lung team's, and no dose
    decision closes it."""
    nurse = token_for(client, "nurse")
    body = {"observations": [item(world.patient.id, "spo2", 85, at=_at(0, 8))]}
    assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
    _post_inr(client, nurse, world.patient.id, 4.2)
    suggestion = db.session.scalar(select(DoseSuggestion))
    decided = client.post(
        f"/api/v1/dose-suggestions/{suggestion.id}/confirm",
        json={"weekly_dose_mg": suggestion.weekly_dose_mg},
        headers=token_for(client, "ak-doctor"),
    )
    assert decided.status_code == 200
    db.session.expire_all()
    statuses = {a.rule: a.status for a in db.session.scalars(select(Alert))}
    assert statuses == {"threshold.spo2": "open", "inr.out_of_range": "resolved"}


# ---- 5. The patient hears the decision ------------------------------------------------------


def test_the_patient_hears_the_decision_and_reads_only_the_note_shown_to_her(client, world, ak):
    _post_inr(client, token_for(client, "nurse"), world.patient.id, 5.6)
    suggestion = db.session.scalar(select(DoseSuggestion))
    ak_nurse = token_for(client, "ak-nurse")
    overridden = client.post(
        f"/api/v1/dose-suggestions/{suggestion.id}/confirm",
        json={
            "weekly_dose_mg": 30,
            "hold_days": 1,
            "note": "Pause 1 dag, derefter 30 mg/uge",
            "note_visible_to_patient": True,
        },
        headers=ak_nurse,
    )
    assert overridden.status_code == 200, overridden.get_json()
    body = overridden.get_json()
    assert (body["status"], body["decided_weekly_dose_mg"], body["decided_hold_days"]) == (
        "overridden",
        30,
        1,
    )
    raw = client.get(
        f"/api/v1/patients/{world.patient.id}/anticoagulation",
        headers=token_for(client, "patient"),
    ).get_data(as_text=True)
    mine = json.loads(raw)
    decision = mine["latest_decision"]
    assert decision["weekly_dose_mg"] == 30 and decision["hold_days"] == 1
    assert decision["held_from"] == "2026-11-20"
    assert decision["note"] == "Pause 1 dag, derefter 30 mg/uge"
    assert decision["decided_by"] == {"role": "nurse", "care_team": "AK clinic"}
    assert "ak-nurse" not in raw  # who decided by role and team, never a user name
    assert mine["weekly_dose_mg"] == 30 and mine["instruction"] is None
    # The week counts the held day: Friday held, the rest at 30 mg (12 tablets of 2.5 mg).
    assert [d["state"] for d in mine["week"]] == ["take"] * 4 + ["held"] + ["take"] * 2
    # The page says it in Danish.
    sign_in(client, "patient")
    page = client.get("/me/anticoagulation").get_data(as_text=True)
    decided = _section(page, "decision")
    assert "Klinikkens seneste beslutning" in decided
    assert "Ugedosis: 30 mg/uge." in decided
    assert "Tag ingen tabletter fredag den 20. november." in decided
    assert "Pause 1 dag, derefter 30 mg/uge" in decided
    assert "en sygeplejerske i AK clinic" in decided
    assert re.findall(r'data-state="(\w+)"', _section(page, "week")) == (
        ["take"] * 4 + ["held"] + ["take"] * 2
    )
    # A decision whose note is not for her: she reads the decision, not the note.
    client.post("/sign-out")
    _post_inr(client, token_for(client, "nurse"), world.patient.id, 2.5)
    newest = db.session.scalar(select(DoseSuggestion).where(DoseSuggestion.status == "pending"))
    client.post(
        f"/api/v1/dose-suggestions/{newest.id}/confirm",
        json={"weekly_dose_mg": 30, "note": "Ring til egen læge om NSAID."},
        headers=ak_nurse,
    )
    mine = _overview(client, "patient", world.patient.id)
    assert mine["latest_decision"]["note"] is None
    assert all(d["decision_note"] != "Ring til egen læge om NSAID." for d in mine["dose_history"])
    staff = _overview(client, "ak-doctor", world.patient.id)
    assert staff["latest_decision"]["note"] == "Ring til egen læge om NSAID."
    assert staff["latest_decision"]["note_visible_to_patient"] is False


# ---- 6. Only the responsible team manages the enrolment -------------------------------------


def test_only_the_responsible_team_hands_over_pauses_resumes_and_ends(client, world, ak):
    root = db.session.scalar(select(User).where(User.username == "root"))
    other_team = identity.create_care_team(
        world.admin,
        {
            "name": "AK north",
            "organisation_id": world.hospital.id,
            "email": "north@example.invalid",
        },
    )
    _post_inr(client, token_for(client, "nurse"), world.patient.id, 5.6)
    url = f"/api/v1/enrollments/{ak.id}"
    tries = [
        ("PATCH", url, {"care_team_id": world.lung_team.id}, "enrollment.hand_over"),
        ("PATCH", url, {"shared_with": []}, "enrollment.update"),
        ("POST", f"{url}/pause", {"paused_from": "2026-11-20", "reason": "admitted"}, None),
        ("POST", f"{url}/resume", None, "enrollment.resume"),
        ("POST", f"{url}/end", {"reason": "completed"}, "enrollment.end"),
    ]
    # The registering organisation's clinician of another team, and a hospital clinician in
    # no team: both see the patient, neither manages her anticoagulation.
    for username in ("clinician", "ward-clinician"):
        headers = token_for(client, username)
        for method, where, body, action in tries:
            response = client.open(where, method=method, json=body, headers=headers)
            assert response.status_code == 403, (username, where, response.get_json())
            assert _denied(username, action or "enrollment.pause") >= 1, (username, action)
    db.session.expire_all()
    assert db.session.get(Enrollment, ak.id).care_team_id == ak.care_team_id
    assert [a.status for a in _inr_alerts()] == ["open"]
    # The web refuses them too.
    sign_in(client, "ward-clinician")
    assert (
        client.post(f"/enrollments/{ak.id}/pause", data={"paused_from": "2026-11-20"}).status_code
        == 403
    )
    assert client.post(f"/enrollments/{ak.id}/end", data={"reason": "completed"}).status_code == 403
    client.post("/sign-out")
    # Registering a patient and enrolling her in a programme she is not in stay as they were.
    ward = token_for(client, "ward-clinician")
    enrolled = client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments",
        json={"programme": "wound", "care_team_id": world.lung_team.id},
        headers=ward,
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    # An administrator of another organisation may not hand over, nor see the enrolment.
    municipal_admin = _user(root, "municipal-admin", "admin", world.municipality)
    assert municipal_admin is not None
    refused = client.patch(
        url, json={"care_team_id": other_team.id}, headers=token_for(client, "municipal-admin")
    )
    assert refused.status_code == 403
    assert _denied("municipal-admin", "enrollment.hand_over") == 1
    # The administrator of the organisation that owns the responsible team hands it over,
    # and reads nothing clinical back; the open alert moves to the new team's queue.
    handed = client.patch(
        url, json={"care_team_id": other_team.id}, headers=token_for(client, "hospital-admin")
    )
    assert handed.status_code == 200, handed.get_json()
    assert handed.get_json() == {
        "id": ak.id,
        "patient_id": world.patient.id,
        "programme": "anticoagulation",
        "care_team_id": other_team.id,
        "status": "active",
    }
    (alert,) = _inr_alerts()
    assert alert.care_team_id == other_team.id
    assert (
        client.patch(
            url, json={"schedule": {}}, headers=token_for(client, "hospital-admin")
        ).status_code
        == 404
    )
    # The old team's clinician no longer acts; nobody of the new team yet.
    assert (
        client.post(
            f"{url}/pause",
            json={"paused_from": "2026-11-20", "reason": "admitted"},
            headers=token_for(client, "ak-doctor"),
        ).status_code
        == 403
    )


def test_the_teams_clinician_hands_over_pauses_and_ends(client, world, ak):
    doctor = token_for(client, "ak-doctor")
    url = f"/api/v1/enrollments/{ak.id}"
    paused = client.post(
        f"{url}/pause", json={"paused_from": "2026-11-20", "reason": "admitted"}, headers=doctor
    )
    assert paused.status_code == 200, paused.get_json()
    assert client.post(f"{url}/resume", headers=doctor).status_code == 200
    handed = client.patch(url, json={"care_team_id": world.lung_team.id}, headers=doctor)
    assert handed.status_code == 200 and handed.get_json()["care_team_id"] == world.lung_team.id
    # Now the lung team's clinician manages it, and ends it.
    ended = client.post(
        f"{url}/end", json={"reason": "completed"}, headers=token_for(client, "clinician")
    )
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"


# ---- The worklist in the browser's HTML -----------------------------------------------------


def test_the_nurse_reaches_the_worklist_with_a_count_and_overrides_with_held_days(
    client, world, ak
):
    _post_inr(client, token_for(client, "nurse"), world.patient.id, 5.6)
    suggestion = db.session.scalar(select(DoseSuggestion))
    sign_in(client, "ak-nurse")
    home = client.get("/home/").get_data(as_text=True)
    assert "1 dosisforslag venter" in home and 'href="/dose-suggestions"' in home
    page = client.get("/dose-suggestions").get_data(as_text=True)
    assert "Synthetic Patient" in page and f'id="suggestion-{suggestion.id}"' in page
    data = {
        "form_key": form_key(page),
        "back": "/dose-suggestions",
        "decision": "override",
        "weekly_dose_mg": "30",
        "hold_days": "9",
        "note": "Pause 1 dag, derefter 30 mg/uge",
        "note_visible_to_patient": "on",
    }
    # Nine days is refused in Danish, with what she typed kept.
    wrong = client.post(
        f"/dose-suggestions/{suggestion.id}/confirm", data=data, follow_redirects=True
    )
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert "et helt tal fra 0 til 7" in text and "Pause 1 dag, derefter 30 mg/uge" in text
    data["hold_days"] = "1"
    done = client.post(f"/dose-suggestions/{suggestion.id}/confirm", data=data)
    assert done.status_code == 302 and done.headers["Location"] == "/dose-suggestions"
    # Sent again (a double tap): stored once.
    assert client.post(f"/dose-suggestions/{suggestion.id}/confirm", data=data).status_code == 302
    assert _denied("ak-nurse", "dose_suggestion.decide") == 0
    db.session.refresh(suggestion)
    assert (suggestion.status, suggestion.decided_weekly_dose_mg) == ("overridden", 30)
    assert (suggestion.decided_hold_days, suggestion.note_visible_to_patient) == (1, True)
    after = client.get("/dose-suggestions").get_data(as_text=True)
    assert "Ingen dosisforslag venter." in after
    # A hospital clinician of the team reaches it from the queue.
    client.post("/sign-out")
    sign_in(client, "ak-doctor")
    queue = client.get("/queue").get_data(as_text=True)
    assert "0 dosisforslag venter" in queue and 'href="/dose-suggestions"' in queue


# ---- The worklist's SQL says what the pure rule says ----------------------------------------


def test_the_worklists_sql_says_what_the_pure_rule_says(client, world, ak) -> None:
    """decision_sql.patient_decides and decision.patient_decides over the same suggestions:
    the INR at and around the limits, changes, holds, same-day contact, doses the table could
    not move, the plan's limits and self-management, an earlier open INR alert at 5.6."""
    from itertools import product

    from sqlalchemy import update

    from telemon.anticoagulation import decision, decision_sql
    from telemon.anticoagulation.decisions import earlier_open_inrs, suggested_of
    from telemon.anticoagulation.plans import limits_of
    from telemon.models import AnticoagulationPlan

    nurse = token_for(client, "nurse")
    _post_inr(client, nurse, world.patient.id, 5.6, days_ago=2)
    _post_inr(client, nurse, world.patient.id, 3.2)
    (alert,) = _inr_alerts()
    suggestion = db.session.scalar(select(DoseSuggestion).where(DoseSuggestion.status == "pending"))
    plan_of = AnticoagulationPlan.enrollment_id == ak.id
    grid = product(
        (1.5, 1.6, 4.9, 5.0),  # INR
        (0.0, -10.0, 15.0),  # the table's percent
        (0, 1, 2),  # held doses
        (False, True),  # contact the clinic
        (True, False),  # the dose moved (else the change was not made)
        (True, False),  # self-managing
        ((1.5, 5.0, 10.0, 1), (1.0, 6.0, 20.0, 2)),  # the plan's limits
        ("open", "resolved"),  # the earlier 5.6 alert
    )
    checked = 0
    for inr, percent, hold, contact, moved, managing, limits, status in grid:
        above, below, change, holds = limits
        dose = 35.0 if not moved else 31.25
        db.session.execute(
            update(DoseSuggestion)
            .where(DoseSuggestion.id == suggestion.id)
            .values(
                inr=inr,
                change_percent=percent,
                hold_doses=hold,
                contact_clinic=contact,
                weekly_dose_mg=dose,
                previous_weekly_dose_mg=35.0,
            )
        )
        db.session.execute(
            update(AnticoagulationPlan)
            .where(plan_of)
            .values(
                self_managing=managing,
                self_inr_above=above,
                self_inr_below=below,
                self_max_change_percent=change,
                self_max_hold_doses=holds,
            )
        )
        db.session.execute(update(Alert).where(Alert.id == alert.id).values(status=status))
        db.session.expire_all()
        in_sql = db.session.scalar(
            select(DoseSuggestion.id)
            .join(
                AnticoagulationPlan,
                AnticoagulationPlan.enrollment_id == DoseSuggestion.enrollment_id,
            )
            .where(DoseSuggestion.id == suggestion.id, decision_sql.patient_decides())
        )
        row = db.session.get(DoseSuggestion, suggestion.id)
        plan = db.session.scalar(select(AnticoagulationPlan).where(plan_of))
        in_python = decision.patient_decides(
            suggested_of(row), limits_of(plan), plan.self_managing, earlier_open_inrs(row)
        )
        assert (in_sql is not None) == in_python, (
            inr,
            percent,
            hold,
            contact,
            moved,
            managing,
            limits,
            status,
        )
        checked += in_python
    assert checked > 0  # some of them are the patient's
    db.session.rollback()


# ---- The console and the enrolment page -----------------------------------------------------


def test_the_teams_administrator_sets_its_hours_and_hands_its_patients_over_in_the_console(
    client, world, ak
):
    north = identity.create_care_team(
        world.admin,
        {"name": "AK north", "organisation_id": world.hospital.id, "email": "n@example.invalid"},
    )
    _post_inr(client, token_for(client, "nurse"), world.patient.id, 5.6)
    sign_in(client, "hospital-admin")
    url = f"/admin/teams/{ak.care_team_id}"
    form = client.get(url).get_data(as_text=True)
    assert "Overdrag teamets patienter" in form and "1 aktivt forløb" in form
    assert "Synthetic Patient" not in form  # a count, never who
    saved = client.post(
        url,
        data={
            "name": "AK clinic",
            "email": "ak-clinic@example.invalid",
            "language": "da",
            "opening_hours": "08:00-15:30",
            "out_of_hours_text": "Ring 1813 ved blødning.",
            "member_ids": [u.id for u in ak.care_team.members],
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    team = db.session.get(type(ak.care_team), ak.care_team_id)
    assert (team.opening_hours, team.out_of_hours_text) == (
        "08:00-15:30",
        "Ring 1813 ved blødning.",
    )
    handed = client.post(f"{url}/hand-over", data={"to_team_id": north.id})
    assert handed.status_code == 302
    assert db.session.get(Enrollment, ak.id).care_team_id == north.id
    assert [a.care_team_id for a in _inr_alerts()] == [north.id]
    changes = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "enrollment.hand_over")
    ).all()
    assert [(c.username, c.patient_id) for c in changes] == [("hospital-admin", world.patient.id)]


def test_the_team_sets_self_management_on_the_enrolment_page(client, world, ak):
    sign_in(client, "ak-nurse")
    url = f"/enrollments/{ak.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Selvstyring" in page and 'name="self_inr_above" inputmode="decimal" value="1,5"' in page
    saved = client.post(
        url,
        data={
            "tablet_strength_mg": "2,5",
            "inr_target_low": "2",
            "inr_target_high": "3",
            "self_managing": "on",
            "self_inr_above": "1,8",
            "self_inr_below": "4",
            "self_max_change_percent": "5",
            "self_max_hold_doses": "0",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    plan = _overview(client, "ak-doctor", world.patient.id)
    assert plan["self_managing"] is True
    assert plan["self_management"] == {
        "inr_above": 1.8,
        "inr_below": 4.0,
        "max_change_percent": 5.0,
        "max_hold_doses": 0,
    }
    # Nonsense limits come back in Danish with nothing stored.
    wrong = client.post(
        url, data={"self_inr_above": "4", "self_inr_below": "3"}, follow_redirects=True
    )
    assert wrong.status_code == 422
    assert _overview(client, "ak-doctor", world.patient.id)["self_management"]["inr_above"] == 1.8
