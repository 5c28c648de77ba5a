"""The embedded default: SQLite, in-process work, .eml outbox; and the `telemon` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from typing import Any

import pytest
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, AnticoagulationPlan, AuditEvent, Message, User
from tests.helpers import item, mail_text, outbox_messages, token_for
from tests.servers import free_port
from tests.world import build_world


def test_the_copd_loop_runs_on_sqlite_in_process(sqlite_app) -> None:
    world = build_world()
    client = sqlite_app.test_client()
    body = {"observations": [item(world.patient.id, "spo2", 85)]}
    response = client.post("/api/v1/observations", json=body, headers=token_for(client, "nurse"))
    assert response.status_code == 201
    again = client.post("/api/v1/observations", json=body, headers=token_for(client, "nurse"))
    assert again.get_json()["duplicates"] == 1
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red" and alert.raised_at.tzinfo is not None
    (mail,) = outbox_messages(sqlite_app.config["TELEMON_OUTBOX_DIR"])
    assert "Synthetic Patient" not in mail_text(mail) and "0101701234" not in mail_text(mail)


def test_a_refusal_on_sqlite_is_answered_at_once_and_audited(sqlite_app) -> None:
    """SQLite has one writer. A refusal recorded on a connection of its own while the refused
    request's transaction held the write lock (it had audited reading the alert) waited out the
    busy time-out and answered 503: make run's home nurse acknowledging the lung team's alert."""
    world = build_world()
    client = sqlite_app.test_client()
    nurse = token_for(client, "nurse")
    body = {"observations": [item(world.patient.id, "spo2", 85)]}
    assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
    (alert,) = db.session.scalars(select(Alert)).all()
    answer = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=nurse)
    assert answer.status_code == 403, answer.get_json()
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(e.username, e.action) for e in denied] == [("nurse", "alert.acknowledge")]


def test_cli_init_db_create_user_and_demo_are_repeatable(sqlite_app) -> None:
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    created = runner.invoke(
        args=["create-user", "root", "--role", "admin", "--password-stdin"],
        input="a-long-enough-secret\n",
    )
    assert created.exit_code == 0, created.output
    root = db.session.scalar(select(User).where(User.username == "root"))
    assert root.is_system_admin and root.password_hash.startswith("$argon2id$")
    short = runner.invoke(
        args=["create-user", "x", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "at least 12" in short.output.lower()
    common = runner.invoke(
        args=["create-user", "x", "--role", "admin", "--password-stdin"], input="password1234\n"
    )
    assert common.exit_code != 0 and "common" in common.output
    nurse = runner.invoke(
        args=["create-user", "n", "--role", "nurse", "--password-stdin"],
        input="a-long-enough-secret\n",
    )
    assert nurse.exit_code != 0 and "--organisation" in nurse.output

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "demo-clinician" in first.output
    assert "demo-ak-patient" in first.output  # a self-managing anticoagulation patient
    counts = db.session.scalar(select(func.count()).select_from(Alert))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Alert)) == counts
    # A short thread: Ada asked and was answered; the home nurse's question about Bo waits.
    threads = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [(m.sender_role, m.work_status) for m in threads] == [
        ("patient", "answered"),
        ("clinician", "none"),
        ("nurse", "open"),
    ]
    # Red: Ada's SpO2 of 85, and the self-managing patient's newest INR, 5.6 (5.0 or above is
    # red), which waits for the clinic.
    red = db.session.scalars(select(Alert).where(Alert.severity == "red")).all()
    assert sorted((a.programme, a.rule) for a in red) == [
        ("anticoagulation", "inr.out_of_range"),
        ("copd", "threshold.spo2"),
    ]

    ak_patient = db.session.scalar(select(User).where(User.username == "demo-ak-patient"))
    assert ak_patient is not None
    assert ak_patient.patient_id in {a.patient_id for a in red if a.programme == "anticoagulation"}
    plans = db.session.scalars(select(AnticoagulationPlan)).all()
    assert ak_patient is not None and any(p.self_managing for p in plans)


def test_a_demo_loaded_under_its_former_english_names_is_renamed_not_doubled(sqlite_app) -> None:
    from telemon import clock
    from telemon.models import CareTeam, Organisation

    hospital = Organisation(name="Demo Regional Hospital", kind="hospital", created_at=clock.now())
    db.session.add(hospital)
    db.session.flush()
    db.session.add(
        CareTeam(
            name="Lung team (demo)",
            organisation_id=hospital.id,
            email="lung-team@example.invalid",
            created_at=clock.now(),
        )
    )
    db.session.commit()
    assert sqlite_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    organisations = db.session.scalars(select(Organisation.name)).all()
    teams = db.session.scalars(select(CareTeam.name)).all()
    assert sorted(organisations) == [
        "Demo Kommune, Hjemmesygeplejen",
        "Demo Lægepraksis",
        "Demo Regionshospital",
    ]
    assert sorted(teams) == ["AK-klinik (demo)", "Lungeteam (demo)", "Sårklinik (demo)"]


@pytest.mark.slow  # a `telemon serve` of its own
def test_telemon_serve_starts_with_nothing_configured(tmp_path: Any) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEMON_")}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "telemon", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        spec = None
        deadline = time.monotonic() + 60
        while spec is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json") as r:
                    spec = json.load(r)
            except OSError:
                time.sleep(0.3)
        assert spec is not None, (tmp_path / "serve.log").read_text()
        assert "/api/v1/observations" in spec["paths"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
            assert page.url.endswith("/sign-in?next=/")
        # Readable by telemon's own user only, like the photos (issue 21.16).
        assert (tmp_path / "instance" / "telemon.db").stat().st_mode & 0o777 == 0o600
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    printed = (tmp_path / "serve.log").read_text()
    assert f"Sign in:  http://127.0.0.1:{port}/" in printed


@pytest.mark.slow  # `telemon demo` and a `telemon serve` of its own
def test_mailed_links_name_the_address_telemon_serve_listens_on(tmp_path: Any) -> None:
    """TELEMON_BASE_URL unset: the alert mail links to the port the server was started on."""
    import email
    import sqlite3
    from datetime import UTC, datetime

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEMON_")}
    demo = subprocess.run(
        [sys.executable, "-m", "telemon", "demo"], cwd=tmp_path, env=env, capture_output=True
    )
    assert demo.returncode == 0, demo.stderr.decode()
    with sqlite3.connect(tmp_path / "instance" / "telemon.db") as conn:
        (patient_id,) = conn.execute(
            "SELECT patient_id FROM user WHERE username = 'demo-patient'"
        ).fetchone()
    outbox = tmp_path / "instance" / "outbox"
    assert outbox.stat().st_mode & 0o777 == 0o700  # mail for telemon's own user only
    before = set(outbox.glob("*.eml"))
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "telemon", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        token = None
        deadline = time.monotonic() + 60
        while token is None and time.monotonic() < deadline:
            try:
                token = _json_post(
                    f"{base}/api/v1/auth/token",
                    {"username": "demo-patient", "password": "demo-password"},
                )["access_token"]
            except OSError:
                time.sleep(0.3)
        assert token is not None, (tmp_path / "serve.log").read_text()
        reading = item(patient_id, "temperature", 39.9, at=datetime.now(UTC))
        _json_post(f"{base}/api/v1/observations", {"observations": [reading]}, token)
        new: list[Any] = []
        while not new and time.monotonic() < deadline:
            new = sorted(set(outbox.glob("*.eml")) - before)
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    (mail,) = [email.message_from_bytes(p.read_bytes()) for p in new]
    assert f"{base}/alerts/" in mail_text(mail)


def _json_post(url: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_production_without_a_secret_key_refuses_to_start_saying_what_to_set(
    tmp_path: Any,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEMON_")}
    env["TELEMON_DATABASE_URL"] = "postgresql+psycopg://telemon@127.0.0.1:1/telemon"
    started = subprocess.run(
        [sys.executable, "-m", "telemon", "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "TELEMON_SECRET_KEY" in started.stderr
    assert "Traceback" not in started.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()
