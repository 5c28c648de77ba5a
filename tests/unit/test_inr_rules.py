"""The anticoagulation clinic's alert rules, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from telemon.anticoagulation.inr_rules import (
    InrAlertSettings,
    inr_reason,
    inr_settings_from,
    inr_severity,
    is_test_missed,
    poor_control,
)
from telemon.clinical_text import reason_text

S = InrAlertSettings()


@pytest.mark.parametrize(
    ("inr", "expected"),
    [
        (1.4, "red"),
        (1.5, "red"),  # "1.5 or below"
        (1.6, "yellow"),
        (1.9, "yellow"),
        (2.0, None),
        (3.0, None),  # exactly on the target limit is in range
        (3.1, "yellow"),
        (4.2, "yellow"),
        (4.9, "yellow"),
        (5.0, "red"),  # "5.0 or above"
        (8.0, "red"),
    ],
)
def test_severity_bands_for_target_2_to_3(inr: float, expected: str | None) -> None:
    assert inr_severity(inr, 2.0, 3.0, S) == expected


def test_mitral_valve_target() -> None:
    assert inr_severity(2.4, 2.5, 3.5, S) == "yellow"
    assert inr_severity(3.5, 2.5, 3.5, S) is None


def test_reason_is_data_written_in_the_readers_language() -> None:
    code, params = inr_reason(4.2, 2.0, 3.0, False)
    assert (code, params["value"], params["qualifier"]) == ("inr.above_target_range", 4.2, None)
    assert reason_text(code, params, "en") == "INR 4.2 is above the target range 2.0–3.0"
    assert reason_text(code, params, "da") == "INR 4,2 er over terapiområdet 2,0–3,0"
    code, params = inr_reason(8.0, 2.0, 3.0, True)
    assert reason_text(code, params, "en") == "INR >8 is above the target range 2.0–3.0"
    code, params = inr_reason(1.7, 2.0, 3.0, False)
    assert code == "inr.below_target_range"
    assert reason_text(code, params, "en") == "INR 1.7 is below the target range 2.0–3.0"


def test_poor_control_needs_enough_data() -> None:
    assert poor_control(55.0, 90, 5, S)
    assert not poor_control(60.0, 90, 5, S)  # exactly 60 % is not poor
    assert not poor_control(55.0, 41, 5, S)  # too few days
    assert not poor_control(55.0, 90, 2, S)  # too few tests
    assert not poor_control(None, 0, 0, S)


def test_missed_test_after_the_grace_days() -> None:
    due = date(2026, 11, 23)  # a Monday
    assert not is_test_missed(due, date(2026, 11, 9), date(2026, 11, 24), S)
    assert is_test_missed(due, date(2026, 11, 9), date(2026, 11, 25), S)
    assert not is_test_missed(due, date(2026, 11, 23), date(2026, 11, 30), S)
    assert not is_test_missed(None, None, date(2026, 11, 30), S)


def test_settings_overrides() -> None:
    assert inr_settings_from({"red_at_or_above": 4.5}).red_at_or_above == 4.5
    with pytest.raises(ValueError, match="Unknown"):
        inr_settings_from({"red_above": 4.5})
    with pytest.raises(ValueError, match="below"):
        inr_settings_from({"red_at_or_below": 6})
