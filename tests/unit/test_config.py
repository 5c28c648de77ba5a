"""Configuration that protects health data."""

import os
import stat
from pathlib import Path

import pytest


def test_sql_parameters_never_reach_error_messages() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from telemon.config import engine_options

    engine = create_engine("sqlite://", **engine_options("sqlite://"))
    with engine.connect() as conn:
        conn.execute(text("create table p (cpr text unique)"))
        conn.execute(text("insert into p values (:c)"), {"c": "0101701234"})
        try:
            conn.execute(text("insert into p values (:c)"), {"c": "0101701234"})
        except SQLAlchemyError as error:
            assert "0101701234" not in str(error)
        else:
            raise AssertionError("the duplicate should have been refused")


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from telemon.config import MissingSecretKey, load_config

    monkeypatch.setenv("TELEMON_DATABASE_URL", "postgresql+psycopg://x@127.0.0.1/telemon")
    monkeypatch.delenv("TELEMON_SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="set TELEMON_SECRET_KEY"):
        load_config(str(tmp_path))
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("TELEMON_SECRET_KEY", "k" * 64)
    assert load_config(str(tmp_path))["SECRET_KEY"] == "k" * 64


def test_the_embedded_database_file_is_its_owners_only(tmp_path: Path) -> None:
    from telemon.config import private_database_file

    path = tmp_path / "instance" / "telemon.db"
    private_database_file(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)  # made by an older telemon
    private_database_file(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private_database_file("sqlite://")  # in memory: nothing to do
