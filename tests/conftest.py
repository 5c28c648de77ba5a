"""Shared fixtures. Tests talk to real things: PostgreSQL, Redis, an SMTP server, Celery, Chromium.

- `app` runs on a fresh PostgreSQL database made for this test session (migrated with the real
  migrations), with background work in-process; `sqlite_app` is the embedded default.
- `world` builds a small synthetic region through the services: a hospital with a lung team,
  two municipalities, a GP practice, and a COPD patient shared with one municipality and the GP.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from telemon.app import create_app
from telemon.extensions import db

ADMIN_DATABASE_URL = os.environ.get(
    "TELEMON_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_REDIS_URL = os.environ.get("TELEMON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct-horse-battery"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of this test session's own, dropped at the end."""
    name = f"telemon_test_{uuid.uuid4().hex[:10]}"
    admin = _libpq(ADMIN_DATABASE_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_pg(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session database, brought to the latest schema by the real migrations."""
    instance = tmp_path_factory.mktemp("migrate-instance")
    app = _make_app(pg_url, str(instance), {})
    with app.app_context():
        from telemon.commands import prepare_database

        prepare_database()
        db.engine.dispose()
    return pg_url


def _make_app(database_url: str, instance: str, extra: dict[str, Any]) -> Flask:
    old = os.environ.get("TELEMON_INSTANCE")
    os.environ["TELEMON_INSTANCE"] = instance
    try:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TELEMON_REDIS_URL": None,
            "TELEMON_TASKS_IN_PROCESS": True,
            "TELEMON_SMTP_URL": None,
            "TELEMON_OUTBOX_DIR": os.path.join(instance, "outbox"),
            "TELEMON_PHOTO_DIR": os.path.join(instance, "photos"),
            "TELEMON_BASE_URL": "http://telemon.test",
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
        config.update(extra)
        return create_app(config)
    finally:
        if old is None:
            os.environ.pop("TELEMON_INSTANCE", None)
        else:
            os.environ["TELEMON_INSTANCE"] = old


def _truncate_all() -> None:
    """Empty every table, then store the reference data again (a test may have changed it)."""
    from telemon.anticoagulation.service import ensure_default_nomogram
    from telemon.patients.service import ensure_default_thresholds

    quoted = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    db.session.commit()
    ensure_default_thresholds()
    ensure_default_nomogram()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


def _postgresql_app(url: str, tmp_path: Any, config: dict[str, Any]) -> Iterator[Flask]:
    app = _make_app(url, str(tmp_path), config)
    with app.app_context():
        yield app
        db.session.rollback()
        _truncate_all()
        db.session.remove()
        db.engine.dispose()


def _embedded_app(tmp_path: Any, config: dict[str, Any]) -> Iterator[Flask]:
    app = _make_app(f"sqlite:///{tmp_path / 'telemon.db'}", str(tmp_path), config)
    with app.app_context():
        from telemon.commands import prepare_database

        prepare_database()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(migrated_pg: str, tmp_path: Any, app_config: dict[str, Any]) -> Iterator[Flask]:
    yield from _postgresql_app(migrated_pg, tmp_path, app_config)


@pytest.fixture
def sqlite_app(tmp_path: Any) -> Iterator[Flask]:
    """The embedded default: a SQLite file, in-process work, .eml outbox."""
    yield from _embedded_app(tmp_path, {})


@pytest.fixture(params=["postgresql", "embedded"])
def app_on_both(
    request: pytest.FixtureRequest, tmp_path: Any, app_config: dict[str, Any]
) -> Iterator[Flask]:
    """The app on PostgreSQL, then on the embedded default (SQLite): a test module that must
    hold on both says `app = app_on_both` by overriding the `app` fixture with it."""
    if request.param == "postgresql":
        yield from _postgresql_app(request.getfixturevalue("migrated_pg"), tmp_path, app_config)
    else:
        yield from _embedded_app(tmp_path, app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class World:
    hospital: Any
    municipality: Any
    other_municipality: Any
    gp_practice: Any
    lung_team: Any
    admin: Any
    clinician: Any
    other_clinician: Any
    nurse: Any
    other_nurse: Any
    gp: Any
    patient: Any
    patient_user: Any
    enrollment: Any


def build_world() -> World:
    """A synthetic region, built through the services a real admin would use."""
    from telemon.identity import service as identity
    from telemon.models import User
    from telemon.patients import service as patients
    from telemon.security import hash_password

    root = User(
        username="root",
        password_hash=hash_password(PASSWORD),
        role="admin",
        active=True,
        language="en",
        created_at=_now(),
    )
    db.session.add(root)
    db.session.commit()
    hospital = identity.create_organisation(root, "Synthetic Hospital", "hospital")
    municipality = identity.create_organisation(root, "Synthetic Municipality", "municipality")
    other = identity.create_organisation(root, "Other Municipality", "municipality")
    gp_practice = identity.create_organisation(root, "Synthetic GP", "gp_practice")

    def user(name: str, role: str, org: Any, by: Any = None, **extra: Any) -> Any:
        return identity.create_user(
            by or root,
            {
                "username": name,
                "password": PASSWORD,
                "role": role,
                "organisation_id": org.id if org else None,
                "email": f"{name}@example.invalid",
                **extra,
            },
        )

    admin = user("hospital-admin", "admin", hospital)
    clinician = user("clinician", "clinician", hospital)
    other_clinician = user("other-clinician", "clinician", other)
    nurse = user("nurse", "nurse", municipality)
    other_nurse = user("other-nurse", "nurse", other)
    gp = user("gp", "gp", gp_practice)
    team = identity.create_care_team(
        admin,
        {
            "name": "Lung team",
            "organisation_id": hospital.id,
            "email": "lung-team@example.invalid",
            "escalation_email": "lung-lead@example.invalid",
            "member_ids": [clinician.id],
        },
    )
    from datetime import date

    patient = patients.create_patient(
        clinician,
        {"cpr": "0101701234", "name": "Synthetic Patient", "birth_date": date(1970, 1, 1)},
    )
    # A patient's login is made by the registering organisation.
    patient_user = user("patient", "patient", hospital, by=admin, patient_id=patient.id)
    enrollment = patients.enroll(
        clinician,
        patient.id,
        {
            "programme": "copd",
            "care_team_id": team.id,
            "shared_with": [municipality.id, gp_practice.id],
        },
    )
    return World(
        hospital,
        municipality,
        other,
        gp_practice,
        team,
        admin,
        clinician,
        other_clinician,
        nurse,
        other_nurse,
        gp,
        patient,
        patient_user,
        enrollment,
    )


def _now() -> Any:
    from telemon import clock

    return clock.now()


@pytest.fixture
def world(app: Flask) -> World:
    return build_world()


def token_for(client: FlaskClient, username: str) -> dict[str, str]:
    """Sign in through the API and return the Authorization header."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    """Sign in through the web form: the client carries the session cookie from here on."""
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


@dataclass
class WoundWorld:
    base: Any
    clinic: Any
    specialist: Any
    home_nursing: Any
    enrollment: Any


@pytest.fixture
def wounds(world: Any) -> WoundWorld:
    """The world, plus a hospital wound clinic that treats world.patient's wound, shared with
    the nurse's municipality, and the nurse's home-nursing team."""
    from sqlalchemy import select

    from telemon.identity import service as identity
    from telemon.models import User
    from telemon.patients import service as patients

    root = db.session.scalar(select(User).where(User.username == "root"))
    specialist = identity.create_user(
        world.admin,
        {
            "username": "wound-specialist",
            "password": "correct-horse-battery",
            "role": "clinician",
            "organisation_id": world.hospital.id,
            "email": "wound-specialist@example.invalid",
        },
    )
    clinic = identity.create_care_team(
        world.admin,
        {
            "name": "Wound clinic",
            "organisation_id": world.hospital.id,
            "email": "wound-clinic@example.invalid",
            "escalation_email": "wound-lead@example.invalid",
            "member_ids": [specialist.id],
        },
    )
    home_nursing = identity.create_care_team(
        root,
        {
            "name": "Home nursing district 1",
            "organisation_id": world.municipality.id,
            "email": "home-nursing@example.invalid",
            "member_ids": [world.nurse.id],
        },
    )
    enrollment = patients.enroll(
        world.clinician,
        world.patient.id,
        {"programme": "wound", "care_team_id": clinic.id, "shared_with": [world.municipality.id]},
    )
    return WoundWorld(world, clinic, specialist, home_nursing, enrollment)
