"""Many rows into one table in one statement: the busiest writes (an upload's observations,
the audit rows of an upload or a list read).

On PostgreSQL the rows go in as one array per column, unnested into the table
(`INSERT … SELECT * FROM unnest(…)`): one statement text whatever the number of rows, so psycopg
converts it once and PostgreSQL runs one statement. What SQLAlchemy writes otherwise is either a
multi-row VALUES list (17 placeholders a row for an observation: a new text for every batch size,
which psycopg parses anew each time, a quarter of a batch's CPU in the API) or, without
RETURNING, one INSERT per row (200 statements for a page of the alert list's audit rows).
Arrays keep their order, so the rows go in in the order given. SQLite gets SQLAlchemy's own
insert of the same rows.
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
        other: Any = sqlite.insert(table)
        if skip_conflicts_on:
            other = other.on_conflict_do_nothing(index_elements=[table.c[skip_conflicts_on]])
        if returning:
            other = other.returning(*(table.c[name] for name in returning))
        self._other = other

    def execute(self, rows: list[dict[str, Any]]) -> Result[Any]:
        """Insert the rows (at least one) in the current transaction."""
        if db.session.get_bind().dialect.name == "postgresql":
            arrays = {name: [row[name] for row in rows] for name in self.columns}
            return db.session.execute(self._postgresql, arrays)
        return db.session.execute(self._other, [{n: row[n] for n in self.columns} for row in rows])
