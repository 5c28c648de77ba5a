"""Marshmallow fields shared by the API's schemas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marshmallow import ValidationError, fields

from telemon.http import paging


class Cursor(fields.Field[paging.Key]):
    """A keyset-paging cursor (telemon.http.paging): the `next` of a previous page, read back as the
    sort key of that page's last row. `shape` gives the key's types, e.g. (int, datetime, int)."""

    def __init__(self, shape: Sequence[type], **kwargs: Any) -> None:
        kwargs.setdefault(
            "metadata",
            {"type": "string", "description": "The `next` of the previous page: rows after it"},
        )
        super().__init__(**kwargs)
        self.shape = tuple(shape)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> paging.Key:
        if isinstance(value, str):
            try:
                return paging.decode(value, self.shape)
            except ValueError:
                pass
        raise ValidationError("Not a cursor of this list; pass the `next` of the previous page.")
