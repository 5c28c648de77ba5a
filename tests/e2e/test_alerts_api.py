"""The COPD loop through HTTP with in-process work: reading -> alert -> mail -> handling."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from telemon.background import jobs
from telemon.extensions import db
from telemon.http import paging
from telemon.models import Alert, IngestBatch, OutgoingMail
from tests.helpers import (
    ALERTS_BASE,
    item,
    mail_text,
    outbox_messages,
    raise_alert,
    token_for,
)


def _post(client, headers, *items):
    response = client.post(
        "/api/v1/observations", json={"observations": list(items)}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_low_spo2_raises_a_red_alert_and_mails_the_team_without_patient_data(
    app, client, world
) -> None:
    nurse = token_for(client, "nurse")
    posted = _post(client, nurse, item(world.patient.id, "spo2", 85))
    clinician = token_for(client, "clinician")
    alerts = client.get("/api/v1/alerts", headers=clinician).get_json()["items"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["severity"] == "red" and alert["rule"] == "threshold.spo2"
    assert alert["status"] == "open" and alert["programme"] == "copd"
    assert alert["observation_ids"] == [posted["observations"][0]["id"]]
    assert "85" in alert["reason"]

    (mail,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert mail["To"] == "lung-team@example.invalid"
    text = mail_text(mail)
    for secret in ("Synthetic Patient", "0101701234", "010170", "85"):
        assert secret not in text
    assert f"http://telemon.test/alerts/{alert['id']}" in text


def test_a_second_red_reading_attaches_and_mails_nothing_new(app, client, world) -> None:
    nurse = token_for(client, "nurse")
    _post(client, nurse, item(world.patient.id, "spo2", 85))
    _post(client, nurse, item(world.patient.id, "spo2", 84))
    alerts = db.session.scalars(select(Alert)).all()
    assert len(alerts) == 1 and len(alerts[0].observations) == 2
    assert len(outbox_messages(app.config["TELEMON_OUTBOX_DIR"])) == 1


def test_severity_rises_but_never_falls(client, world) -> None:
    nurse = token_for(client, "nurse")
    _post(client, nurse, item(world.patient.id, "spo2", 91))  # below warning 92: yellow
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "yellow"
    _post(client, nurse, item(world.patient.id, "spo2", 86))
    db.session.refresh(alert)
    assert alert.severity == "red"
    _post(client, nurse, item(world.patient.id, "spo2", 91))
    db.session.refresh(alert)
    assert alert.severity == "red"
    assert [e.kind for e in alert.events] == [
        "raised",
        "severity_raised",
        "readings_attached",
        "readings_attached",
    ]


def test_spo2_drop_from_own_baseline_is_yellow(client, world) -> None:
    nurse = token_for(client, "nurse")
    now = datetime.now(UTC)
    history = [item(world.patient.id, "spo2", 97, at=now - timedelta(days=d)) for d in range(1, 6)]
    _post(client, nurse, *history)
    _post(client, nurse, item(world.patient.id, "spo2", 93, at=now - timedelta(minutes=1)))
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.rule == "spo2.drop_from_baseline" and alert.severity == "yellow"


def test_list_is_most_severe_first_then_oldest(client, world) -> None:
    nurse = token_for(client, "nurse")
    _post(client, nurse, item(world.patient.id, "pulse", 105))  # yellow, oldest
    _post(client, nurse, item(world.patient.id, "temperature", 38.5))  # yellow
    _post(client, nurse, item(world.patient.id, "spo2", 85))  # red, newest
    items = client.get("/api/v1/alerts", headers=token_for(client, "clinician")).get_json()["items"]
    assert [(a["severity"], a["rule"]) for a in items] == [
        ("red", "threshold.spo2"),
        ("yellow", "threshold.pulse"),
        ("yellow", "threshold.temperature"),
    ]


def test_acknowledge_and_resolve_with_who_when_and_patient_visibility(client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    clinician = token_for(client, "clinician")
    (alert,) = client.get("/api/v1/alerts", headers=clinician).get_json()["items"]
    patient = token_for(client, "patient")
    assert client.get("/api/v1/alerts", headers=patient).get_json()["items"] == []

    ack = client.post(
        f"/api/v1/alerts/{alert['id']}/acknowledge", json={"note": "Calling"}, headers=clinician
    )
    assert ack.status_code == 200
    body = ack.get_json()
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == world.clinician.id
    assert body["acknowledged_at"] and body["first_seen_at"]
    assert client.get("/api/v1/alerts?status=open", headers=clinician).get_json()["items"] == []

    missing_note = client.post(f"/api/v1/alerts/{alert['id']}/resolve", json={}, headers=clinician)
    assert missing_note.status_code == 422 and "note" in missing_note.get_json()["errors"]
    resolved = client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        json={"note": "Talked to the patient; new inhaler plan.", "visible_to_patient": True},
        headers=clinician,
    )
    assert resolved.status_code == 200
    assert resolved.get_json()["resolved_by"] == world.clinician.id
    (seen,) = client.get("/api/v1/alerts?status=resolved", headers=patient).get_json()["items"]
    assert seen["resolution_note"] == "Talked to the patient; new inhaler plan."
    assert [e["kind"] for e in resolved.get_json()["events"]] == [
        "raised",
        "seen",
        "acknowledged",
        "resolved",
    ]


def test_alerts_of_other_patients_are_invisible(client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (alert,) = db.session.scalars(select(Alert)).all()
    other = token_for(client, "other-nurse")
    assert client.get("/api/v1/alerts", headers=other).get_json()["items"] == []
    assert (
        client.post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=other).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=token_for(client, "patient")
        ).status_code
        == 404  # an alert not shown to the patient is not theirs to see, let alone handle
    )


def test_unacknowledged_red_alert_escalates_once(app, client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (alert,) = db.session.scalars(select(Alert)).all()
    app.config["TELEMON_NOW"] = alert.raised_at + timedelta(minutes=29)
    assert jobs.run(jobs.ESCALATE) == 0
    app.config["TELEMON_NOW"] = alert.raised_at + timedelta(minutes=31)
    assert jobs.run(jobs.ESCALATE) == 1
    assert jobs.run(jobs.ESCALATE) == 0
    mails = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert [m["To"] for m in mails] == ["lung-team@example.invalid", "lung-lead@example.invalid"]
    assert "ESKALERET" in mail_text(mails[1]) and "Synthetic" not in mail_text(mails[1])
    db.session.refresh(alert)
    assert alert.escalated_at is not None and alert.events[-1].kind == "escalated"


def test_acknowledged_alert_does_not_escalate(app, client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (alert,) = db.session.scalars(select(Alert)).all()
    client.post(
        f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=token_for(client, "clinician")
    )
    app.config["TELEMON_NOW"] = alert.raised_at + timedelta(hours=2)
    assert jobs.run(jobs.ESCALATE) == 0


def test_missing_measurement_raises_blue_and_arrival_resolves_it(app, client, world) -> None:
    enrolled = world.enrollment.enrolled_at
    app.config["TELEMON_NOW"] = enrolled + timedelta(days=3)
    assert jobs.run(jobs.CHECK_MISSING) == 1
    assert jobs.run(jobs.CHECK_MISSING) == 0  # one open alert per rule
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "blue" and alert.rule == "missing_measurement"
    _post(
        client,
        token_for(client, "nurse"),
        item(world.patient.id, "spo2", 95, at=enrolled + timedelta(days=3) - timedelta(minutes=5)),
    )
    db.session.refresh(alert)
    assert alert.status == "resolved" and alert.resolved_by_id is None


def test_daily_digest_goes_once_per_team_and_day(app, client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "pulse", 105))
    app.config["TELEMON_NOW"] = datetime.now(UTC).replace(hour=10, minute=0)  # 11:00 in Copenhagen
    assert jobs.run(jobs.DIGEST) == 1
    assert jobs.run(jobs.DIGEST) == 0
    digest = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])[-1]
    # Danish: the team's language by default.
    assert "Daglig oversigt" in mail_text(digest) and "Gul: 1" in mail_text(digest)


def test_an_accepted_batch_is_evaluated_even_when_the_broker_was_down(app, client, world) -> None:
    app.config["TELEMON_TASKS_IN_PROCESS"] = False
    app.config["TELEMON_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions["celery"].conf.broker_url = "redis://127.0.0.1:1/0"
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (batch,) = db.session.scalars(select(IngestBatch)).all()
    assert batch.evaluated_at is None
    assert db.session.scalars(select(Alert)).all() == []

    app.config["TELEMON_TASKS_IN_PROCESS"] = True  # the worker is back
    app.config["TELEMON_NOW"] = batch.received_at + timedelta(minutes=5)
    assert jobs.run(jobs.SWEEP)["batches"] == 1
    db.session.refresh(batch)
    assert batch.evaluated_at is not None
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red"
    assert jobs.run(jobs.SWEEP) == {"batches": 0, "mails": 0}


def test_evaluating_a_batch_twice_changes_nothing(app, client, world) -> None:
    _post(client, token_for(client, "nurse"), item(world.patient.id, "spo2", 85))
    (batch,) = db.session.scalars(select(IngestBatch)).all()
    batch.evaluated_at = None  # as if a worker died after evaluating, before acking
    db.session.commit()
    jobs.run(jobs.EVALUATE_BATCH, batch.id)
    assert len(db.session.scalars(select(Alert)).all()) == 1
    assert len(db.session.scalars(select(OutgoingMail)).all()) == 1


# --- paging -----------------------------------------------------------------------------------


def read_all(client, headers, query: str) -> tuple[list[int], list[list[int]]]:
    """Follow `next` from the first page to the last: every id in order, and the pages."""
    pages: list[list[int]] = []
    after = ""
    while True:
        body = client.get(f"/api/v1/alerts?{query}{after}", headers=headers).get_json()
        pages.append([a["id"] for a in body["items"]])
        if body["next"] is None:
            return [i for p in pages for i in p], pages
        assert len(pages) < 50, "the cursor does not advance"
        after = f"&after={body['next']}"


def test_pages_visit_every_alert_once_most_severe_then_oldest_then_id(client, world) -> None:
    e = world.enrollment
    a = raise_alert(e, "test.a", "yellow", 10)
    b = raise_alert(e, "test.b", "red", 30)
    c = raise_alert(e, "test.c", "blue", 0)
    d = raise_alert(e, "test.d", "red", 30)  # raised with b: the id decides, across pages
    f = raise_alert(e, "test.f", "yellow", 5)
    g = raise_alert(e, "test.g", "red", 20)
    h = raise_alert(e, "test.h", "yellow", 10)  # raised with a
    resolved = raise_alert(e, "test.resolved", "red", 1)
    clinician = token_for(client, "clinician")
    client.post(f"/api/v1/alerts/{resolved}/resolve", json={"note": "Done."}, headers=clinician)

    ids, pages = read_all(client, clinician, "limit=2")
    assert pages == [[g, b], [d, f], [a, h], [c]]
    assert ids == [g, b, d, f, a, h, c]

    exact = client.get("/api/v1/alerts?limit=7", headers=clinician).get_json()
    assert [x["id"] for x in exact["items"]] == ids and exact["next"] is None
    whole = client.get("/api/v1/alerts", headers=clinician).get_json()
    assert [x["id"] for x in whole["items"]] == ids and whole["next"] is None

    first = client.get("/api/v1/alerts?limit=2", headers=clinician).get_json()
    cursor = base64.urlsafe_b64decode(first["next"] + "==").decode()
    assert "Synthetic" not in cursor and "0101701234" not in cursor


def test_the_cursor_keeps_to_the_filters_and_the_patients_view(client, world) -> None:
    from telemon.patients import service as patients

    second = patients.create_patient(
        world.clinician,
        {"cpr": "0202802345", "name": "Second Patient", "birth_date": date(1980, 2, 2)},
    )
    second_enrollment = patients.enroll(
        world.clinician, second.id, {"programme": "copd", "care_team_id": world.lung_team.id}
    )
    one = world.enrollment
    one_red = raise_alert(one, "test.one-red", "red", 0)
    one_yellow = raise_alert(one, "test.one-yellow", "yellow", 1)
    one_late = raise_alert(one, "test.one-late", "yellow", 2)
    one_blue = raise_alert(one, "test.one-blue", "blue", 3)
    two_red = raise_alert(second_enrollment, "test.two-red", "red", 0)
    two_yellow = raise_alert(second_enrollment, "test.two-yellow", "yellow", 4)
    two_late = raise_alert(second_enrollment, "test.two-late", "yellow", 5)
    clinician = token_for(client, "clinician")
    for alert_id in (one_yellow, two_late, one_blue):
        client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={}, headers=clinician)

    assert read_all(client, clinician, "status=acknowledged&limit=1")[0] == [
        one_yellow,
        two_late,
        one_blue,
    ]
    assert read_all(client, clinician, f"patient_id={second.id}&limit=1")[0] == [
        two_red,
        two_yellow,
        two_late,
    ]
    assert read_all(client, clinician, f"patient_id={second.id}&status=open&limit=1")[0] == [
        two_red,
        two_yellow,
    ]
    assert read_all(client, clinician, "status=open&limit=1")[0] == [
        one_red,
        two_red,
        one_late,
        two_yellow,
    ]

    # The patient pages through the notes shared with them only: no empty or short pages.
    for alert_id, shown in ((one_red, True), (one_yellow, False), (one_late, True)):
        client.post(
            f"/api/v1/alerts/{alert_id}/resolve",
            json={"note": "Talked it through.", "visible_to_patient": shown},
            headers=clinician,
        )
    ids, pages = read_all(client, token_for(client, "patient"), "status=resolved&limit=1")
    assert pages == [[one_red], [one_late]]


@pytest.mark.parametrize(
    "after",
    [
        "nonsense",
        "",
        base64.urlsafe_b64encode(b'{"rank": 3}').decode(),
        base64.urlsafe_b64encode(b'[3, "2025-01-06T09:00:00", 1]').decode(),  # no offset
        base64.urlsafe_b64encode(b'[3, "yesterday", 1]').decode(),
        base64.urlsafe_b64encode(b'[true, "2025-01-06T09:00:00+00:00", 1]').decode(),
        paging.encode((3, ALERTS_BASE, "alert", 1)),  # the web queue's cursor
        paging.encode((3, ALERTS_BASE, 2**70)),
    ],
)
def test_a_malformed_cursor_is_a_422_naming_after(client, world, after: str) -> None:
    response = client.get(
        "/api/v1/alerts", query_string={"after": after}, headers=token_for(client, "clinician")
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["after"]


@pytest.mark.parametrize("language", ["da", "en", None])
def test_the_list_is_written_as_the_alert_schema_dumps_it(app, client, world, language) -> None:
    """GET /api/v1/alerts writes its body from rows (schemas.alert_list_body), not through
    marshmallow: the JSON is the AlertList schema's dump of the same alerts, in either language,
    with readings attached, several reasons, acknowledged and resolved ones."""
    from telemon.alerts import queries, schemas
    from telemon.models import User

    nurse = token_for(client, "nurse")
    _post(client, nurse, item(world.patient.id, "spo2", 85))
    _post(client, nurse, item(world.patient.id, "spo2", 84))  # attaches a second reading
    _post(client, nurse, item(world.patient.id, "pulse", 105))
    _post(client, nurse, item(world.patient.id, "temperature", 37.5))
    raise_alert(world.enrollment, "test.text", "blue", 5)
    clinician = token_for(client, "clinician")
    (pulse,) = [a.id for a in db.session.scalars(select(Alert).where(Alert.measurement == "pulse"))]
    client.post(f"/api/v1/alerts/{pulse}/acknowledge", json={"note": "Calling"}, headers=clinician)
    headers = {**clinician, **({"Accept-Language": language} if language else {})}

    for query in ("", "?limit=2", "?status=acknowledged"):
        answer = client.get(f"/api/v1/alerts{query}", headers=headers)
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        with app.test_request_context(headers=headers):
            user = db.session.get(User, world.clinician.id)
            limit = 2 if "limit" in query else 200
            f = queries.AlertFilter(status="acknowledged" if "status" in query else None)
            page = queries.alert_list(user, f, limit)
            dumped = schemas.AlertList().dump({"items": page.items, "next": page.next})
        assert answer.get_json() == dumped
        assert dumped["items"], query
    written = client.get("/api/v1/alerts", headers=headers).get_json()["items"]
    spo2 = next(a for a in written if a["measurement"] == "spo2")
    assert len(spo2["observation_ids"]) == 2 and spo2["reason"]
