"""Many rows into one table in one statement: the busiest writes (an upload's observations,
the audit rows of an upload or a list read).

On PostgreSQL the rows go in as one array per column, unnested into the table
(`INSERT … SELECT * FROM unnest(…)`): one statement text whatever the number of rows, so psycopg
converts it once and PostgreSQL runs one statement. What SQLAlchemy writes otherwise is either a
multi-row VALUES list (17 placeholders a row for an observation: a new text for every batch size,
which psycopg parses anew each time, a quarter of a batch's CPU in the API) or, without
RETURNING, one INSERT per row (200 statements for a page of the alert list's audit rows).
Arrays keep their order, so the rows go in in the order given. SQLite, and a single row, get
SQLAlchemy's own insert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result

from telemon.extensions import db


class BulkInsert:
    """INSERT of rows (dicts holding `columns`) into `table`; with `skip_conflicts_on`,
    ON CONFLICT (that column) DO NOTHING; with `returning`, RETURNING those columns."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        skip_conflicts_on: str | None = None,
        returning: Sequence[str] = (),
    ) -> None:
        self.columns = tuple(columns)
        pg = postgresql.dialect()
        arrays = ", ".join(
            f"CAST(:{name} AS {table.c[name].type.compile(dialect=pg)}[])" for name in columns
        )
        conflict = f" ON CONFLICT ({skip_conflicts_on}) DO NOTHING" if skip_conflicts_on else ""
        back = f" RETURNING {', '.join(returning)}" if returning else ""
        # Written from the table's own names and types, nothing from a request.
        self._postgresql = text(
            f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT * FROM unnest({arrays}){conflict}{back}"
        )
        self._plain: dict[str, Any] = {}
        for dialect, module in (("postgresql", postgresql), ("sqlite", sqlite)):
            plain: Any = module.insert(table)
            if skip_conflicts_on:
                plain = plain.on_conflict_do_nothing(index_elements=[table.c[skip_conflicts_on]])
            if returning:
                plain = plain.returning(*(table.c[name] for name in returning))
            self._plain[dialect] = plain

    def execute(self, rows: list[dict[str, Any]]) -> Result[Any]:
        """Insert the rows (at least one) in the current transaction. A single row goes in as a
        plain INSERT: its text is constant too, and arrays of one cost more to send (an audit
        row, mostly NULLs, took 1.7 M instructions more as arrays)."""
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql" and len(rows) > 1:
            arrays = {name: [row[name] for row in rows] for name in self.columns}
            return db.session.execute(self._postgresql, arrays)
        values = [{name: row[name] for name in self.columns} for row in rows]
        return db.session.execute(self._plain[dialect], values[0] if len(values) == 1 else values)
