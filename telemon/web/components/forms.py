"""Helpers for the forms of every audience."""

from __future__ import annotations

from collections.abc import Iterable

# Ids are the database's integers: anything typed into an address or a form that is not one
# (letters, a minus, 40 digits) is no id at all, rather than a database error.
from telemon.ids import id_from_text


def id_value(raw: str | None) -> int | None:
    """An id typed or chosen: "12" -> 12; "", "abc", "-1", "0" or a number past MAX_ID -> None.
    Usable as werkzeug's `type=` (request.args.get("team", type=id_value))."""
    return id_from_text((raw or "").strip())


def id_list(raws: Iterable[str]) -> list[int]:
    """The ids among several chosen (a multiple select, checkboxes); the rest dropped."""
    return [value for raw in raws if (value := id_value(raw)) is not None]


# Where next=/back= may lead: telemon.web.safe_redirect.local_target, the one rule.
