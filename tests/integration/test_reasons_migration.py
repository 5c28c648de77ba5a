"""Migration 0005 on both databases: alerts from before reasons were data get their reasons
read back from the sentences telemon wrote, and two open alerts on one measurement join."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from telemon.clinical_text import reasons_text
from telemon.extensions import db
from tests.apps import ADMIN_DATABASE_URL, libpq, make_app

MIGRATION = (
    Path(__file__).resolve().parents[2] / "telemon/migrations/versions/0005_reasons_as_data.py"
)

# Sentences as telemon wrote them before 0005 (rule, sentence, severity, status).
OLD_ALERTS = [
    ("threshold.spo2", "SpO2 85 % is below the alert limit 90 %", "red", "open"),
    (
        "spo2.drop_from_baseline",
        "SpO2 85 % is 11 points below the patient's 14-day median 96 %",
        "yellow",
        "open",
    ),
    ("threshold.pulse", "Pulse 105/min is above the warning limit 100/min", "yellow", "resolved"),
    ("weight.gain", "Weight 82.5 kg is up 2.5 kg within 3 days", "yellow", "resolved"),
    ("inr.out_of_range", "INR >8 is above the target range 2.0-3.0", "red", "resolved"),
    ("missing_measurement", "No SpO2, Pulse measurement received for 2026-11-20.", "blue", "open"),
    ("threshold.temperature", "temperature 38.5 is past the red limit", "red", "resolved"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"telemon_migrate_{uuid.uuid4().hex[:10]}"
    admin = libpq(ADMIN_DATABASE_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _old_alerts() -> None:
    """Alerts and their readings as 0008 stored them (no patients: foreign keys are off for
    this session, the rows stand for themselves)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
    at = "2026-11-20 08:00:00+00:00"
    for i, (rule, sentence, severity, status) in enumerate(OLD_ALERTS, start=1):
        db.session.execute(
            text(
                "INSERT INTO alert (id, patient_id, enrollment_id, programme, care_team_id, rule,"
                " severity, status, reason, raised_at, updated_at, visible_to_patient)"
                " VALUES (:id, 1, 1, :programme, 1, :rule, :severity, :status, :reason,"
                " :at, :at, false)"
            ),
            {
                "id": i,
                "programme": "anticoagulation" if rule.startswith("inr") else "copd",
                "rule": rule,
                "severity": severity,
                "status": status,
                "reason": sentence,
                "at": at,
            },
        )
    for alert_id, observation_id in ((1, 10), (2, 10), (2, 11)):
        db.session.execute(
            text("INSERT INTO alert_observation (alert_id, observation_id) VALUES (:a, :o)"),
            {"a": alert_id, "o": observation_id},
        )
    db.session.commit()


def test_old_sentences_become_reasons_and_one_open_alert_per_measurement(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, str(tmp_path), {})
    with app.app_context():
        upgrade(revision="0008")
        _old_alerts()
        db.session.remove()
        upgrade()
        rows = db.session.execute(
            text("SELECT id, measurement, status, reasons FROM alert ORDER BY id")
        ).all()
        links = db.session.execute(
            text("SELECT alert_id, observation_id FROM alert_observation ORDER BY 1, 2")
        ).all()
        language = db.session.execute(text("SELECT language FROM care_team")).all()
        db.session.remove()
        db.engine.dispose()
    by_id: dict[int, Any] = {r.id: r for r in rows}
    reasons = {
        i: r.reasons if isinstance(r.reasons, list) else _json(r.reasons) for i, r in by_id.items()
    }

    # The red limit alert keeps both reasons and both readings; the baseline alert is closed.
    assert (by_id[1].measurement, by_id[1].status) == ("spo2", "open")
    assert [r["code"] for r in reasons[1]] == [
        "threshold.below_alert_limit",
        "spo2.drop_from_baseline",
    ]
    assert reasons[1][0]["params"] == {"code": "spo2", "value": 85, "limit": 90}
    assert reasons[1][1]["params"] == {
        "code": "spo2",
        "value": 85,
        "drop": 11,
        "median": 96,
        "days": 14,
    }
    assert (by_id[2].measurement, by_id[2].status) == ("spo2", "resolved")
    assert [(a, o) for a, o in links if a == 1] == [(1, 10), (1, 11)]
    assert reasons_text(reasons[1], "da")[0] == "SpO2 85\xa0% er under alarmgrænsen 90\xa0%"

    assert reasons[3][0]["code"] == "threshold.above_warning_limit"
    assert reasons[3][0]["params"] == {"code": "pulse", "value": 105, "limit": 100}
    assert reasons[4][0] == {
        "code": "weight.gain",
        "params": {"code": "weight", "value": 82.5, "gain": 2.5, "days": 3},
        "severity": "yellow",
    }
    assert reasons[5][0]["params"] == {
        "value": 8,
        "qualifier": ">",
        "target_low": 2,
        "target_high": 3,
    }
    assert by_id[5].measurement == "inr"
    assert reasons[6][0]["params"] == {"codes": ["spo2", "pulse"], "day": "2026-11-20"}
    assert by_id[6].measurement == "missing"
    # A sentence from an older version is kept as it was written.
    assert reasons[7][0]["code"] == "text"
    assert reasons_text(reasons[7], "da") == ["temperature 38.5 is past the red limit"]
    assert language == []  # no teams here; the column exists with its default


def _json(value: Any) -> Any:
    import json

    return json.loads(value)


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("migration_0005", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("rule", "sentence", "code"),
    [
        (
            "threshold.cat_score",
            "CAT score 31 is above the alert limit 30",
            "threshold.above_alert_limit",
        ),
        (
            "threshold.temperature",
            "Temperature 38.4 °C is above the alert limit 38 °C",
            "threshold.above_alert_limit",
        ),
        (
            "cat_score.rise",
            "CAT score 15 is 2 points above the patient's baseline 13",
            "cat_score.rise",
        ),
        ("inr.out_of_range", "INR 1.7 is below the target range 2.0-3.0", "inr.below_target_range"),
        (
            "inr.poor_control",
            "Time in therapeutic range 45 % over the last 182 days is below 60 %",
            "inr.poor_control",
        ),
        (
            "inr.missed_test",
            "No INR received by the planned test date 2026-11-20",
            "inr.missed_test",
        ),
        (
            "wound.3.infection",
            "Signs of infection reported (left lower leg): erythema, increasing pain.",
            "wound.infection",
        ),
        (
            "wound.3.not_healing",
            "Not healing as expected (left heel): Area reduced 30.0% in 30 days; expected at "
            "least 40% after 28 days for venous leg ulcer.",
            "wound.not_healing",
        ),
        ("threshold.spo2", "Pulse 105/min is above the warning limit 100/min", "text"),
    ],
)
def test_each_sentence_telemon_wrote_is_read_back(rule: str, sentence: str, code: str) -> None:
    read, params = _migration().reason_from_sentence(rule, sentence)
    assert read == code
    shown = reasons_text([{"code": read, "params": params}], "en")[0]
    assert shown  # it renders with the parameters read back
    if code == "wound.infection":
        assert params == {"body_site": "left lower leg", "signs": ["erythema", "increasing_pain"]}
