"""Shared fixtures. Tests talk to real things: PostgreSQL, Redis, an SMTP server, Celery, Chromium.

- `app` runs on this session's own PostgreSQL database (migrated with the real migrations),
  with background work in-process; a module changes its configuration by overriding
  `app_config`. `sqlite_app` is the embedded default; `app_on_both` is the app on each in turn.
- `world` (tests/world.py) is a small synthetic region: a hospital with a lung team, two
  municipalities, a GP practice, and a COPD patient shared with one municipality and the GP;
  `wounds` adds a wound clinic.

Each test starts from the same database (the world in it, when the test asks for `world`),
but nothing is made again for it: the database, the world and the apps are made once per
session and put back before each test (tests/apps.py says how, and why that way).

Passwords are hashed at argon2's cheapest here (production's cost is tested in
tests/unit/test_password_hashing.py and tests/e2e/test_auth_api.py). Set in the environment,
so that the processes the tests start (`telemon demo`, `telemon serve`, workers) hash alike.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from telemon.extensions import db
from tests.apps import (
    Apps,
    PostgresSnapshot,
    SqliteSnapshot,
    create_database,
    dispose,
    drop_database,
    keep_rows_in_order,
)
from tests.world import World, WoundWorld, build_world, build_wounds, load_world, world_ids

# Read at each hash (telemon.config.password_hash_cost), so setting them here is in time.
os.environ.setdefault("TELEMON_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("TELEMON_PASSWORD_HASH_MEMORY_KIB", "32")  # argon2's least for 4 lanes

# The ids of the world restored for a test, kept on the test's item for the `world` fixture.
WORLD_IDS = pytest.StashKey[dict[str, int]]()


@dataclass
class States:
    """A database the apps run on, and the two states a test starts from."""

    url: str
    bare: Any  # migrated, with the reference data `telemon init-db` stores
    world: Any  # bare, and build_world()'s region


def _prepare(apps: Apps, url: str, take: Any) -> States:
    """Migrate the database at `url` and take its two states (`take(world_ids)`)."""
    from telemon.commands import prepare_database

    app = apps.app_for(url, {})
    with app.app_context():
        prepare_database()
        dispose()
        if url.startswith("postgresql"):
            keep_rows_in_order(url)
        bare = take(None)
        ids = world_ids(build_world())
        dispose()
        world = take(ids)
    return States(url, bare, world)


@pytest.fixture(scope="session")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Apps:
    return Apps(tmp_path_factory.mktemp("apps"))


@pytest.fixture(scope="session")
def postgres(apps: Apps) -> Iterator[States]:
    """This session's PostgreSQL database, dropped at the end."""
    name = f"telemon_test_{uuid.uuid4().hex[:10]}"
    url = create_database(name)
    try:
        yield _prepare(apps, url, lambda ids: PostgresSnapshot.take(url, ids))
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def embedded(apps: Apps, tmp_path_factory: pytest.TempPathFactory) -> States:
    """The embedded default's SQLite file, and its two states as files beside it."""
    path = tmp_path_factory.mktemp("embedded") / "telemon.db"
    return _prepare(
        apps,
        f"sqlite:///{path}",
        lambda ids: SqliteSnapshot.take(path, "world.db" if ids else "bare.db", ids),
    )


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


def _app_on(
    states: States, apps: Apps, request: pytest.FixtureRequest, config: dict[str, Any]
) -> Iterator[Flask]:
    """The app for this test, on its database put back to the state the test starts from."""
    state = states.world if "world" in request.fixturenames else states.bare
    app = apps.app_for(states.url, config)
    with app.app_context():
        dispose()  # a SQLite file is copied over only with no connection open
        state.restore()
        if state.world_ids is not None:
            request.node.stash[WORLD_IDS] = state.world_ids
        yield app
        db.session.rollback()
        dispose()


@pytest.fixture
def app(
    postgres: States, apps: Apps, request: pytest.FixtureRequest, app_config: dict[str, Any]
) -> Iterator[Flask]:
    yield from _app_on(postgres, apps, request, app_config)


@pytest.fixture
def sqlite_app(embedded: States, apps: Apps, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The embedded default: a SQLite file, in-process work, .eml outbox."""
    yield from _app_on(embedded, apps, request, {})


@pytest.fixture(scope="module", params=["postgresql", "embedded"])
def backend(request: pytest.FixtureRequest) -> str:
    """Module-scoped, so that a module's tests run on one database, then on the other."""
    return str(request.param)


@pytest.fixture
def app_on_both(
    backend: str, apps: Apps, request: pytest.FixtureRequest, app_config: dict[str, Any]
) -> Iterator[Flask]:
    """The app on PostgreSQL, then on the embedded default (SQLite): a test module that must
    hold on both says `app = app_on_both` by overriding the `app` fixture with it."""
    states = request.getfixturevalue("postgres" if backend == "postgresql" else "embedded")
    yield from _app_on(states, apps, request, app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(app: Flask, request: pytest.FixtureRequest) -> World:
    ids = request.node.stash.get(WORLD_IDS, None)
    # An app fixture of a test's own making may not have restored the world: build it then.
    return load_world(ids) if ids is not None else build_world()


@pytest.fixture
def wounds(world: World) -> WoundWorld:
    """The world, plus a hospital wound clinic that treats world.patient's wound, shared with
    the nurse's municipality, and the nurse's home-nursing team."""
    return build_wounds(world)
