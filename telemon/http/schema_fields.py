"""Marshmallow fields shared by the API's schemas.

A JSON body's numbers and booleans are JSON numbers and booleans: `Number`, `WholeNumber` and
`Flag` refuse text ("90", "９０", "٩٠", "9_0", "90 ") that marshmallow's own fields would read
as numbers, and `0`/`1` or "yes" as booleans. Query strings, which are text, keep the plain
fields (their schemas are the `…Query` classes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields

from telemon.http import paging
from telemon.plausible_dates import year_problem


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


NUMBER_MESSAGE = "Must be a JSON number (not text)."
WHOLE_NUMBER_MESSAGE = "Must be a whole JSON number (not text)."
FLAG_MESSAGE = "Must be true or false."


class Number(fields.Float):
    """A JSON number: an int or a float as the JSON parser made it, finite and within a
    double's range (a 5,000-digit integer is refused here, not by an OverflowError)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(NUMBER_MESSAGE)
        try:
            number = float(value)
        except OverflowError:
            raise ValidationError("Too large a number.") from None
        if not math.isfinite(number):
            raise ValidationError("Must be a finite number.")
        result: float = super()._deserialize(number, attr, data, **kwargs)
        return result


class WholeNumber(fields.Integer):
    """A whole JSON number (not true/false, not 2.5, not text). 2.0 is one, as JSON Schema's
    `integer` says (and as a web form's number arrives)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["strict"] = True
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(WHOLE_NUMBER_MESSAGE)
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


class Flag(fields.Boolean):
    """A JSON boolean: true or false only (not 0, 1, "yes" or "true")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(FLAG_MESSAGE)
        return value


class Day(fields.Date):
    """An ISO date (YYYY-MM-DD) in the years 1900-2200."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        if problem := year_problem(day):
            raise ValidationError(problem)
        return day
