import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from telemon.woundcare.trajectory import (
    AreaPoint,
    TrajectoryRule,
    healing_trajectory,
)

T0 = datetime(2025, 1, 6, 10, 0, tzinfo=UTC)


def point(days: float, area_cm2: float) -> AreaPoint:
    return AreaPoint(assessed_at=T0 + timedelta(days=days), area_cm2=area_cm2)


def test_venous_ulcer_exactly_40_percent_at_28_days_is_on_track() -> None:
    result = healing_trajectory([point(0, 10.0), point(28, 6.0)], "venous_leg_ulcer")
    assert result.reduction_percent == 40.0
    assert result.days_since_baseline == 28.0
    assert not result.not_healing_as_expected
    assert result.reason is None


def test_exact_percentage_survives_float_noise() -> None:
    # (8.1 - 4.86) / 8.1 * 100 is 39.99999999999999 in binary floating point.
    result = healing_trajectory([point(0, 8.1), point(28, 4.86)], "venous_leg_ulcer")
    assert result.reduction_percent == 40.0
    assert not result.not_healing_as_expected


def test_venous_ulcer_below_40_percent_at_exactly_28_days_flags() -> None:
    # 10 → 7 cm² is a 30% reduction.
    result = healing_trajectory(
        [point(0, 10.0), point(14, 8.0), point(28, 7.0)], "venous_leg_ulcer"
    )
    assert result.baseline_area_cm2 == 10.0
    assert result.latest_area_cm2 == 7.0
    assert result.reduction_percent == pytest.approx(30.0)
    assert result.not_healing_as_expected
    assert result.reason is not None
    assert "30.0%" in result.reason
    assert "40%" in result.reason


def test_before_28_days_never_flags() -> None:
    result = healing_trajectory([point(0, 10.0), point(27, 10.0)], "venous_leg_ulcer")
    assert result.reduction_percent == 0.0
    assert not result.not_healing_as_expected


def test_28_calendar_days_count_even_if_earlier_in_the_day() -> None:
    # Baseline Monday 10:00, latest four weeks later at 09:30: day 28 of treatment.
    latest = AreaPoint(T0 + timedelta(days=28, minutes=-30), 9.0)
    result = healing_trajectory([AreaPoint(T0, 10.0), latest], "venous_leg_ulcer")
    assert result.days_since_baseline is not None
    assert result.days_since_baseline < 28
    assert result.not_healing_as_expected


def test_elapsed_days_are_absolute_across_daylight_saving() -> None:
    copenhagen = ZoneInfo("Europe/Copenhagen")
    # 2025-03-30 clocks go forward: 10:00 to 10:00 four weeks later is 28 days minus an hour.
    start = AreaPoint(datetime(2025, 3, 10, 10, 0, tzinfo=copenhagen), 10.0)
    end = AreaPoint(datetime(2025, 4, 7, 10, 0, tzinfo=copenhagen), 9.0)
    result = healing_trajectory([start, end], "venous_leg_ulcer")
    assert result.days_since_baseline == pytest.approx(28 - 1 / 24)
    assert result.not_healing_as_expected


def test_growth_gives_negative_reduction_and_flags() -> None:
    result = healing_trajectory([point(0, 4.0), point(35, 5.0)], "diabetic_foot_ulcer")
    assert result.reduction_percent == -25.0
    assert result.not_healing_as_expected


def test_diabetic_foot_ulcer_needs_50_percent() -> None:
    on_track = healing_trajectory([point(0, 8.0), point(28, 4.0)], "diabetic_foot_ulcer")
    behind = healing_trajectory([point(0, 8.0), point(28, 4.5)], "diabetic_foot_ulcer")
    assert on_track.reduction_percent == 50.0
    assert not on_track.not_healing_as_expected
    assert behind.not_healing_as_expected


def test_single_assessment() -> None:
    result = healing_trajectory([point(0, 3.2)], "venous_leg_ulcer")
    assert result.baseline_area_cm2 == 3.2
    assert result.latest_area_cm2 == 3.2
    assert result.reduction_percent == 0.0
    assert result.days_since_baseline == 0.0
    assert not result.not_healing_as_expected


def test_no_assessments() -> None:
    result = healing_trajectory([], "venous_leg_ulcer")
    assert result.baseline_area_cm2 is None
    assert result.reduction_percent is None
    assert result.days_since_baseline is None
    assert not result.not_healing_as_expected


def test_zero_baseline_gives_no_percentage_and_no_flag() -> None:
    result = healing_trajectory([point(0, 0.0), point(30, 2.0)], "venous_leg_ulcer")
    assert result.reduction_percent is None
    assert not result.not_healing_as_expected


def test_wound_type_without_rule_never_flags() -> None:
    result = healing_trajectory([point(0, 10.0), point(60, 12.0)], "pressure_ulcer")
    assert result.reduction_percent == -20.0
    assert not result.not_healing_as_expected


def test_order_of_points_does_not_matter() -> None:
    result = healing_trajectory(
        [point(28, 7.0), point(0, 10.0), point(14, 9.0)], "venous_leg_ulcer"
    )
    assert result.baseline_area_cm2 == 10.0
    assert result.latest_area_cm2 == 7.0


def test_custom_rules() -> None:
    rules = {"pressure_ulcer": TrajectoryRule(min_reduction_percent=30.0, after_days=14)}
    result = healing_trajectory([point(0, 10.0), point(14, 8.0)], "pressure_ulcer", rules)
    assert result.not_healing_as_expected
    assert not healing_trajectory(
        [point(0, 10.0), point(14, 8.0)], "venous_leg_ulcer", rules
    ).not_healing_as_expected


@pytest.mark.parametrize("bad", [-1.0, math.nan])
def test_invalid_area_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="area_cm2"):
        healing_trajectory([point(0, 10.0), point(28, bad)], "venous_leg_ulcer")


def test_mixed_naive_and_aware_rejected() -> None:
    naive = AreaPoint(datetime(2025, 2, 3, 10, 0), 8.0)
    with pytest.raises(ValueError, match="naive"):
        healing_trajectory([point(0, 10.0), naive], "venous_leg_ulcer")
