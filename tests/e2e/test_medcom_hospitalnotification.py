"""MedCom HospitalNotification in (issue 24, points 4 and 6): messages built to the profiles
(tests/medcom.py) posted to POST /fhir/$process-message by the broker's messaging account, in
the orders MedCom's test scripts send them; the patient's enrolments, blue alerts and readings
follow, and every answer is a valid Acknowledgement. On PostgreSQL, through HTTP."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from telemon import clock
from telemon.background import jobs
from telemon.extensions import db
from telemon.models import (
    Alert,
    AuditEvent,
    DischargeFollowUp,
    Enrollment,
    HospitalStay,
    Observation,
    OutgoingMail,
    ReceivedMessage,
)
from tests.helpers import create_broker, item, raise_alert, token_for
from tests.medcom import check_acknowledgement, header_id, notification

URL = "/fhir/$process-message"
MONDAY = date(2026, 11, 23)


def _at(app, day: date, hour: int = 12) -> datetime:
    moment = datetime.combine(day, time(hour), tzinfo=clock.COPENHAGEN)
    app.config["TELEMON_NOW"] = moment
    return moment


@pytest.fixture
def broker(app, client, world):
    """The region's message broker: a messaging account of the hospital's organisation."""
    create_broker(world)
    # Enrolled a week before: a patient who measured nothing since would be missing.
    _at(app, MONDAY - timedelta(days=7))
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == world.enrollment.id)
        .values(enrolled_at=clock.now())
    )
    db.session.commit()
    return "broker"


def _send(client, broker, message, code: str = "ok") -> dict:
    """Deliver as the broker (signed in at the test's time: tokens expire)."""
    headers = {**token_for(client, broker), "Content-Type": "application/fhir+json"}
    answer = client.post(URL, json=message, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.mimetype == "application/fhir+json"
    ack = answer.get_json()
    check_acknowledgement(ack, message, code)
    return ack


def _enrolment(world) -> Enrollment:
    db.session.expire_all()
    return db.session.get(Enrollment, world.enrollment.id)


def _blue(world) -> list[Alert]:
    return db.session.scalars(
        select(Alert).where(
            Alert.enrollment_id == world.enrollment.id,
            Alert.severity == "blue",
            Alert.status != "resolved",
        )
    ).all()


def _reading(client, world, at: datetime) -> Observation:
    body = {"observations": [item(world.patient.id, "spo2", 95, at, performer="patient")]}
    answer = client.post("/api/v1/observations", json=body, headers=token_for(client, "patient"))
    assert answer.status_code in (200, 201), answer.get_json()
    (row,) = answer.get_json()["observations"]
    db.session.expire_all()
    return db.session.get(Observation, row["id"])


def test_admission_then_discharge(app, client, world, broker) -> None:
    _at(app, MONDAY, 9)
    assert jobs.run(jobs.CHECK_MISSING) == 1  # nothing measured for a week: blue
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-1", start=admitted)
    _send(client, broker, stin)
    enrollment = _enrolment(world)
    assert (enrollment.paused_from, enrollment.paused_until) == (MONDAY, None)
    assert enrollment.pause_reason == "admitted" and enrollment.pause_stay_id is not None
    assert _blue(world) == []  # nothing is expected of an admitted patient
    stay = db.session.get(HospitalStay, enrollment.pause_stay_id)
    assert (stay.status, stay.department) == (
        "admitted",
        "Lungemedicinsk afdeling, Syntetisk Hospital",
    )
    # Days in hospital raise nothing; a reading taken on the ward is kept and marked.
    for day in range(1, 4):
        _at(app, MONDAY + timedelta(days=day), 23)
        assert jobs.run(jobs.CHECK_MISSING) == 0
    on_ward = _reading(client, world, admitted + timedelta(days=1))
    before = _reading(client, world, admitted - timedelta(hours=2))
    assert on_ward.during_admission and not before.during_admission
    listed = client.get(
        f"/api/v1/patients/{world.patient.id}/observations",
        headers=token_for(client, "clinician"),
    ).get_json()["items"]
    assert {o["id"]: o["during_admission"] for o in listed} == {on_ward.id: True, before.id: False}
    # Discharged on Thursday at 14:00: measurements resume, the schedule counting from then.
    discharged = _at(app, MONDAY + timedelta(days=3), 14)
    slhj = notification(
        "SLHJ",
        cpr=world.patient.cpr,
        episode="ep-1",
        start=admitted,
        end=discharged,
        history=[(header_id(stin), "admit-inpatient")],
    )
    _send(client, broker, slhj)
    enrollment = _enrolment(world)
    assert (enrollment.paused_from, enrollment.paused_until) == (MONDAY, MONDAY + timedelta(days=2))
    assert enrollment.monitoring_restarted_at == discharged
    _at(app, MONDAY + timedelta(days=3), 16)
    after = _reading(client, world, discharged + timedelta(hours=1))
    assert not after.during_admission
    # The home nurse's work item: "udskrevet: genoptag målinger".
    (follow_up,) = db.session.scalars(select(DischargeFollowUp)).all()
    assert (follow_up.patient_id, follow_up.discharged_at, follow_up.done_at) == (
        world.patient.id,
        discharged,
        None,
    )
    # A daily schedule: Friday's measurement is due, missing after Friday (+ grace).
    _at(app, MONDAY + timedelta(days=4), 23)
    assert jobs.run(jobs.CHECK_MISSING) == 0
    _at(app, MONDAY + timedelta(days=6), 9)
    assert jobs.run(jobs.CHECK_MISSING) == 1


def test_admission_then_cancellation(app, client, world, broker) -> None:
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-2", start=admitted)
    _send(client, broker, stin)
    _at(app, MONDAY, 13)
    ward = _reading(client, world, admitted + timedelta(hours=2))
    assert ward.during_admission
    _at(app, MONDAY + timedelta(days=1), 9)
    an = notification(
        "STIN",
        cpr=world.patient.cpr,
        episode="ep-2",
        start=admitted,
        action="cancel",
        refers_to=header_id(stin),
        history=[(header_id(stin), "admit-inpatient")],
    )
    _send(client, broker, an)
    enrollment = _enrolment(world)
    # As a manual resume: measurements are expected again from today.
    assert (enrollment.paused_from, enrollment.paused_until) == (MONDAY, MONDAY)
    assert enrollment.pause_stay_id is None
    stay = db.session.scalar(select(HospitalStay))
    assert stay.status == "cancelled"
    assert not db.session.get(Observation, ward.id).during_admission
    assert db.session.scalar(select(func.count(DischargeFollowUp.id))) == 0


def test_a_leave_keeps_monitoring_paused(app, client, world, broker) -> None:
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-3", start=admitted)
    _send(client, broker, stin)
    leave_start = _at(app, MONDAY + timedelta(days=1), 15)
    stor = notification(
        "STOR", cpr=world.patient.cpr, episode="ep-3", start=admitted, leave=(leave_start, None)
    )
    _send(client, broker, stor)
    stay = db.session.scalar(select(HospitalStay))
    assert (stay.status, stay.leave_since) == ("on_leave", leave_start)
    assert _enrolment(world).paused_until is None  # still paused: the stay goes on
    _at(app, MONDAY + timedelta(days=1), 18)
    at_home = _reading(client, world, leave_start + timedelta(hours=2))
    assert not at_home.during_admission  # taken at home on leave
    leave_end = _at(app, MONDAY + timedelta(days=2), 18)
    slor = notification(
        "SLOR",
        cpr=world.patient.cpr,
        episode="ep-3",
        start=admitted,
        leave=(leave_start, leave_end),
    )
    _send(client, broker, slor)
    db.session.expire_all()
    stay = db.session.scalar(select(HospitalStay))
    assert stay.status == "admitted" and stay.leave_since is None
    enrollment = _enrolment(world)
    assert (enrollment.paused_from, enrollment.paused_until) == (MONDAY, None)
    assert not db.session.get(Observation, at_home.id).during_admission
    _at(app, MONDAY + timedelta(days=4), 23)
    assert jobs.run(jobs.CHECK_MISSING) == 0


def test_death_ends_monitoring_resolves_alerts_and_withdraws_mail(app, client, world, broker):
    alert_id = raise_alert(world.enrollment, "spo2_low", "red", 0)
    db.session.add(
        OutgoingMail(
            event_key=f"alert:{alert_id}:red",
            recipient="lung-team@example.invalid",
            subject="Rødt alarm",
            body="…",
            created_at=clock.now(),
        )
    )
    db.session.commit()
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-4", start=admitted)
    _send(client, broker, stin)
    died = _at(app, MONDAY + timedelta(days=2), 6)
    mors = notification("MORS", cpr=world.patient.cpr, episode="ep-4", start=admitted, end=died)
    _send(client, broker, mors)
    enrollment = _enrolment(world)
    assert (enrollment.status, enrollment.end_reason, enrollment.ended_at) == (
        "ended",
        "deceased",
        died,
    )
    alert = db.session.get(Alert, alert_id)
    assert alert.status == "resolved"
    assert alert.resolution_note == "Monitoring ended: the patient has died."
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0  # no more mail
    assert db.session.scalar(select(HospitalStay.status)) == "died"
    _at(app, MONDAY + timedelta(days=9), 9)
    assert jobs.run(jobs.CHECK_MISSING) == 0


def test_a_correction_moves_the_admission_and_the_discharge(app, client, world, broker) -> None:
    admitted = _at(app, MONDAY + timedelta(days=1), 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-5", start=admitted)
    _send(client, broker, stin)
    assert _enrolment(world).paused_from == MONDAY + timedelta(days=1)
    # The patient came in on Monday evening, not Tuesday: RE_STIN.
    earlier = datetime.combine(MONDAY, time(21), tzinfo=clock.COPENHAGEN)
    re_stin = notification(
        "STIN",
        cpr=world.patient.cpr,
        episode="ep-5",
        start=earlier,
        action="revise",
        refers_to=header_id(stin),
        history=[(header_id(stin), "admit-inpatient")],
    )
    _send(client, broker, re_stin)
    assert _enrolment(world).paused_from == MONDAY
    assert db.session.scalar(select(HospitalStay.admitted_at)) == earlier
    discharged = _at(app, MONDAY + timedelta(days=4), 11)
    slhj = notification(
        "SLHJ", cpr=world.patient.cpr, episode="ep-5", start=earlier, end=discharged
    )
    _send(client, broker, slhj)
    # The discharge was on Thursday, not Friday: RE_SLHJ.
    corrected = discharged - timedelta(days=1)
    re_slhj = notification(
        "SLHJ",
        cpr=world.patient.cpr,
        episode="ep-5",
        start=earlier,
        end=corrected,
        action="revise",
        refers_to=header_id(slhj),
    )
    _send(client, broker, re_slhj)
    enrollment = _enrolment(world)
    assert enrollment.monitoring_restarted_at == corrected
    assert enrollment.paused_until == MONDAY + timedelta(days=2)
    assert db.session.scalar(select(DischargeFollowUp.discharged_at)) == corrected


def test_a_duplicate_delivery_is_answered_alike_and_changes_nothing(app, client, world, broker):
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-6", start=admitted)
    first = _send(client, broker, stin)
    _at(app, MONDAY, 11)
    again = _send(client, broker, stin)
    assert again == first
    assert db.session.scalar(select(func.count(ReceivedMessage.id))) == 1
    assert db.session.scalar(select(func.count(HospitalStay.id))) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("medcom.%"))
    ).all()
    assert sorted(actions) == ["medcom.receive", "medcom.receive_again"]


def test_an_unknown_patient_is_answered_and_kept(app, client, world, broker) -> None:
    admitted = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr="0202021234", episode="ep-7", start=admitted)
    ack = _send(client, broker, stin)
    (outcome,) = [
        e["resource"] for e in ack["entry"] if e["resource"]["resourceType"] == "OperationOutcome"
    ]
    assert outcome["issue"][0]["severity"] == "information"
    kept = db.session.scalar(select(ReceivedMessage))
    assert (kept.outcome, kept.patient_id, kept.event) == ("unknown_patient", None, "STIN")
    assert _enrolment(world).paused_from is None


def test_what_telemon_does_not_take_is_answered_with_an_error_and_kept(
    app, client, world, broker
) -> None:
    admitted = _at(app, MONDAY, 10)
    other = notification("STIN", cpr=world.patient.cpr, episode="ep-8", start=admitted)
    other["entry"][0]["resource"]["eventCoding"]["code"] = "some-other-message"
    ack = _send(client, broker, other, "fatal-error")
    assert "not received here" in ack["entry"][-1]["resource"]["issue"][0]["details"]["text"]
    broken = notification("STIN", cpr="12", episode="ep-8", start=admitted)
    ack = _send(client, broker, broken, "fatal-error")
    assert "CPR" in ack["entry"][-1]["resource"]["issue"][0]["details"]["text"]
    outcomes = db.session.scalars(select(ReceivedMessage.outcome)).all()
    assert outcomes == ["refused", "refused"]
    assert _enrolment(world).paused_from is None


def test_only_the_messaging_account_delivers(app, client, world, broker) -> None:
    stin = notification("STIN", cpr=world.patient.cpr, episode="e", start=_at(app, MONDAY))
    assert client.post(URL, json=stin).status_code == 401
    refused = client.post(URL, json=stin, headers=token_for(client, "clinician"))
    assert refused.status_code == 403
    assert refused.get_json()["resourceType"] == "OperationOutcome"
    # Without an envelope there is nothing to acknowledge: an OperationOutcome, 422.
    broker_token = token_for(client, broker)
    broken = client.post(
        URL, json={"resourceType": "Bundle", "type": "message"}, headers=broker_token
    )
    assert broken.status_code == 422
    assert broken.get_json()["issue"][0]["expression"] == ["Bundle.entry"]
    # The messaging account sees no patient and has no pages.
    patient_url = f"/fhir/Patient/{world.patient.id}"
    assert client.get(patient_url, headers=broker_token).status_code == 404
    assert db.session.scalar(select(func.count(ReceivedMessage.id))) == 0


def test_a_manual_pause_says_who_did_it(app, client, world) -> None:
    _at(app, MONDAY)
    clinician = token_for(client, "clinician")
    url = f"/api/v1/enrollments/{world.enrollment.id}"
    paused = client.post(
        f"{url}/pause",
        json={"paused_from": MONDAY.isoformat(), "reason": "holiday"},
        headers=clinician,
    )
    assert paused.status_code == 200, paused.get_json()
    assert _enrolment(world).paused_by_id == world.clinician.id
    _at(app, MONDAY + timedelta(days=2))
    clinician = token_for(client, "clinician")
    assert client.post(f"{url}/resume", headers=clinician).status_code == 200
    assert _enrolment(world).resumed_by_id == world.clinician.id


def test_messages_whose_ids_do_not_link_still_follow_the_stay(app, client, world, broker):
    """MedCom's converted test fixtures give every example its own episode of care and name
    earlier messages by ids that were never sent: sent in order, the enrolment still follows."""
    cpr = world.patient.cpr
    admitted = _at(app, MONDAY, 10)
    _send(client, broker, notification("STIN", cpr=cpr, episode="ep-a", start=admitted))
    assert _enrolment(world).paused_from == MONDAY
    leave = _at(app, MONDAY + timedelta(days=1), 14)
    stor = notification("STOR", cpr=cpr, episode="ep-b", start=admitted, leave=(leave, None))
    _send(client, broker, stor)
    _send(client, broker, stor)  # a duplicate delivery
    back = _at(app, MONDAY + timedelta(days=1), 20)
    slor = notification("SLOR", cpr=cpr, episode="ep-c", start=admitted, leave=(leave, back))
    _send(client, broker, slor)
    assert db.session.scalar(select(func.count(HospitalStay.id))) == 1
    assert _enrolment(world).paused_until is None
    discharged = _at(app, MONDAY + timedelta(days=3), 11)
    slhj = notification("SLHJ", cpr=cpr, episode="ep-d", start=admitted, end=discharged)
    _send(client, broker, slhj)
    assert _enrolment(world).paused_until == MONDAY + timedelta(days=2)
    _at(app, MONDAY + timedelta(days=3), 12)
    an_slhj = notification(
        "SLHJ",
        cpr=cpr,
        episode="ep-e",
        start=admitted,
        end=discharged,
        action="cancel",
        refers_to="b9b4818e-02de-4cc4-b418-d20cbc399006",
    )
    ack = _send(client, broker, an_slhj)
    assert any(
        e["resource"]["resourceType"] == "OperationOutcome" for e in ack["entry"]
    )  # says the message it names was not received here
    enrollment = _enrolment(world)
    assert (enrollment.paused_from, enrollment.paused_until) == (MONDAY, None)
    assert db.session.scalar(select(func.count(DischargeFollowUp.id))) == 0
    died = _at(app, MONDAY + timedelta(days=4), 6)
    _send(client, broker, notification("MORS", cpr=cpr, episode="ep-f", start=admitted, end=died))
    assert _enrolment(world).status == "ended"
    assert db.session.scalar(select(HospitalStay.status)) == "died"
