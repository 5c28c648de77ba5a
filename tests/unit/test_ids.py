"""Ids written as text (FHIR ids and references, form values): ASCII digits naming a row."""

from __future__ import annotations

import pytest

from telemon.http.ids import MAX_ID, id_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 400, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),  # FHIR ids are not trimmed (forms trim before asking)
        ("", None),
        ("1.0", None),
        ("¹", None),  # str.isdigit() says yes, int() refuses
        ("٣", None),  # str.isdigit() says yes, int() reads 3
        ("１２", None),  # fullwidth digits
    ],
)
def test_an_id_is_ascii_digits_naming_a_row(text: str, expected: int | None) -> None:
    assert id_from_text(text) == expected
