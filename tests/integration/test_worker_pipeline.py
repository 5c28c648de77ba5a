"""The production shape: a real Celery worker process on real Redis, PostgreSQL and SMTP."""

from __future__ import annotations

import email
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import OutgoingMail
from tests.apps import TEST_REDIS_URL, USES_TEST_REDIS
from tests.helpers import item, mail_text, token_for
from tests.servers import Inbox, free_port, smtp_server, start_worker, stop_process, until

pytestmark = [pytest.mark.slow, USES_TEST_REDIS]  # worker processes
WAIT_SECONDS = 60


def _until(check: Callable[[], Any], what: str) -> Any:
    return until(check, what, WAIT_SECONDS)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, Any]:
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return {
        "TELEMON_REDIS_URL": TEST_REDIS_URL,
        "TELEMON_TASKS_IN_PROCESS": False,
        "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
    }


@pytest.fixture
def worker(app: Any, smtp_port: int, tmp_path: Any) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        "TELEMON_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TELEMON_REDIS_URL": TEST_REDIS_URL,
        "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TELEMON_INSTANCE": str(tmp_path / "worker"),
        "TELEMON_SECRET_KEY": "test-secret",
        "TELEMON_BASE_URL": "http://telemon.test",
    }
    process = start_worker(env, tmp_path / "worker.log", "--concurrency", "2")
    yield process
    stop_process(process)
    sys.stdout.write((tmp_path / "worker.log").read_text(errors="replace")[-3000:])


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    received, controller = smtp_server(smtp_port)
    yield received
    controller.stop()


def _red_alerts(client: Any, headers: dict[str, str]) -> list[dict[str, Any]]:
    items = client.get("/api/v1/alerts?status=open", headers=headers).get_json()["items"]
    return [a for a in items if a["severity"] == "red"]


def test_spo2_85_reaches_the_queue_and_the_team_mailbox(client, world, worker, inbox) -> None:
    nurse = token_for(client, "nurse")
    body = {
        "observations": [item(world.patient.id, "spo2", 85), item(world.patient.id, "pulse", 88)]
    }
    first = client.post("/api/v1/observations", json=body, headers=nurse)
    assert first.status_code == 201 and first.get_json()["created"] == 2

    clinician = token_for(client, "clinician")
    (alert,) = _until(lambda: _red_alerts(client, clinician), "the red alert")
    assert alert["rule"] == "threshold.spo2"

    received = _until(lambda: inbox.messages, "the alert mail")[0]
    message = mail_text(email.message_from_bytes(received))  # decoded: "Åbn" is "=C3=85bn"
    assert "lung-team@example.invalid" in message
    for secret in ("Synthetic Patient", "0101701234", "010170", "85"):
        assert secret not in message
    assert f"/alerts/{alert['id']}" in message

    again = client.post("/api/v1/observations", json=body, headers=nurse)
    assert again.get_json() == dict(
        first.get_json(),
        created=0,
        duplicates=2,
        observations=[dict(o, status="duplicate") for o in first.get_json()["observations"]],
    )


def test_mail_is_retried_until_the_server_takes_it(client, world, worker, smtp_port) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 84)]},
        headers=nurse,
    )

    def failed_once() -> bool:
        db.session.expire_all()
        mail = db.session.scalar(select(OutgoingMail))
        return mail is not None and mail.attempts >= 1 and mail.last_error is not None

    _until(failed_once, "a failed delivery attempt (no SMTP server yet)")
    handler, controller = smtp_server(smtp_port)
    try:
        _until(lambda: handler.messages, "the retried mail")
        db.session.expire_all()
        (mail,) = db.session.scalars(select(OutgoingMail)).all()
        _until(
            lambda: (db.session.expire_all(), db.session.get(OutgoingMail, mail.id).sent_at)[1],
            "sent_at",
        )
        assert len(handler.messages) == 1
    finally:
        controller.stop()


def test_every_upload_of_a_quick_series_is_evaluated(client, world, worker) -> None:
    # Uploads arriving faster than a run takes share queued runs (jobs.COALESCED): whichever
    # run picks them up, none is left waiting for the sweep.
    from concurrent.futures import ThreadPoolExecutor

    from telemon.models import IngestBatch

    nurse = token_for(client, "nurse")
    app = client.application

    def post(value: int) -> int:
        with app.test_client() as own:
            body = {"observations": [item(world.patient.id, "pulse", value)]}
            return own.post("/api/v1/observations", json=body, headers=nurse).status_code

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(post, range(60, 100))) == {201}

    def all_evaluated() -> bool:
        db.session.expire_all()
        batches = db.session.scalars(select(IngestBatch)).all()
        return len(batches) == 40 and all(b.evaluated_at is not None for b in batches)

    _until(all_evaluated, "all 40 uploads evaluated")
