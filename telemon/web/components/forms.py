"""Helpers for the forms of every audience."""

from __future__ import annotations

import math
from collections.abc import Iterable

# Ids are the database's integers: anything typed into an address or a form that is not one
# (letters, a minus, 40 digits) is no id at all, rather than a database error.
from telemon.http.ids import id_from_text


def id_value(raw: str | None) -> int | None:
    """An id typed or chosen: "12" -> 12; "", "abc", "-1", "0" or a number past MAX_ID -> None.
    Usable as werkzeug's `type=` (request.args.get("team", type=id_value))."""
    return id_from_text((raw or "").strip())


def id_list(raws: Iterable[str]) -> list[int]:
    """The ids among several chosen (a multiple select, checkboxes); the rest dropped."""
    return [value for raw in raws if (value := id_value(raw)) is not None]


# Where next=/back= may lead: telemon.web.safe_redirect.local_target, the one rule.


# What telemon's own number formatting puts between digit groups (clinical_text.number):
# typed back into a form, it is no part of the number.
_GROUP_SPACES = str.maketrans("", "", "\u00a0\u202f")


def typed_number(raw: str | None) -> float | None:
    """A number as people type it (decimal comma or point, spaces around): None when empty or
    not a finite number. float() alone reads "nan", "inf" and 1e400 (infinite): none is a
    number a clinician or a patient means."""
    text = (raw or "").strip().translate(_GROUP_SPACES).replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
