"""Forms of limits, read as limits with field errors in the reader's language; ids typed into
addresses and forms."""

from __future__ import annotations

import pytest

from telemon.copd.rules import Limits
from telemon.web.components.forms import id_list, id_value, typed_number
from telemon.web.components.limits_form import joined, parse, shown_limits


def test_decimal_commas_and_empty_limits_are_read() -> None:
    values, shown, errors = parse(
        {"spo2.warning_low": "89,5", "spo2.alert_low": " 87 "}, ["spo2"], "da"
    )
    assert errors == {}
    assert values == {
        "spo2": {"alert_high": None, "warning_high": None, "warning_low": 89.5, "alert_low": 87.0}
    }
    assert shown["spo2"]["warning_low"] == "89,5"


@pytest.mark.parametrize("typed", ["abc", "nan", "inf", "1e999", "9,9,9", "--1"])
def test_what_is_not_a_number_is_a_danish_error_of_its_measurement(typed: str) -> None:
    values, shown, errors = parse({"pulse.alert_high": typed}, ["pulse", "spo2"], "da")
    assert errors == {"pulse": ["alarm høj: ikke et tal"]}
    assert shown["pulse"]["alert_high"] == typed  # shown again to be corrected
    assert values["pulse"]["alert_high"] is None


def test_a_limit_no_measurement_reaches_is_refused() -> None:
    _, _, errors = parse({"weight.alert_high": "9" * 40}, ["weight"], "en")
    assert errors == {"weight": ["alert high: must lie between 20\u00a0kg and 350\u00a0kg"]}


def test_a_limit_beyond_what_a_reading_can_be_is_refused_in_danish() -> None:
    # An SpO2 alert_low of -5 would silence the alert; 101 % no oximeter shows (issue 21.11).
    _, _, errors = parse({"spo2.alert_low": "-5", "spo2.alert_high": "101"}, ["spo2"], "da")
    assert errors == {
        "spo2": [
            "alarm høj: skal ligge mellem 50\u00a0% og 100\u00a0%",
            "alarm lav: skal ligge mellem 50\u00a0% og 100\u00a0%",
        ]
    }


def test_limits_out_of_order_say_which_in_the_readers_language() -> None:
    form = {"spo2.warning_low": "88", "spo2.alert_low": "90"}
    _, _, errors = parse(form, ["spo2"], "da")
    assert joined(errors) == {
        "spo2": "advarsel lav (88\u00a0%) skal være over alarm lav (90\u00a0%)."
    }


def test_stored_limits_are_shown_as_the_language_writes_them() -> None:
    shown = shown_limits({"temperature": Limits(alert_high=38.5)}, ["temperature", "spo2"], "da")
    assert shown["temperature"]["alert_high"] == "38,5"
    assert shown["spo2"] == {
        f: "" for f in ("alert_high", "warning_high", "warning_low", "alert_low")
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("abc", None),
        ("-1", None),
        ("0", None),
        ("9" * 40, None),
        ("2147483648", None),
        ("2147483647", 2147483647),
        ("١٢", None),
    ],
)
def test_an_id_is_a_positive_database_integer_or_nothing(raw, expected) -> None:
    assert id_value(raw) == expected


def test_id_lists_keep_the_ids_only() -> None:
    assert id_list(["3", "abc", "9" * 40, "4"]) == [3, 4]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("85", 85.0),
        (" 37,5 ", 37.5),
        ("89.5", 89.5),
        ("1\u00a0000", 1000.0),  # what telemon's own formatting writes between digit groups
        ("", None),
        (None, None),
        ("abc", None),
        ("8 5", None),  # a slip, not 85
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("1e400", None),
    ],
)
def test_a_typed_number_is_finite_or_nothing(typed, expected) -> None:
    assert typed_number(typed) == expected
