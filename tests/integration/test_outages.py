"""What users get while Redis, the database or the SMTP server is away (no server is stopped
here: the app is pointed at a port that refuses, hangs up or never answers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from telemon import clock
from telemon.extensions import db
from telemon.http.auth import SESSION_KEY
from telemon.models import OutgoingMail
from telemon.notify import messages, outbox
from tests.helpers import PASSWORD, item, token_for
from tests.servers import ClosingListener, HungSMTPServer, free_port, smtp_server


@pytest.fixture
def broken_redis() -> Iterator[ClosingListener]:
    listener = ClosingListener()
    listener.start()
    yield listener
    listener.stop()


class TestRedisDown:
    @pytest.fixture
    def app_config(self, broken_redis: ClosingListener) -> dict[str, Any]:
        url = f"redis://127.0.0.1:{broken_redis.port}/0"
        return {
            "TELEMON_REDIS_URL": url,
            "TELEMON_TASKS_IN_PROCESS": False,
            "RATELIMIT_STORAGE_URI": url,
        }

    def test_uploads_are_accepted_without_waiting_on_redis(
        self, client, world, broken_redis
    ) -> None:
        nurse = token_for(client, "nurse")
        for value in range(60, 70):
            body = {"observations": [item(world.patient.id, "pulse", value)]}
            assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
        # No result backend is asked and nothing is retried while the request waits: the
        # first hand-over fails fast and the next ones are left to the sweep. (With a result
        # backend, each upload retried its connection 20 times.)
        assert broken_redis.connections <= 10

    def test_sign_in_works_and_failures_are_still_limited(self, client, world) -> None:
        assert token_for(client, "clinician")
        page = client.post("/sign-in", data={"username": "nurse", "password": PASSWORD})
        assert page.status_code == 302
        wrong = {"username": "clinician", "password": "not-the-password"}
        codes = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(7)]
        assert codes[:5] == [401] * 5 and codes[-1] == 429
        # One budget per address for every door (issue 21.15): the web's sign-in waits too.
        page = client.post("/sign-in", data={"username": "nurse", "password": PASSWORD})
        assert page.status_code == 429


class TestDatabaseDown:
    @pytest.fixture
    def down_app(self, app: Any) -> Any:
        from tests.apps import make_app

        return make_app(
            f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone",
            app.instance_path,
            {"TELEMON_RETRY_AFTER_SECONDS": 17},
        )

    def test_api_answers_503_with_retry_after(self, down_app: Any) -> None:
        client = down_app.test_client()
        response = client.get("/api/v1/alerts", headers={"Authorization": "Bearer x"})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "17"
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 503
        token = client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})
        assert token.status_code == 503

    def test_web_answers_a_plain_503_page(self, down_app: Any) -> None:
        client = down_app.test_client()
        with client.session_transaction() as session:
            session[SESSION_KEY] = "a-session-key"  # looked up in the (unreachable) database
        response = client.get("/")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "17"
        assert "text/html" in response.content_type
        assert "Midlertidigt utilgængelig" in response.get_data(as_text=True)  # Danish default


def _queue(event_key: str = "alert:1:red") -> int:
    outbox.queue_mail(event_key, "team@example.invalid", messages.alert_raised("red", "http://x"))
    db.session.commit()
    return db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.event_key == event_key))


class TestMail:
    @pytest.fixture
    def smtp_port(self) -> int:
        return free_port()

    @pytest.fixture
    def app_config(self, smtp_port: int) -> dict[str, Any]:
        # Mail delivery is driven by hand here; nothing is handed over after a commit.
        return {
            "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "TELEMON_SMTP_TIMEOUT_SECONDS": 1,
            "TELEMON_TASKS_IN_PROCESS": False,
            "TELEMON_REDIS_URL": "redis://127.0.0.1:1/0",
        }

    def test_a_lost_commit_after_delivery_does_not_send_twice(self, app, world, smtp_port) -> None:
        mail_id = _queue()
        inbox, controller = smtp_server(smtp_port)
        failures = {"left": 1}

        # The database connection drops while the delivered mail is being marked sent.
        def drop(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            sent = statement.startswith("UPDATE outgoing_mail") and "sent_at" in statement
            if sent and failures["left"]:
                failures["left"] -= 1
                raise psycopg.OperationalError("server closed the connection unexpectedly")

        event.listen(db.engine, "before_cursor_execute", drop)
        try:
            outbox.send_mail(mail_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", drop)
        later = clock.now() + timedelta(minutes=30)
        app.config["TELEMON_NOW"] = later
        from telemon.alerts import periodic

        assert periodic.sweep()["mails"] == 0
        outbox.send_mail(mail_id)
        controller.stop()
        assert len(inbox.messages) == 1
        db.session.expire_all()
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.sent_at is not None and mail.attempts == 1

    def test_a_failed_commit_of_the_outcome_is_tried_again(self, app, world, smtp_port) -> None:
        """The database goes away at the COMMIT that records a delivered mail as sent: the
        next try finds the session usable again and records it; the mail went out once."""
        mail_id = _queue()
        inbox, controller = smtp_server(smtp_port)
        state = {"sent_recorded": False, "failures_left": 1}

        def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.startswith("UPDATE outgoing_mail") and "sent_at" in statement:
                state["sent_recorded"] = True

        def drop(conn: Any) -> None:
            if state["sent_recorded"] and state["failures_left"]:
                state["failures_left"] -= 1
                raise OperationalError(
                    "COMMIT", {}, psycopg.OperationalError("server closed the connection")
                )

        event.listen(db.engine, "before_cursor_execute", watch)
        event.listen(db.engine, "commit", drop)
        try:
            outbox.send_mail(mail_id)
        finally:
            event.remove(db.engine, "commit", drop)
            event.remove(db.engine, "before_cursor_execute", watch)
            controller.stop()
        assert state["failures_left"] == 0  # the COMMIT did fail once
        assert len(inbox.messages) == 1
        db.session.expire_all()
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.sent_at is not None and mail.attempts == 1 and mail.claim_id is None

    def test_one_retry_chain_with_exponential_backoff(self, app, world) -> None:
        mail_id = _queue()
        start = clock.now()
        delays = []
        for attempt in range(1, 5):
            with pytest.raises(outbox.MailNotSent) as failed:
                outbox.send_mail(mail_id)
            delays.append(failed.value.retry_in)
            # A second chain's task (a sweep, a re-delivered task) arriving meanwhile does
            # nothing: the mail is not due yet.
            outbox.send_mail(mail_id)
            from telemon.alerts import periodic

            app.config["TELEMON_NOW"] = clock.now() + timedelta(seconds=failed.value.retry_in / 2)
            assert periodic.sweep()["mails"] == 0
            db.session.expire_all()
            assert db.session.get(OutgoingMail, mail_id).attempts == attempt
            app.config["TELEMON_NOW"] = clock.now() + timedelta(seconds=failed.value.retry_in)
        assert delays == [5, 10, 20, 40]
        # A chain that is lost (its task gone with a broker) is handed over by the sweep.
        app.config["TELEMON_NOW"] = start + timedelta(hours=2)
        assert periodic.sweep()["mails"] == 1

    def test_a_hung_smtp_server_costs_one_short_attempt(self, app, world) -> None:
        hung = HungSMTPServer()
        hung.start()
        app.config["TELEMON_SMTP_URL"] = f"smtp://127.0.0.1:{hung.port}"
        mail_id = _queue()
        try:
            with pytest.raises(outbox.MailNotSent):
                outbox.send_mail(mail_id)
        finally:
            hung.stop()
        db.session.expire_all()
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.sent_at is None and mail.claim_id is None and "timed out" in mail.last_error
