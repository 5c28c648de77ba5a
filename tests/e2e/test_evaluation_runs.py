"""Evaluation runs on PostgreSQL: one run takes on the batches waiting with it, skips what another
run holds, and judges each patient against their own baseline."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import redis
from sqlalchemy import select, text

from telemon.alerts import evaluation
from telemon.background import jobs, work
from telemon.extensions import db
from telemon.models import Alert, IngestBatch, Observation
from telemon.patients import service as patients
from tests.apps import TEST_REDIS_URL, USES_TEST_REDIS
from tests.helpers import CPH_WINTER, item, token_for

pytestmark = USES_TEST_REDIS


def _hand_over_to(app: Any, redis_url: str) -> None:
    """Work goes to the broker at `redis_url` instead of running in-process."""
    app.config["TELEMON_TASKS_IN_PROCESS"] = False
    app.config["TELEMON_REDIS_URL"] = redis_url
    app.extensions["celery"].conf.broker_url = redis_url


def _broker_down(app: Any) -> None:
    """Accepted batches stay waiting: nothing hands them to a worker."""
    _hand_over_to(app, "redis://127.0.0.1:1/0")  # nothing listens there


def _post(client: Any, headers: dict[str, str], *items: dict[str, Any]) -> int:
    response = client.post(
        "/api/v1/observations", json={"observations": list(items)}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["observations"][0]["id"]


def _second_patient(world: Any) -> Any:
    patient = patients.create_patient(
        world.clinician,
        {"cpr": "1503624321", "name": "Synthetic Two", "birth_date": date(1962, 3, 15)},
    )
    patients.enroll(
        world.clinician,
        patient.id,
        {
            "programme": "copd",
            "care_team_id": world.lung_team.id,
            "shared_with": [world.municipality.id],
        },
    )
    return patient


def _batches() -> list[IngestBatch]:
    db.session.expire_all()
    return list(db.session.scalars(select(IngestBatch).order_by(IngestBatch.id)))


def test_one_run_evaluates_the_batches_waiting_with_it(app, client, world) -> None:
    second = _second_patient(world)
    nurse = token_for(client, "nurse")
    _broker_down(app)
    _post(client, nurse, item(world.patient.id, "spo2", 85))
    _post(client, nurse, item(second.id, "pulse", 135))
    _post(client, nurse, item(world.patient.id, "pulse", 72))
    first, *others = _batches()
    assert all(b.evaluated_at is None for b in [first, *others])

    app.config["TELEMON_TASKS_IN_PROCESS"] = True
    jobs.run(jobs.EVALUATE_BATCH, first.id)

    batches = _batches()
    assert [b.evaluated_at is not None for b in batches] == [True, True, True]
    assert {b.evaluated_at for b in batches} == {batches[0].evaluated_at}  # one transaction
    alerts = {(a.patient_id, a.rule, a.severity) for a in db.session.scalars(select(Alert))}
    assert alerts == {
        (world.patient.id, "threshold.spo2", "red"),
        (second.id, "threshold.pulse", "red"),
    }
    # The later tasks for the other batches find them done and change nothing.
    for batch in others:
        jobs.run(jobs.EVALUATE_BATCH, batch.id)
    assert len(db.session.scalars(select(Alert)).all()) == 2


def test_a_batch_another_run_holds_is_left_to_that_run(app, client, world) -> None:
    nurse = token_for(client, "nurse")
    _broker_down(app)
    _post(client, nurse, item(world.patient.id, "pulse", 135))
    _post(client, nurse, item(world.patient.id, "spo2", 85))
    waiting, held = _batches()
    app.config["TELEMON_TASKS_IN_PROCESS"] = True
    with db.engine.connect() as other_run:
        other_run.execute(
            text("SELECT id FROM ingest_batch WHERE id = :id FOR UPDATE"), {"id": held.id}
        )
        # Its own batch is held elsewhere: it does not wait for it, it takes what else waits.
        assert jobs.run(jobs.EVALUATE_BATCH, held.id) == 1
        assert [b.evaluated_at is not None for b in _batches()] == [True, False]
        assert jobs.run(jobs.EVALUATE_BATCH, waiting.id) == 0
        other_run.rollback()  # that run failed: the batch waits for the next run or the sweep
    assert jobs.run(jobs.EVALUATE_BATCH, waiting.id) == 1
    assert [b.evaluated_at is not None for b in _batches()] == [True, True]
    rules = {a.rule for a in db.session.scalars(select(Alert))}
    assert rules == {"threshold.spo2", "threshold.pulse"}


def test_one_task_is_queued_for_however_many_batches_wait(app, client, world) -> None:
    # The real broker, no worker: what the API hands over stays in the queue to be counted.
    broker = redis.Redis.from_url(TEST_REDIS_URL)
    broker.flushdb()
    _hand_over_to(app, TEST_REDIS_URL)
    nurse = token_for(client, "nurse")
    for value in (85, 86, 87):
        _post(client, nurse, item(world.patient.id, "spo2", value))
    assert broker.llen("evaluation") == 1
    (message,) = [json.loads(m) for m in broker.lrange("evaluation", 0, -1)]
    assert message["headers"]["task"] == jobs.EVALUATE_BATCH

    # What a worker does with it (workers/tasks.py): a first pass, clear the mark, look again.
    broker.delete("evaluation")
    (batch_id,) = json.loads(base64.b64decode(message["body"]))[0]
    assert jobs.run(jobs.EVALUATE_BATCH, batch_id) == 3
    _post(client, nurse, item(world.patient.id, "spo2", 83))  # while the mark is still set
    assert broker.llen("evaluation") == 0
    work.started(jobs.EVALUATE_BATCH)
    assert jobs.run(jobs.EVALUATE_BATCH, None) == 1  # the last look finds it
    assert all(b.evaluated_at is not None for b in _batches())
    (alert,) = db.session.scalars(select(Alert)).all()
    assert len(alert.observations) == 4

    # Once the mark is cleared, the next upload hands over a new task.
    _post(client, nurse, item(world.patient.id, "spo2", 84))
    assert broker.llen("evaluation") == 1
    broker.flushdb()


def test_each_patient_is_judged_against_their_own_baseline_in_a_shared_run(
    app, client, world
) -> None:
    # One patient usually at 97 %, the other usually at 93 %: a reading of 93 % is a drop of 4
    # points for the first (yellow), and an ordinary day for the second.
    second = _second_patient(world)
    nurse = token_for(client, "nurse")
    now = datetime.now(CPH_WINTER)
    for days in (5, 4, 3, 2):
        at = now - timedelta(days=days)
        _post(
            client, nurse, item(world.patient.id, "spo2", 97, at), item(second.id, "spo2", 93, at)
        )
    assert db.session.scalars(select(Alert)).all() == []
    _broker_down(app)
    _post(client, nurse, item(world.patient.id, "spo2", 93))
    _post(client, nurse, item(second.id, "spo2", 93))
    app.config["TELEMON_TASKS_IN_PROCESS"] = True
    jobs.run(jobs.EVALUATE_BATCH, _batches()[-2].id)

    assert all(b.evaluated_at is not None for b in _batches())
    (alert,) = db.session.scalars(select(Alert)).all()
    assert (alert.patient_id, alert.rule, alert.severity) == (
        world.patient.id,
        "spo2.drop_from_baseline",
        "yellow",
    )


def test_a_run_that_finds_a_backlog_asks_for_a_second_task(app, client, world, monkeypatch) -> None:
    broker = redis.Redis.from_url(TEST_REDIS_URL)
    broker.flushdb()
    _hand_over_to(app, TEST_REDIS_URL)
    monkeypatch.setattr(evaluation, "MAX_BATCHES_PER_RUN", 2)
    nurse = token_for(client, "nurse")
    for value in range(70, 75):
        _post(client, nurse, item(world.patient.id, "pulse", value))
    assert broker.llen("evaluation") == 1  # five uploads, one task
    broker.delete("evaluation")

    # Runs of two, until fewer than two wait; the first full run asked for help.
    assert jobs.run(jobs.EVALUATE_BATCH, _batches()[0].id) == 5
    assert all(b.evaluated_at is not None for b in _batches())
    assert broker.llen("evaluation") == 1
    # The helper finds nothing left and changes nothing.
    assert jobs.run(jobs.EVALUATE_BATCH, None) == 0
    broker.flushdb()


def test_a_batch_evaluation_cannot_handle_holds_up_no_other(app, client, world) -> None:
    # A stored reading whose code the catalogue no longer knows (as after a code is retired)
    # makes its batch fail evaluation. The batches around it must still be judged.
    nurse = token_for(client, "nurse")
    _broker_down(app)
    _post(client, nurse, item(world.patient.id, "spo2", 85))
    now = datetime.now(CPH_WINTER)
    poison = IngestBatch(received_at=now, submitted_by_id=world.nurse.id, attempts=0)
    db.session.add(poison)
    db.session.flush()
    db.session.add(
        Observation(
            client_id=uuid.uuid4(),
            content_hash="0" * 64,
            batch_id=poison.id,
            patient_id=world.patient.id,
            code="retired_code",
            value=1.0,
            unit="1",
            effective_at=now,
            effective_offset_minutes=60,
            performer="nurse",
            received_at=now,
        )
    )
    db.session.commit()
    poison_id = poison.id
    _post(client, nurse, item(world.patient.id, "pulse", 135))
    app.config["TELEMON_TASKS_IN_PROCESS"] = True

    assert jobs.run(jobs.EVALUATE_BATCH, None) == 2
    done = {b.id: (b.evaluated_at is not None, b.attempts) for b in _batches()}
    assert done[poison_id] == (False, 1)
    assert sorted(v for k, v in done.items() if k != poison_id) == [(True, 1), (True, 1)]
    assert {a.rule for a in db.session.scalars(select(Alert))} == {
        "threshold.spo2",
        "threshold.pulse",
    }

    # Runs for other batches take it along until it has failed MAX_FAILED_ATTEMPTS times...
    for _ in range(evaluation.MAX_FAILED_ATTEMPTS + 2):
        jobs.run(jobs.EVALUATE_BATCH, None)
    poisoned = db.session.get(IngestBatch, poison_id)
    db.session.refresh(poisoned)
    assert (poisoned.evaluated_at, poisoned.attempts) == (None, evaluation.MAX_FAILED_ATTEMPTS)
    # ...then only its own task (the sweep's hand-over) tries it again.
    jobs.run(jobs.EVALUATE_BATCH, poison_id)
    db.session.refresh(poisoned)
    assert poisoned.attempts == evaluation.MAX_FAILED_ATTEMPTS + 1
