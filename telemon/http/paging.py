"""Keyset paging for the long lists: GET /api/v1/alerts and the web work list (and, oldest
first with no rank, the anticoagulation worklist: after_ascending).

Both lists put the most urgent first, then the oldest: rank descending, then the other sort
columns ascending (a time, then tie-breakers that make the key unique per row). A page ends with
a cursor holding the sort key of its last row, and the next page is every row strictly after that
key in the same order. Unlike an offset, this stays right while alerts are acknowledged between
two pages: nothing is shown twice and nothing behind the cursor is skipped. A row that is raised,
or rises in rank, ahead of the cursor shows on the first page, not on the following ones.

The cursor is URL-safe base64 of a JSON list of the key's values: rank, time, id (and the work
list's kind). Opaque to clients, but no secret: it never holds patient data.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_

KeyValue = int | str | datetime
Key = tuple[KeyValue, ...]
T = TypeVar("T")

# A cursor is a handful of short values; anything much longer is not one of ours.
_MAX_CURSOR_LENGTH = 200
_BIGINT = 2**63


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None  # the cursor of the following page; None on the last page


def encode(key: Key) -> str:
    """The cursor for a page whose last row has this sort key. Times are written in UTC."""
    values = [v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v for v in key]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, shape: Sequence[type]) -> Key:
    """The sort key in a cursor made by encode(), checked against the list's key types, e.g.
    (int, datetime, int). Times come back as aware UTC datetimes.

    Raises ValueError for anything else: not base64 or JSON, another length, a wrong type, a
    time without an offset, an integer outside 64 bits.
    """
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise ValueError("cursor too long")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as error:  # binascii, Unicode and JSON errors are ValueErrors
        raise ValueError("not a cursor") from error
    if not isinstance(values, list) or len(values) != len(shape):
        raise ValueError("not a cursor of this list")
    return tuple(_value(value, kind) for value, kind in zip(values, shape, strict=True))


def _value(value: Any, kind: type) -> KeyValue:
    if kind is int and type(value) is int and -_BIGINT <= value < _BIGINT:
        return value
    if kind is str and isinstance(value, str):
        return value
    if kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
        except (ValueError, OverflowError) as error:
            raise ValueError("not a time") from error
    raise ValueError(f"expected {kind.__name__}")


def order(
    rank: SQLColumnExpression[Any], *rest: SQLColumnExpression[Any]
) -> list[ColumnElement[Any]]:
    """ORDER BY for a list: rank descending, then the rest ascending."""
    return [rank.desc(), *(column.asc() for column in rest)]


def after(
    key: Key, rank: SQLColumnExpression[Any], *rest: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """The rows strictly after `key` in order(rank, *rest).

    The row comparison written out, because SQLite and PostgreSQL cannot compare a row whose
    columns go in different directions:
        rank < r OR (rank = r AND (t > t0 OR (t = t0 AND id > i)))
    """
    return _after(key, (rank, *rest), rank_descending=True)


def after_ascending(key: Key, *columns: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """The rows strictly after `key` in a list sorted by every column ascending (oldest first,
    then a tie-breaker: the anticoagulation worklist), written out as after() is."""
    return _after(key, columns, rank_descending=False)


def _after(
    key: Key, columns: Sequence[SQLColumnExpression[Any]], rank_descending: bool
) -> ColumnElement[bool]:
    if len(key) != len(columns):
        raise ValueError(f"a key of {len(columns)} values expected, got {len(key)}")
    condition: ColumnElement[bool] | None = None
    for position in reversed(range(len(columns))):
        column, value = columns[position], key[position]
        beyond = column < value if position == 0 and rank_descending else column > value
        condition = beyond if condition is None else or_(beyond, and_(column == value, condition))
    assert condition is not None
    return condition


def page(rows: list[T], limit: int, key: Callable[[T], Key]) -> Page[T]:
    """A page from rows fetched with LIMIT limit + 1: the extra row only says there are more."""
    if len(rows) <= limit:
        return Page(rows, None)
    items = rows[:limit]
    return Page(items, encode(key(items[-1])))
