"""How telemon's PostgreSQL sessions are set up (the production database, not the embedded one)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from telemon.extensions import db


def test_every_execution_is_planned_with_its_values_and_without_jit(app: Flask) -> None:
    # A generic plan for the visibility joins took GET /api/v1/alerts from 28 ms to 6 s once
    # psycopg had prepared it (docs/performance.md); JIT added 30 ms to a 20 ms queue query.
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
    assert db.session.scalar(text("SHOW jit")) == "off"
