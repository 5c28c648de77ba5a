"""Fault tests: things break on purpose while uploads and mail are under way.

The production shape on loopback: real `telemon worker` processes (the default: a separate
worker per queue), Redis, PostgreSQL and SMTP. A test that stops a server stops its own
throw-away one (tests/servers.py), never the shared ones. Each test ends with the same
checks: every accepted reading stored once and evaluated once, and every due mail delivered
once (one message per event, however often it was tried).
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, IngestBatch, Observation, OutgoingMail, alert_observation
from tests.apps import TEST_REDIS_URL, USES_TEST_REDIS, make_app
from tests.helpers import item, token_for
from tests.servers import (
    HungSMTPServer,
    PostgresCluster,
    RedisServer,
    free_port,
    smtp_server,
    start_worker,
    stop_process,
    until,
)
from tests.world import build_world

pytestmark = pytest.mark.slow


def _worker_env(app: Flask, redis_url: str, smtp_port: int, instance: Path) -> dict[str, str]:
    return {
        "TELEMON_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TELEMON_REDIS_URL": redis_url,
        "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TELEMON_SMTP_TIMEOUT_SECONDS": "2",
        "TELEMON_INSTANCE": str(instance),
        "TELEMON_SECRET_KEY": "test-secret",
        "TELEMON_BASE_URL": "http://telemon.test",
    }


def _post(client: Any, headers: dict[str, str], items: list[dict[str, Any]]) -> Any:
    return client.post("/api/v1/observations", json={"observations": items}, headers=headers)


class Ledger:
    """What the server accepted (201), to check against what it stored and evaluated."""

    def __init__(self) -> None:
        self.accepted: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def upload(self, client: Any, headers: dict[str, str], items: list[dict[str, Any]]) -> int:
        response = _post(client, headers, items)
        if response.status_code == 201:
            with self.lock:
                self.accepted.update({i["client_id"]: i for i in items})
        return int(response.status_code)


def _sweep(app: Flask) -> None:
    from telemon.alerts import periodic

    with app.app_context():
        periodic.sweep()


def _all_evaluated(app: Flask) -> bool:
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count()).select_from(IngestBatch).where(IngestBatch.evaluated_at.is_(None))
        )
        db.session.remove()
    if waiting:
        _sweep(app)  # hands over what a broken broker or a killed worker missed
    return not waiting


def _all_mail_sent(app: Flask) -> bool:
    with app.app_context():
        unsent = db.session.scalar(
            select(func.count()).select_from(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
        )
        db.session.remove()
    if unsent:
        _sweep(app)
    return not unsent


def assert_exactly_once(app: Flask, ledger: Ledger, inbox_messages: list[bytes]) -> None:
    """Every accepted reading stored once and evaluated once; every due mail delivered once."""
    until(lambda: _all_evaluated(app), "every accepted batch evaluated", 240)
    until(lambda: _all_mail_sent(app), "every due mail sent", 240)
    with app.app_context():
        stored = Counter(str(c) for c in db.session.scalars(select(Observation.client_id)))
        assert set(stored) == set(ledger.accepted), "accepted readings missing or extra"
        assert max(stored.values(), default=1) == 1
        # Evaluated once: one unresolved alert per patient and rule, each reading attached
        # to an alert at most once, and every red alert mailed under one event.
        alerts = db.session.execute(
            select(Alert.patient_id, Alert.rule, Alert.id, Alert.severity).where(
                Alert.status != "resolved"
            )
        ).all()
        assert len({(a.patient_id, a.rule) for a in alerts}) == len(alerts)
        links = db.session.execute(
            select(alert_observation.c.alert_id, alert_observation.c.observation_id)
        ).all()
        assert len(set(links)) == len(links)
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert {f"alert:{a.id}:red" for a in alerts if a.severity == "red"} <= {
            m.event_key for m in mails
        }
        db.session.remove()
    events = Counter(email.message_from_bytes(m)["X-Telemon-Event"] for m in inbox_messages)
    assert set(events) == {m.event_key for m in mails}, "a due mail was not delivered"
    assert max(events.values()) == 1, f"delivered more than once: {events}"


def _red_items(patient_id: int, n: int) -> list[dict[str, Any]]:
    return [item(patient_id, "spo2", 84), *[item(patient_id, "pulse", 70 + i) for i in range(n)]]


class TestOnSharedDatabase:
    """Redis, worker and SMTP faults; the database is the test session's own on the shared
    PostgreSQL (it is not stopped here)."""

    @pytest.fixture
    def stack(self, tmp_path: Path) -> Iterator[dict[str, Any]]:
        own_redis = RedisServer(tmp_path / "redis")
        own_redis.start()
        yield {"redis": own_redis, "smtp_port": free_port()}
        own_redis.stop()

    @pytest.fixture
    def app_config(self, stack: dict[str, Any]) -> dict[str, Any]:
        return {
            "TELEMON_REDIS_URL": stack["redis"].url,
            "TELEMON_TASKS_IN_PROCESS": False,
            "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{stack['smtp_port']}",
            "TELEMON_SWEEP_AFTER_SECONDS": 1,
            "RATELIMIT_STORAGE_URI": stack["redis"].url,
        }

    def test_redis_stopped_during_uploads(self, app, client, world, stack, tmp_path) -> None:
        inbox, controller = smtp_server(stack["smtp_port"])
        env = _worker_env(app, stack["redis"].url, stack["smtp_port"], tmp_path / "w")
        worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "2")
        ledger = Ledger()
        try:
            nurse = token_for(client, "nurse")
            assert ledger.upload(client, nurse, _red_items(world.patient.id, 3)) == 201
            stack["redis"].stop()
            # Sign-in and uploads go on while Redis is away.
            nurse = token_for(client, "nurse")
            for n in range(10):
                items = [item(world.patient.id, "pulse", 60 + n)]
                assert ledger.upload(client, nurse, items) == 201
            stack["redis"].start()  # the same port: the worker reconnects
            assert_exactly_once(app, ledger, inbox.messages)
        finally:
            stop_process(worker)
            controller.stop()

    def test_worker_killed_during_evaluation(self, app, client, world, stack, tmp_path) -> None:
        inbox, controller = smtp_server(stack["smtp_port"])
        env = _worker_env(app, stack["redis"].url, stack["smtp_port"], tmp_path / "w")
        worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "2")
        ledger = Ledger()
        nurse = token_for(client, "nurse")
        try:
            with ThreadPoolExecutor(4) as pool:
                statuses = list(
                    pool.map(
                        lambda n: ledger.upload(
                            client.application.test_client(),
                            nurse,
                            [item(world.patient.id, "pulse", 50 + n % 80) for _ in range(20)],
                        ),
                        range(40),
                    )
                )
            assert set(statuses) == {201}
            stop_process(worker, signal.SIGKILL)  # mid-evaluation, or just after
            worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "2")
            assert ledger.upload(client, nurse, _red_items(world.patient.id, 1)) == 201
            assert_exactly_once(app, ledger, inbox.messages)
        finally:
            stop_process(worker)
            controller.stop()

    def test_smtp_down_then_hung_never_delays_evaluation(
        self, app, client, world, stack, tmp_path
    ) -> None:
        env = _worker_env(app, stack["redis"].url, stack["smtp_port"], tmp_path / "w")
        worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "1")
        ledger = Ledger()
        nurse = token_for(client, "nurse")
        clinician = token_for(client, "clinician")
        hung: HungSMTPServer | None = None
        controller = None
        try:
            # SMTP down: the red alert is raised and its mail waits for its retries.
            assert ledger.upload(client, nurse, _red_items(world.patient.id, 0)) == 201

            def red_alerts() -> list[Any]:
                items = client.get("/api/v1/alerts?status=open", headers=clinician).get_json()
                return [a for a in items["items"] if a["severity"] == "red"]

            until(red_alerts, "the red alert with SMTP down")
            # SMTP hung: a server that accepts and never answers holds mail workers only.
            hung = HungSMTPServer.on_port(stack["smtp_port"])
            hung.start()
            for n in range(5):
                assert (
                    ledger.upload(client, nurse, [item(world.patient.id, "temperature", 39.5)])
                    == 201
                )
                ledger.upload(client, nurse, [item(world.patient.id, "pulse", 125 + n)])
            until(lambda: len(red_alerts()) == 3, "the new red alerts while SMTP hangs")
            hung.stop()
            hung = None
            inbox, controller = smtp_server(stack["smtp_port"])
            assert_exactly_once(app, ledger, inbox.messages)
        finally:
            stop_process(worker)
            if hung is not None:
                hung.stop()
            if controller is not None:
                controller.stop()

    def test_concurrent_duplicate_uploads_store_once(
        self, app, client, world, stack, tmp_path
    ) -> None:
        inbox, controller = smtp_server(stack["smtp_port"])
        env = _worker_env(app, stack["redis"].url, stack["smtp_port"], tmp_path / "w")
        worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "2")
        ledger = Ledger()
        nurse = token_for(client, "nurse")
        batches = [_red_items(world.patient.id, 4) for _ in range(5)]
        try:
            with ThreadPoolExecutor(6) as pool:
                jobs = [(b, k) for b in batches for k in range(4)]  # each batch sent 4 times
                statuses = set(
                    pool.map(
                        lambda job: ledger.upload(client.application.test_client(), nurse, job[0]),
                        jobs,
                    )
                )
            assert statuses == {201}
            assert_exactly_once(app, ledger, inbox.messages)
        finally:
            stop_process(worker)
            controller.stop()


class _HeldInbox:
    """An SMTP server that takes a message only when released (to stop PostgreSQL mid-send)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived.set()
        while not self.release.is_set():
            await asyncio.sleep(0.1)
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.init()
    yield cluster
    cluster.destroy()


@USES_TEST_REDIS
def test_postgres_stopped_during_uploads_and_during_a_send(own_postgres, tmp_path) -> None:
    from aiosmtpd.controller import Controller

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    smtp_port = free_port()
    app = make_app(
        own_postgres.url,
        str(tmp_path / "api"),
        {
            "TELEMON_REDIS_URL": TEST_REDIS_URL,
            "TELEMON_TASKS_IN_PROCESS": False,
            "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "TELEMON_SWEEP_AFTER_SECONDS": 1,
            "TELEMON_RETRY_AFTER_SECONDS": 5,
        },
    )
    with app.app_context():
        from telemon.commands import prepare_database

        prepare_database()
        world = build_world()
        patient_id = world.patient.id
        db.session.remove()
    held = _HeldInbox()
    controller = Controller(held, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = _worker_env(app, TEST_REDIS_URL, smtp_port, tmp_path / "w")
    worker = start_worker(env, tmp_path / "worker.log", "--concurrency", "1")
    client = app.test_client()
    ledger = Ledger()
    try:
        with app.app_context():
            nurse = token_for(client, "nurse")
            # A red alert's mail reaches the SMTP server; PostgreSQL stops while it is sent.
            assert ledger.upload(client, nurse, _red_items(patient_id, 2)) == 201
            assert held.arrived.wait(120), "the alert mail never reached the SMTP server"
            own_postgres.stop()
            held.release.set()
            # Uploads while the database is down: 503 with Retry-After, nothing accepted.
            down = _post(client, nurse, [item(patient_id, "pulse", 77)])
            assert down.status_code == 503 and down.headers["Retry-After"] == "5"
            own_postgres.start()

            def accepted_again() -> bool:
                return ledger.upload(client, nurse, [item(patient_id, "pulse", 78)]) == 201

            until(accepted_again, "uploads accepted once PostgreSQL is back")
            for n in range(5):
                assert ledger.upload(client, nurse, [item(patient_id, "pulse", 60 + n)]) == 201
            # Stopped again while evaluation works: the worker's retries ride it out.
            own_postgres.stop()
            own_postgres.start()
            assert_exactly_once(app, ledger, held.messages)
    finally:
        stop_process(worker)
        controller.stop()
        with app.app_context():
            db.engine.dispose()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "0101701234" not in log  # no CPR in the worker's log, whatever failed
    assert os.path.exists(tmp_path / "worker.log")
