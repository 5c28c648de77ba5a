"""Every enrolment setting has a clinically sensible, finite range, in the pure validators that
the API and the web share. Values past the range used to switch rules off silently."""

from __future__ import annotations

import math

import pytest

from telemon.anticoagulation import inr_rules
from telemon.copd import rules, schedule

HUGE = (1e300, math.inf, -math.inf, math.nan, 10**30)


@pytest.mark.parametrize("key", sorted(rules.BASELINE_SETTING_RANGES))
@pytest.mark.parametrize("value", HUGE)
def test_baseline_settings_refuse_non_finite_and_huge(key: str, value: float) -> None:
    with pytest.raises(ValueError, match=key):
        rules.baseline_settings_from({key: value})


@pytest.mark.parametrize(("key", "bounds"), sorted(rules.BASELINE_SETTING_RANGES.items()))
def test_baseline_settings_ends_are_allowed(key: str, bounds: tuple[float, float]) -> None:
    for end in bounds:
        assert getattr(rules.baseline_settings_from({key: end}), key) == end
    with pytest.raises(ValueError):
        rules.baseline_settings_from({key: bounds[1] + 1})


@pytest.mark.parametrize("value", [*HUGE, 0, 29, 1.5, True])
def test_schedule_interval_is_whole_days_up_to_four_weeks(value: object) -> None:
    with pytest.raises(ValueError, match="interval_days"):
        schedule.schedule_from({"interval_days": value})
    assert schedule.schedule_from({"interval_days": 28}).interval_days == 28


@pytest.mark.parametrize("value", [*HUGE, -1, 72.5])
def test_schedule_grace_is_at_most_three_days(value: float) -> None:
    with pytest.raises(ValueError, match="grace_hours"):
        schedule.schedule_from({"grace_hours": value})
    assert schedule.schedule_from({"grace_hours": 72}).grace_hours == 72


def test_schedule_codes_must_be_known_when_the_caller_says_which() -> None:
    with pytest.raises(ValueError, match="unknown codes: nonsense"):
        schedule.schedule_from({"expected_codes": ["spo2", "nonsense"]}, known_codes={"spo2"})
    with pytest.raises(ValueError, match="expected_codes"):
        schedule.schedule_from({"expected_codes": ["spo2"] * 21})


@pytest.mark.parametrize("key", sorted(inr_rules.INR_SETTING_RANGES))
@pytest.mark.parametrize("value", HUGE)
def test_inr_settings_refuse_non_finite_and_huge(key: str, value: float) -> None:
    with pytest.raises(ValueError, match=key):
        inr_rules.inr_settings_from({key: value})


def test_inr_red_line_nan_no_longer_downgrades_an_inr_of_7_5() -> None:
    with pytest.raises(ValueError):
        inr_rules.inr_settings_from({"red_at_or_above": math.nan})
    settings = inr_rules.inr_settings_from({"red_at_or_above": 10.0})
    assert inr_rules.inr_severity(10.0, 2.0, 3.0, settings) == "red"


def test_inr_whole_number_settings() -> None:
    with pytest.raises(ValueError, match="whole"):
        inr_rules.inr_settings_from({"missed_test_grace_days": 1.5})
    assert inr_rules.inr_settings_from({"missed_test_grace_days": 2.0}).missed_test_grace_days == 2


@pytest.mark.parametrize(
    ("low", "high", "fields"),
    [
        (2.0, 3.0, set()),
        (1.5, 4.5, set()),
        (2.5, 2.5, {"inr_target_high"}),
        (1.0, 3.0, {"inr_target_low"}),
        (2.0, 9.0, {"inr_target_high"}),
        (math.nan, 3.0, {"inr_target_low"}),
        (2.0, math.inf, {"inr_target_high"}),
    ],
)
def test_target_range(low: float, high: float, fields: set[str]) -> None:
    assert set(inr_rules.target_range_problems(low, high)) == fields


@pytest.mark.parametrize("dose", [0, -5, 175.01, 100000, math.nan, math.inf])
def test_weekly_dose_refused(dose: float) -> None:
    assert inr_rules.weekly_dose_problem(dose)


@pytest.mark.parametrize("dose", [2.5, 35, 175])
def test_weekly_dose_allowed(dose: float) -> None:
    assert inr_rules.weekly_dose_problem(dose) is None
