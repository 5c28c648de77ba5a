"""Ids as callers send them: in paths, bodies and query strings.

Most tables' ids are PostgreSQL `integer` (and SQLite's INTEGER is 64-bit): an id past
2^31 - 1 can name nothing, and sent to the database it fails the statement. So ids are
bounded where they come in: `IdConverter` for `<int:...>` path segments (a bigger one is an
unknown URL, 404), `Id()` for schema fields (422 naming the field) and `id_from_text` for
ids inside text (FHIR ids and references, form values).
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter, Map

from telemon.http.schema_fields import WholeNumber

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:name>` in every route: 1 to MAX_ID."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_param_schema(converter: IdConverter) -> dict[str, Any]:
    """How the OpenAPI document describes such a path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def id_from_text(text: str) -> int | None:
    """An id written as text (a FHIR resource id, a reference, a form's value): ASCII digits
    naming 1 to MAX_ID, else None. `str.isdigit()` alone will not do: "¹" is a digit to it
    (and int() refuses it), and so is "٣" (which int() reads as 3)."""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def Id(*, query: bool = False, **kwargs: Any) -> fields.Integer:  # noqa: N802  (a field type)
    """An id field: a whole number from 1 to MAX_ID; in a JSON body a JSON number, in a query
    string (`query=True`) text."""
    if query:
        return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)
