"""The pure MedCom modules: the envelope, a HospitalNotification read as an event, a stay
replayed from its notifications, and the Acknowledgement built as the profiles require."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest

from telemon.medcom import hospitalnotification as hn
from telemon.medcom import messaging
from telemon.medcom.acknowledgement import FATAL_ERROR, OK, AckIds, AckIssue, acknowledgement
from telemon.medcom.stay import Status, effective, in_hospital_at, replay
from tests.medcom import check_acknowledgement, header_id, notification

CET = timezone(timedelta(hours=1))
ADMITTED = datetime(2026, 3, 1, 12, 0, tzinfo=CET)
CPR = "0101701234"


def read(message: dict) -> hn.Notification:
    return hn.parse(message, messaging.envelope(message))


def test_the_envelope_names_the_message_its_sender_and_receiver() -> None:
    message = notification("STIN", cpr=CPR, episode="ep-1", start=ADMITTED)
    env = messaging.envelope(message)
    assert env.message_id == header_id(message)
    assert env.event == messaging.HOSPITAL_NOTIFICATION
    assert env.sender.sor == "265161000016000" and env.receiver.sor == "953741000016009"
    assert env.source_endpoint.endswith("265161000016000")
    assert env.provenance is not None


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        (lambda m: m.update(type="collection"), "Bundle.type"),
        (lambda m: m["entry"].reverse(), "Bundle.entry[0].resource"),
        (lambda m: m["entry"][0]["resource"].pop("id"), "Bundle.entry[0].resource.id"),
        (
            lambda m: m["entry"][0]["resource"].pop("eventCoding"),
            "Bundle.entry[0].resource.eventCoding",
        ),
        (lambda m: m["entry"][0]["resource"].pop("sender"), "Bundle.entry[0].resource.sender"),
        (lambda m: m["entry"][0]["resource"].pop("source"), "Bundle.entry[0].resource.source"),
    ],
)
def test_an_envelope_that_cannot_be_answered_is_refused(change, expression) -> None:
    message = notification("STIN", cpr=CPR, episode="ep-1", start=ADMITTED)
    change(message)
    with pytest.raises(messaging.MessageError) as error:
        messaging.envelope(message)
    assert error.value.expression == expression


def test_the_dispatch_table_takes_known_events_only() -> None:
    env = messaging.envelope(notification("STIN", cpr=CPR, episode="e", start=ADMITTED))
    assert messaging.receiver_for({messaging.HOSPITAL_NOTIFICATION: "hn"}, env) == "hn"
    assert messaging.receiver_for({"care-communication-message": "cc"}, env) is None


def test_an_admission_is_read_with_department_time_and_episode() -> None:
    note = read(notification("STIN", cpr=CPR, episode="ep-1", start=ADMITTED))
    assert (note.event, note.action, note.code) == (hn.Event.ADMITTED, hn.Action.NEW, "STIN")
    assert note.cpr == CPR and note.episode == "ep-1"
    assert note.started_at == ADMITTED and note.ended_at is None
    assert note.department.startswith("Lungemedicinsk")


@pytest.mark.parametrize(
    ("event", "kwargs", "code"),
    [
        ("STAA", {}, "STAA"),
        ("STOR", {"leave": (ADMITTED + timedelta(days=2), None)}, "STOR"),
        ("SLOR", {"leave": (ADMITTED + timedelta(days=2), ADMITTED + timedelta(days=3))}, "SLOR"),
        ("SLHJ", {"end": ADMITTED + timedelta(days=5)}, "SLHJ"),
        ("MORS", {"end": ADMITTED + timedelta(days=5)}, "MORS"),
    ],
)
def test_each_event_is_read(event, kwargs, code) -> None:
    note = read(notification(event, cpr=CPR, episode="ep-1", start=ADMITTED, **kwargs))
    assert note.code == code


def test_a_cancellation_and_a_correction_name_the_message_they_concern() -> None:
    first = notification("STIN", cpr=CPR, episode="ep-1", start=ADMITTED)
    history = [(header_id(first), "admit-inpatient")]
    cancel = notification(
        "STIN",
        cpr=CPR,
        episode="ep-1",
        start=ADMITTED,
        action="cancel",
        refers_to=header_id(first),
        history=history,
    )
    revise = notification(
        "STIN",
        cpr=CPR,
        episode="ep-1",
        start=ADMITTED + timedelta(hours=1),
        action="revise",
        refers_to=header_id(first),
        history=history,
    )
    assert (read(cancel).code, read(cancel).refers_to) == ("AN_STIN", header_id(first))
    assert (read(revise).code, read(revise).refers_to) == ("RE_STIN", header_id(first))


def test_a_correction_without_the_message_it_corrects_is_refused() -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED, action="revise")
    with pytest.raises(hn.NotificationError, match="must name the message"):
        read(message)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda m: m["entry"].pop(1), "exactly one Patient"),
        (lambda m: m["entry"][1]["resource"]["identifier"][0].update(value="12345"), "CPR"),
        (lambda m: m["entry"][2]["resource"].update(status="planned"), "status"),
        (lambda m: m["entry"][2]["resource"].pop("episodeOfCare"), "episode"),
        (
            lambda m: m["entry"][2]["resource"]["period"].update(start="2026-03-01T12:00:00"),
            "offset",
        ),
        (lambda m: m["entry"][2]["resource"].pop("serviceProvider"), "serviceProvider"),
        (lambda m: m["entry"].pop(5), "No Provenance"),
    ],
)
def test_a_notification_breaking_the_profile_is_refused_with_the_reason(change, match) -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    change(message)
    with pytest.raises(hn.NotificationError, match=match):
        read(message)


def test_an_activity_telemon_does_not_act_on_is_told_apart() -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    message["entry"][5]["resource"]["activity"]["coding"][0]["code"] = "admit-outpatient"
    with pytest.raises(hn.UnknownEvent):
        read(message)


def test_the_older_terminology_namespace_is_read_too() -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    coding = message["entry"][5]["resource"]["activity"]["coding"][0]
    coding["system"] = messaging.TERMINOLOGY_OLD + messaging.ACTIVITY_CODES
    assert read(message).code == "STIN"


# ---- the stay ---------------------------------------------------------------------------------


def stay_of(*messages: dict):
    return replay(read(m) for m in messages)


def test_admission_then_discharge() -> None:
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    assert stay_of(stin).status == Status.ADMITTED
    discharged = ADMITTED + timedelta(days=4)
    slhj = notification("SLHJ", cpr=CPR, episode="e", start=ADMITTED, end=discharged)
    stay = stay_of(stin, slhj)
    assert (stay.status, stay.admitted_at, stay.ended_at) == (
        Status.DISCHARGED,
        ADMITTED,
        discharged,
    )
    # Delivered out of order (a broker's retry): the same stay.
    assert stay_of(slhj, stin) == stay


def test_a_cancelled_admission_never_was() -> None:
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    an = notification(
        "STIN", cpr=CPR, episode="e", start=ADMITTED, action="cancel", refers_to=header_id(stin)
    )
    assert stay_of(stin, an).status == Status.CANCELLED
    assert not in_hospital_at(stay_of(stin, an), ADMITTED + timedelta(hours=1))


def test_a_cancelled_discharge_leaves_the_patient_admitted() -> None:
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    slhj = notification(
        "SLHJ", cpr=CPR, episode="e", start=ADMITTED, end=ADMITTED + timedelta(days=1)
    )
    an = notification(
        "SLHJ",
        cpr=CPR,
        episode="e",
        start=ADMITTED,
        end=ADMITTED + timedelta(days=1),
        action="cancel",
        refers_to=header_id(slhj),
    )
    stay = stay_of(stin, slhj, an)
    assert (stay.status, stay.ended_at) == (Status.ADMITTED, None)


def test_a_correction_moves_the_admission_and_its_own_cancellation_undoes_both() -> None:
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    later = ADMITTED + timedelta(hours=3)
    re = notification(
        "STIN", cpr=CPR, episode="e", start=later, action="revise", refers_to=header_id(stin)
    )
    assert stay_of(stin, re).admitted_at == later
    an = notification(
        "STIN", cpr=CPR, episode="e", start=later, action="cancel", refers_to=header_id(re)
    )
    assert stay_of(stin, re, an).status == Status.CANCELLED
    # A cancellation naming a message never received concerns the latest standing message
    # of its event (MedCom's converted test fixtures do not link their ids); with none, it
    # changes nothing.
    stray = notification(
        "STIN", cpr=CPR, episode="e", start=ADMITTED, action="cancel", refers_to="unknown"
    )
    assert effective([read(stin), read(stray)]) == []
    stray_discharge = notification(
        "SLHJ",
        cpr=CPR,
        episode="e",
        start=ADMITTED,
        end=later,
        action="cancel",
        refers_to="unknown",
    )
    assert [n.message_id for n in effective([read(stin), read(stray_discharge)])] == [
        header_id(stin)
    ]


def test_a_leave_is_time_at_home_inside_the_stay() -> None:
    leave_start, leave_end = ADMITTED + timedelta(days=1), ADMITTED + timedelta(days=2)
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    stor = notification("STOR", cpr=CPR, episode="e", start=ADMITTED, leave=(leave_start, None))
    on_leave = stay_of(stin, stor)
    assert (on_leave.status, on_leave.leave_since) == (Status.ON_LEAVE, leave_start)
    assert on_leave.in_hospital  # still admitted: monitoring stays paused
    slor = notification(
        "SLOR", cpr=CPR, episode="e", start=ADMITTED, leave=(leave_start, leave_end)
    )
    back = stay_of(stin, stor, slor)
    assert back.status == Status.ADMITTED and back.leaves == ((leave_start, leave_end),)
    assert in_hospital_at(back, ADMITTED + timedelta(hours=1))
    assert not in_hospital_at(back, leave_start + timedelta(hours=1))
    assert in_hospital_at(back, leave_end)  # back on the ward from the leave's end


def test_death_is_final() -> None:
    stin = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    died = ADMITTED + timedelta(days=2)
    mors = notification("MORS", cpr=CPR, episode="e", start=ADMITTED, end=died)
    stay = stay_of(stin, mors)
    assert (stay.status, stay.ended_at) == (Status.DIED, died)
    assert not in_hospital_at(stay, died)


# ---- the acknowledgement ---------------------------------------------------------------------

IDS = AckIds(
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
)
NOW = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)


def test_an_ok_acknowledgement_meets_the_profile() -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    before = copy.deepcopy(message)
    ack = acknowledgement(messaging.envelope(message), OK, [], IDS, NOW)
    check_acknowledgement(ack, message, "ok")
    assert message == before  # the answer shares nothing with the message
    assert not [e for e in ack["entry"] if e["resource"]["resourceType"] == "OperationOutcome"]


def test_an_error_acknowledgement_says_why() -> None:
    message = notification("STIN", cpr=CPR, episode="e", start=ADMITTED)
    issue = AckIssue("The Patient has no CPR number.", "invalid", expression="Bundle.entry[1]")
    ack = acknowledgement(messaging.envelope(message), FATAL_ERROR, [issue], IDS, NOW)
    check_acknowledgement(ack, message, "fatal-error")
    outcome = ack["entry"][-1]["resource"]
    assert outcome["issue"][0]["details"]["text"] == "The Patient has no CPR number."
    with pytest.raises(ValueError, match="needs an issue"):
        acknowledgement(messaging.envelope(message), FATAL_ERROR, [], IDS, NOW)
