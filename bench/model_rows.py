"""Writing bench rows as telemon's models define them, so that the seeder cannot drift from the
schema unnoticed.

Every insert names the columns it fills, and those names are checked against the product's
model of the table (telemon.models) and against the table as the migrations left it in the
database: a column either does not have, or one either requires (NOT NULL, no default, not a
generated key) that the insert leaves out, raises SchemaDrift naming it, before the insert.
Columns left out that the model gives a default get it (SQLAlchemy Core applies the
models' defaults); nullable ones stay NULL, as on a row stored before the column existed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import JSON, Connection, Table, insert, inspect, text


class SchemaDrift(RuntimeError):
    """The seeder writes a table otherwise than the product's model of it."""


def required_columns(table: Table) -> set[str]:
    """The columns the model of `table` requires an insert to fill: NOT NULL, without a default
    of the model's or the database's, and not the generated key."""
    return {
        column.name
        for column in table.columns
        if not column.nullable
        and column.default is None
        and column.server_default is None
        and column is not table.autoincrement_column
    }


def database_columns(conn: Connection, table: Table) -> tuple[set[str], set[str]]:
    """The table's columns as the migrations left them in the database: (all, required)."""
    columns = inspect(conn).get_columns(table.name)
    required = {
        c["name"]
        for c in columns
        if not c["nullable"] and c.get("default") is None and not c.get("identity")
    }
    return {c["name"] for c in columns}, required


def check_columns(conn: Connection, table: Table, given: Iterable[str]) -> list[str]:
    """The column names `given`, checked against the model of `table` and against the table in
    the database; raises SchemaDrift."""
    names = list(given)
    in_database, required_there = database_columns(conn, table)
    unknown = sorted(set(names) - (set(table.columns.keys()) & in_database))
    missing = sorted((required_columns(table) | required_there) - set(names))
    problems = []
    if unknown:
        problems.append(f"writes {_listed(table, unknown)}, which the schema does not have")
    if missing:
        problems.append(f"leaves out {_listed(table, missing)}, which the schema requires")
    if problems:
        raise SchemaDrift(
            f"bench/seed.py {'; and '.join(problems)}: update the seeder to the schema "
            "(telemon/models, telemon/migrations)"
        )
    return names


def _listed(table: Table, names: Sequence[str]) -> str:
    return ", ".join(f"{table.name}.{name}" for name in names)


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], returning: str | None = None
) -> list[Any]:
    """Insert `rows` (dicts with the same keys) through SQLAlchemy Core, many per statement;
    with `returning`, that column's values in the order of `rows`."""
    if not rows:
        return []
    check_columns(conn, table, rows[0])
    if returning is None:
        conn.execute(insert(table), list(rows))
        return []
    statement = insert(table).returning(table.c[returning], sort_by_parameter_order=True)
    return list(conn.execute(statement, list(rows)).scalars())


def copy_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """COPY `rows` (dicts with the same keys) into `table`: the fastest way in from Python, for
    the tables too large for insert_rows. The model's defaults are filled in for the columns the
    rows leave out (COPY would leave them NULL); JSON columns are written as JSON text."""
    if not rows:
        return
    names = check_columns(conn, table, rows[0])
    defaults = {
        column.name: cast(Any, column.default).arg
        for column in table.columns
        if column.name not in names and column.default is not None
    }
    columns = [*names, *defaults]
    as_json = [isinstance(table.c[name].type, JSON) for name in columns]
    fixed = [arg(None) if callable(arg) else arg for arg in defaults.values()]
    quote = conn.dialect.identifier_preparer
    listed = ", ".join(quote.quote(name) for name in columns)
    psycopg_conn = conn.connection.driver_connection  # the psycopg connection under `conn`
    assert psycopg_conn is not None
    cursor = psycopg_conn.cursor()
    with cursor.copy(f"COPY {quote.format_table(table)} ({listed}) FROM STDIN") as copy:
        for row in rows:
            values = [*(row[name] for name in names), *fixed]
            copy.write_row(
                [json.dumps(v) if j else v for v, j in zip(values, as_json, strict=True)]
            )


def insert_select(
    conn: Connection,
    table: Table,
    columns: Mapping[str, str],
    source: str,
    params: Mapping[str, Any] | None = None,
) -> None:
    """INSERT INTO table (columns) SELECT expressions FROM source, generated in the database:
    `columns` maps each column to its SQL expression over `source`; `:name` binds `params`."""
    check_columns(conn, table, columns)
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(name) for name in columns)
    values = ", ".join(columns.values())
    statement = f"INSERT INTO {quote.format_table(table)} ({names}) SELECT {values} FROM {source}"  # noqa: S608
    conn.execute(text(statement), dict(params or {}))
