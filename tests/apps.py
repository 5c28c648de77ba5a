"""The apps and databases the tests run on (tests/conftest.py's fixtures are built from these).

A thousand tests cannot each afford what one costs to make: an app (`create_app` registers some
130 routes and builds the OpenAPI document, ~0.15 s), a migrated database (~1.5 s), the
synthetic world (service calls, argon2 for nine users). So they are made once and put back:

- **One PostgreSQL database per session**, migrated once. A `PostgresSnapshot` holds what a
  state of it contains (every table's rows, every sequence's position) and puts that back
  before each test: the tables emptied, the rows copied in, the sequences set. Whatever the
  test did is gone, whoever did it: the services (which commit), the audit's refusals (written
  in a transaction of their own at the request's end), in-process work (run after the commit)
  and worker processes (their own connections), because all of it was committed to this same
  database and the restore empties it. Rolling back a transaction around each test could not
  do that: those writes commit in connections of their own, and a test that depends on a
  commit happening would test something else. Measured on the shared 2-core machine (busy):
  20-150 ms a restore; TRUNCATE of the 28 tables took 0.5-0.8 s, and a database cloned from a
  template (CREATE DATABASE … TEMPLATE, ~60 ms) took 0.25-5 s to drop again.
- **The embedded default (SQLite)**: a prepared file copied over the app's file.
- **Apps kept between tests** (`Apps`): the next test gets the same app when it asks for the
  same configuration, reset to how it was built (its configuration, its lazily made
  extensions, its rate-limit counts, its outbox and photo folders). Only the most recently
  made app is kept: Flask-Limiter and Celery keep their last app's storage and broker
  process-wide, so an app made after it (by another configuration or by a test itself) ends
  its reuse.
"""

from __future__ import annotations

import copy
import graphlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from telemon.app import create_app
from telemon.extensions import db, limiter

ADMIN_DATABASE_URL = os.environ.get(
    "TELEMON_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_REDIS_URL = os.environ.get("TELEMON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# The mark of every test that uses TEST_REDIS_URL (flushes it, or runs a worker on it): when the
# suite runs in several processes (pytest-xdist, `--dist loadgroup`), those tests run one after
# another in one of them, since they share that one Redis database.
USES_TEST_REDIS = pytest.mark.xdist_group("test-redis")

_apps_made = 0  # by make_app, in this process


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    return make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def make_app(database_url: str, instance: str, extra: dict[str, Any]) -> Flask:
    """An app as the tests run it: in-process work, outbox and photos under `instance`, no
    Redis, no CSRF (a module's `app_config` fixture changes any of it)."""
    global _apps_made
    _apps_made += 1
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
            # No computed holidays: the tests' deadlines do not depend on the year they run in
            # (tests/e2e/test_public_holidays.py turns them on).
            "TELEMON_HOLIDAY_YEARS": 0,
        }
        config.update(extra)
        return create_app(config)
    finally:
        if old is None:
            os.environ.pop("TELEMON_INSTANCE", None)
        else:
            os.environ["TELEMON_INSTANCE"] = old


# ---- apps kept between tests ----------------------------------------------------------------


@dataclass
class _Kept:
    app: Flask
    asked: tuple[str, dict[str, Any]]
    serial: int  # _apps_made just after it was made
    config: dict[str, Any] = field(default_factory=dict)
    extensions: frozenset[str] = frozenset()
    broker: str = ""

    def same_broker(self) -> bool:
        """Celery's broker is the one setting tests change outside app.config (pointed
        elsewhere by tests/e2e/test_evaluation_runs.py): Celery keeps connections made to it,
        so an app whose broker was changed is not used again."""
        return bool(self.app.extensions["celery"].conf.broker_url == self.broker)

    def reset(self) -> None:
        """Back to how it was built: a test may have changed its configuration (the clock,
        TELEMON_S3_BUCKET), an extension made lazily may hold what that configuration said
        (the photo store), the rate limiter counted its sign-ins, the outbox holds its mail."""
        self.app.config.clear()
        self.app.config.update(copy.copy(self.config))
        for name in set(self.app.extensions) - self.extensions:
            del self.app.extensions[name]
        limiter.reset()
        for folder in ("TELEMON_OUTBOX_DIR", "TELEMON_PHOTO_DIR"):
            shutil.rmtree(self.config[folder], ignore_errors=True)


class Apps:
    """The app each test runs on: the one kept from the test before when it fits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.kept: _Kept | None = None
        self.made = 0

    def app_for(self, database_url: str, config: dict[str, Any]) -> Flask:
        kept = self.kept
        if (
            kept is not None
            and kept.asked == (database_url, config)
            and kept.serial == _apps_made
            and kept.same_broker()
        ):
            kept.reset()
            return kept.app
        self.made += 1
        app = make_app(database_url, str(self.root / f"app-{self.made}"), config)
        self.kept = _Kept(
            app,
            (database_url, dict(config)),
            _apps_made,
            dict(app.config),
            frozenset(app.extensions),
            app.extensions["celery"].conf.broker_url,
        )
        return app


# ---- database states ------------------------------------------------------------------------


@dataclass
class PostgresSnapshot:
    """What one state of a PostgreSQL database holds, to put back (see the module's doc)."""

    url: str
    delete_order: list[str]  # tables, each before those it refers to
    rows: dict[str, bytes]  # COPY's text format
    sequences: list[tuple[str, int, bool]]  # setval's arguments
    world_ids: dict[str, int] | None = None

    @classmethod
    def take(cls, url: str, world_ids: dict[str, int] | None = None) -> PostgresSnapshot:
        with psycopg.connect(libpq(url), autocommit=True) as conn:
            order = _delete_order(conn)
            rows = {}
            for table in order:
                with conn.cursor().copy(f"COPY {table} TO STDOUT") as copying:
                    rows[table] = b"".join(bytes(chunk) for chunk in copying)
            sequences = [
                (name, last if last is not None else start, last is not None)
                for name, last, start in conn.execute(
                    "SELECT quote_ident(sequencename), last_value, start_value FROM pg_sequences"
                    " WHERE schemaname = 'public'"
                )
            ]
        return cls(url, order, rows, sequences, world_ids)

    def restore(self) -> None:
        with psycopg.connect(libpq(self.url), autocommit=True) as conn:
            # Connections a test left behind (a worker killed mid-transaction) would hold locks.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            with conn.transaction():
                for table in self.delete_order:
                    conn.execute(f"DELETE FROM {table}")  # noqa: S608  (our own table names)
                for table in reversed(self.delete_order):
                    if self.rows[table]:
                        with conn.cursor().copy(f"COPY {table} FROM STDIN") as copying:
                            copying.write(self.rows[table])
                for name, value, called in self.sequences:
                    conn.execute("SELECT setval(%s, %s, %s)", (name, value, called))


def keep_rows_in_order(url: str) -> None:
    """No autovacuum on the session database's tables: vacuum lets new rows fill the space of
    deleted ones, and a query without ORDER BY would then read a test's rows out of the order
    they were written in (as it never did when each test began with freshly emptied tables).
    The dead rows of earlier tests only take up space; the tables stay small."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        for (table,) in tables:
            conn.execute(
                f"ALTER TABLE {table} SET"
                " (autovacuum_enabled = false, toast.autovacuum_enabled = false)"
            )


def _delete_order(conn: psycopg.Connection[Any]) -> list[str]:
    """The public tables (quoted), each before the tables it has a foreign key to."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
        )
    ]
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for table in tables:
        sorter.add(table)
    for child, parent in conn.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
    ):
        if child != parent:
            sorter.add(parent, child)  # the parent after the child that refers to it
    return list(sorter.static_order())


@dataclass
class SqliteSnapshot:
    """A prepared SQLite file, copied over the app's file before a test."""

    path: Path
    target: Path
    world_ids: dict[str, int] | None = None

    @classmethod
    def take(
        cls, target: Path, name: str, world_ids: dict[str, int] | None = None
    ) -> SqliteSnapshot:
        path = target.with_name(name)
        shutil.copyfile(target, path)
        return cls(path, target, world_ids)

    def restore(self) -> None:
        """Only while no connection is open to the file (the app's engine disposed)."""
        for leftover in ("-journal", "-wal", "-shm"):
            Path(f"{self.target}{leftover}").unlink(missing_ok=True)
        shutil.copyfile(self.path, self.target)


def create_database(name: str) -> str:
    with psycopg.connect(libpq(ADMIN_DATABASE_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    with psycopg.connect(libpq(ADMIN_DATABASE_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dispose() -> None:
    """Close the current app's session and every connection of its engine."""
    db.session.remove()
    db.engine.dispose()
