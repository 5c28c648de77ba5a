"""Editing, pausing and ending enrolments (issue 12, item 3) through HTTP and the periodic
checks, on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import product

import pytest
from sqlalchemy import select, update

from telemon import clock, monitoring
from telemon.background import jobs
from telemon.extensions import db
from telemon.models import Alert, AuditEvent, Enrollment
from telemon.monitoring_sql import monitored_on
from tests.helpers import enrol_in_anticoagulation, raise_alert, sign_in, token_for


def _at(app, day: date, hour: int = 12) -> None:
    app.config["TELEMON_NOW"] = datetime.combine(day, time(hour), tzinfo=clock.COPENHAGEN)


@pytest.fixture
def ak(app, world):
    return enrol_in_anticoagulation(app, world)


def _changes(action: str) -> list[AuditEvent]:
    """The audit entries recording a change (the access itself is an entry of its own)."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.changes.is_not(None))
    ).all()


def _blue(enrollment_id: int) -> list[Alert]:
    return db.session.scalars(
        select(Alert).where(
            Alert.enrollment_id == enrollment_id,
            Alert.severity == "blue",
            Alert.status != "resolved",
        )
    ).all()


def test_the_sql_condition_says_what_the_pure_rule_says(app, world) -> None:
    today = date(2026, 3, 4)
    days = (None, date(2026, 3, 2), today, date(2026, 3, 6))
    cases = [
        (status, start, end)
        for status, start, end in product(("active", "ended"), days, days)
        if start is not None or end is None
    ]
    enrollment_id = world.enrollment.id
    for status, start, end in cases:
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.id == enrollment_id)
            .values(status=status, paused_from=start, paused_until=end)
        )
        in_sql = db.session.scalar(
            select(Enrollment.id).where(Enrollment.id == enrollment_id, monitored_on(today))
        )
        assert (in_sql is not None) == monitoring.is_monitored(status, start, end, today), (
            status,
            start,
            end,
        )
    db.session.rollback()


def test_no_blue_alert_while_paused_and_counting_starts_after_the_pause(app, client, world):
    monday = date(2026, 11, 23)
    _at(app, monday - timedelta(days=7))
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == world.enrollment.id)
        .values(enrolled_at=clock.now())
    )
    db.session.commit()
    _at(app, monday, 9)
    clinician = token_for(client, "clinician")
    # Missing for days, and a blue alert says so; pausing from today closes it.
    assert jobs.run(jobs.CHECK_MISSING) == 1
    paused = client.post(
        f"/api/v1/enrollments/{world.enrollment.id}/pause",
        json={
            "paused_from": monday.isoformat(),
            "paused_until": (monday + timedelta(days=2)).isoformat(),
            "reason": "admitted",
        },
        headers=clinician,
    )
    assert paused.status_code == 200, paused.get_json()
    assert paused.get_json()["pause_reason"] == "admitted"
    assert _blue(world.enrollment.id) == []
    (closed,) = db.session.scalars(select(Alert).where(Alert.severity == "blue")).all()
    assert closed.resolution_note == "Monitoring paused." and closed.resolved_by_id
    # Paused Monday to Wednesday: nothing raised, however long.
    for day in range(3):
        _at(app, monday + timedelta(days=day), 23)
        assert jobs.run(jobs.CHECK_MISSING) == 0
    # Thursday's measurement is due on Thursday: not missing on Thursday, missing on Friday.
    _at(app, monday + timedelta(days=3), 23)
    assert jobs.run(jobs.CHECK_MISSING) == 0
    _at(app, monday + timedelta(days=4), 9)
    assert jobs.run(jobs.CHECK_MISSING) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.resource_type == "enrollment")
    ).all()
    assert "enrollment.pause" in actions


def test_the_same_pause_twice_is_one_pause_and_resume_ends_it_yesterday(app, client, world):
    monday = date(2026, 11, 23)
    _at(app, monday)
    clinician = token_for(client, "clinician")
    url = f"/api/v1/enrollments/{world.enrollment.id}"
    body = {"paused_from": (monday - timedelta(days=2)).isoformat(), "reason": "holiday"}
    for _ in range(2):
        assert client.post(f"{url}/pause", json=body, headers=clinician).status_code == 200
    pauses = _changes("enrollment.pause")
    assert len(pauses) == 1
    resumed = client.post(f"{url}/resume", headers=clinician).get_json()
    assert resumed["paused_until"] == (monday - timedelta(days=1)).isoformat()
    bad = client.post(
        f"{url}/pause",
        json={"paused_from": "2026-11-20", "paused_until": "2026-11-21", "reason": "holiday"},
        headers=clinician,
    )
    assert bad.status_code == 422 and "paused_until" in bad.get_json()["errors"]
    nurse = client.post(f"{url}/pause", json=body, headers=token_for(client, "nurse"))
    assert nurse.status_code == 403


def test_a_missed_inr_test_during_a_pause_is_due_the_day_after(app, client, world, ak):
    today = clock.local(clock.now()).date()
    db.session.execute(
        update(ak.anticoagulation.__class__)
        .where(ak.anticoagulation.__class__.enrollment_id == ak.id)
        .values(next_test_due=today - timedelta(days=5))
    )
    db.session.commit()
    doctor = token_for(client, "ak-doctor")
    client.post(
        f"/api/v1/enrollments/{ak.id}/pause",
        json={
            "paused_from": (today - timedelta(days=6)).isoformat(),
            "paused_until": today.isoformat(),
            "reason": "admitted",
        },
        headers=doctor,
    )
    assert jobs.run(jobs.CHECK_MISSED_INR) == 0  # paused today
    _at(app, today + timedelta(days=2))
    assert jobs.run(jobs.CHECK_MISSED_INR) == 0  # due tomorrow + one grace day: not yet
    _at(app, today + timedelta(days=3))
    assert jobs.run(jobs.CHECK_MISSED_INR) == 1


def test_ending_stops_monitoring_and_closes_open_alerts_with_the_reason(app, client, world):
    red = raise_alert(world.enrollment, "synthetic.red", "red", 1)
    clinician = token_for(client, "clinician")
    url = f"/api/v1/enrollments/{world.enrollment.id}"
    assert client.post(f"{url}/end", json={"reason": "bored"}, headers=clinician).status_code == 422
    ended = client.post(f"{url}/end", json={"reason": "completed"}, headers=clinician)
    assert ended.status_code == 200
    assert ended.get_json()["status"] == "ended" and ended.get_json()["end_reason"] == "completed"
    alert = db.session.get(Alert, red)
    db.session.refresh(alert)
    assert alert.status == "resolved" and alert.resolution_note == "Monitoring ended (completed)."
    again = client.post(f"{url}/end", json={"reason": "completed"}, headers=clinician)
    assert again.status_code == 200
    assert len(_changes("enrollment.end")) == 1
    _at(app, clock.local(clock.now()).date() + timedelta(days=5))
    assert jobs.run(jobs.CHECK_MISSING) == 0
    # The patient may be enrolled again.
    again = client.post(
        f"/api/v1/patients/{world.patient.id}/enrollments",
        json={"programme": "copd", "care_team_id": world.lung_team.id},
        headers=token_for(client, "clinician"),  # days later: a new token
    )
    assert again.status_code == 201


def test_tablet_strength_defaults_to_2_5_mg_and_is_edited_by_the_team(client, world, ak):
    doctor = token_for(client, "ak-doctor")
    url = f"/api/v1/enrollments/{ak.id}"
    assert (
        client.get(url, headers=doctor).get_json()["anticoagulation"]["tablet_strength_mg"] == 2.5
    )
    changed = client.patch(
        url,
        json={"tablet_strength_mg": 5, "inr_target_low": 2.5, "inr_target_high": 3.5},
        headers=doctor,
    )
    assert changed.status_code == 200, changed.get_json()
    plan = changed.get_json()["anticoagulation"]
    assert plan["tablet_strength_mg"] == 5 and plan["target_low"] == 2.5
    # The lung team's clinician manages nothing of the AK clinic's settings.
    other = client.patch(
        url, json={"tablet_strength_mg": 1}, headers=token_for(client, "clinician")
    )
    assert other.status_code == 403
    (entry,) = _changes("enrollment.update")
    assert entry.changes["before"]["tablet_strength_mg"] == 2.5
    assert entry.changes["after"] == {
        "tablet_strength_mg": 5,
        "inr_target_low": 2.5,
        "inr_target_high": 3.5,
    }


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "1e400", "abc"])
def test_the_enrolment_form_refuses_what_is_no_number_in_danish(client, world, ak, typed) -> None:
    """float() reads "nan", "inf" and 1e400; the form does not (interval_days went through
    int(), which answered 500)."""
    sign_in(client, "ak-doctor")
    before = db.session.get(Enrollment, ak.id).schedule
    answer = client.post(
        f"/enrollments/{ak.id}/edit",
        data={"interval_days": typed, "grace_hours": typed, "tablet_strength_mg": typed},
        follow_redirects=True,
    )
    assert answer.status_code == 422
    assert answer.get_data(as_text=True).count("Ikke et tal.") == 3
    db.session.expire_all()
    assert db.session.get(Enrollment, ak.id).schedule == before
