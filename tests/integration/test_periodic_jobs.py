"""Periodic jobs query in sets, and one patient's bad data never stops them for the others."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, select, update

from telemon import clock
from telemon.alerts import periodic
from telemon.anticoagulation import service as anticoagulation
from telemon.copd import evaluation
from telemon.extensions import db
from telemon.models import Alert, AnticoagulationPlan, Enrollment, OutgoingMail
from telemon.patients import service as patients
from tests.helpers import ALERTS_BASE, raise_alert


def _patients(world: Any, count: int, programme: str = "copd") -> list[Any]:
    made = []
    for n in range(count):
        patient = patients.create_patient(
            world.clinician,
            {
                "cpr": f"0202{70 + n % 20:02d}{1000 + n:04d}"[:10],
                "name": f"Synthetic {n}",
                "birth_date": date(1970 + n % 20, 2, 2),
            },
        )
        extra = (
            {"inr_target_low": 2.0, "inr_target_high": 3.0, "weekly_dose_mg": 35}
            if (programme == "anticoagulation")
            else {}
        )
        made.append(
            patients.enroll(
                world.clinician,
                patient.id,
                {"programme": programme, "care_team_id": world.lung_team.id, **extra},
            )
        )
    return made


def _statements(job: Any) -> int:
    count = {"n": 0}

    def seen(*_: Any) -> None:
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        job()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return count["n"]


def _blue(rule: str) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Alert.enrollment_id).where(Alert.rule == rule, Alert.severity == "blue")
        )
    )


def test_missing_measurements_in_sets_and_isolated(app, world) -> None:
    enrollments = [world.enrollment, *_patients(world, 6)]
    # Stored before settings were bounded: a schedule no calendar can hold.
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollments[1].id)
        .values(schedule={"interval_days": 1e300})
    )
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollments[2].id)
        .values(schedule={"interval_days": "x"})
    )
    db.session.commit()
    app.config["TELEMON_NOW"] = clock.now() + timedelta(days=5)

    evaluation.check_missing_measurements()
    expected = {e.id for e in enrollments} - {enrollments[1].id, enrollments[2].id}
    assert _blue("missing_measurement") == expected
    # A second run has every alert already: a fixed handful of queries, however many patients.
    assert _statements(evaluation.check_missing_measurements) <= 6


def test_missing_measurements_only_for_monitored_enrolments(app, world) -> None:
    ended = _patients(world, 1)[0]
    patients.update_enrollment(world.clinician, ended.id, {"status": "ended"})
    app.config["TELEMON_NOW"] = clock.now() + timedelta(days=5)
    evaluation.check_missing_measurements()
    assert _blue("missing_measurement") == {world.enrollment.id}


def test_missed_inr_tests_in_sets_and_isolated(app, world) -> None:
    plans = _patients(world, 5, "anticoagulation")
    db.session.execute(
        update(AnticoagulationPlan).values(next_test_due=clock.local(clock.now()).date())
    )
    db.session.execute(
        update(AnticoagulationPlan)
        .where(AnticoagulationPlan.enrollment_id == plans[0].id)
        .values(alert_settings={"missed_test_grace_days": "soon"})
    )
    db.session.commit()
    app.config["TELEMON_NOW"] = clock.now() + timedelta(days=5)
    anticoagulation.check_missed_tests()
    assert _blue("inr.missed_test") == {p.id for p in plans[1:]}
    # Again with every alert raised: the same few queries, not a history query per plan.
    assert _statements(anticoagulation.check_missed_tests) <= 6 + 2 * 4


def test_an_escalation_the_database_refuses_holds_up_no_other(app, world) -> None:
    """Escalation commits alert by alert: when the database refuses one alert's escalation as it
    is committed (the flush fails: a lock time-out, a lost connection), that one is undone and
    logged, and the job escalates the others."""
    ids = [raise_alert(world.enrollment, f"test.red.{n}", "red", n) for n in range(3)]
    app.config["TELEMON_NOW"] = ALERTS_BASE + timedelta(hours=2)
    refused: list[int] = []

    def refuse_the_first(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        # The first alert whose escalation reaches the database: refused there.
        if statement.lstrip().upper().startswith("UPDATE ALERT") and not refused:
            refused.append(next(v for k, v in dict(params).items() if k.startswith("alert_id")))
            raise RuntimeError("the database refused this escalation")

    event.listen(db.engine, "before_cursor_execute", refuse_the_first)
    try:
        escalated = periodic.escalate_overdue()
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_the_first)
    assert len(refused) == 1 and escalated == 2
    db.session.expire_all()
    done = set(
        db.session.scalars(
            select(Alert.id).where(Alert.id.in_(ids), Alert.escalated_at.is_not(None))
        )
    )
    assert done == set(ids) - set(refused)
    mails = db.session.scalars(select(OutgoingMail.event_key)).all()
    assert sorted(mails) == sorted(f"alert:{i}:escalation" for i in done)
    # The refused one is escalated by the next run.
    assert periodic.escalate_overdue() == 1
