"""Database errors keep patient data out of logs.

`hide_parameters` (config.engine_options) keeps SQL parameters out of error messages, but
PostgreSQL adds its own DETAIL, CONTEXT, HINT and WHERE lines, which quote the values
("Key (cpr)=(...) already exists"). They are cut from the driver's error and from
SQLAlchemy's before anything can log either: a traceback shows the first line of the
server's message, the statement (with placeholders) and nothing more.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_QUOTING_LINE = re.compile(r"^\s*(DETAIL|CONTEXT|HINT|WHERE|LINE \d+|QUERY):")


def without_quoted_values(message: str) -> str:
    """The message without the server's lines that quote data."""
    return "\n".join(line for line in message.split("\n") if not _QUOTING_LINE.match(line))


def _strip(error: BaseException | None) -> None:
    if error is not None:
        error.args = tuple(
            without_quoted_values(arg) if isinstance(arg, str) else arg for arg in error.args
        )


@event.listens_for(Engine, "handle_error")
def _redact(context: Any) -> None:
    if context.dialect is not None and context.dialect.name == "postgresql":
        _strip(context.original_exception)
        _strip(context.sqlalchemy_exception)
