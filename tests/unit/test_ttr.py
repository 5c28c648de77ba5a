"""Rosendaal TTR against hand-worked cases (continuous counting, as documented in ttr.py)."""

from datetime import date, timedelta

import pytest

from telemon.anticoagulation.ttr import InrTest, TtrResult, time_in_therapeutic_range

DAY0 = date(2026, 1, 5)


def on(day: int, inr: float) -> InrTest:
    return InrTest(on=DAY0 + timedelta(days=day), inr=inr)


def ttr(tests: list[InrTest], end_day: int, window_days: int = 182, **kw: float) -> TtrResult:
    low, high = kw.get("low", 2.0), kw.get("high", 3.0)
    return time_in_therapeutic_range(
        tests, low, high, window_end=DAY0 + timedelta(days=end_day), window_days=window_days
    )


def test_rising_through_the_top_limit_is_half_in_range() -> None:
    # 2.0 → 4.0 over 10 days: in range while INR is 2.0–3.0, i.e. days 0–5.
    result = ttr([on(0, 2.0), on(10, 4.0)], end_day=10)
    assert result.days_total == 10.0
    assert result.days_in_range == pytest.approx(5.0)
    assert result.percent == pytest.approx(50.0)
    assert result.tests_used == 2


def test_rising_into_range_from_below_is_half_in_range() -> None:
    # 1.5 → 2.5 over 10 days: reaches 2.0 on day 5.
    result = ttr([on(0, 1.5), on(10, 2.5)], end_day=10)
    assert result.percent == pytest.approx(50.0)


def test_all_in_range_is_100_percent() -> None:
    result = ttr([on(0, 2.2), on(14, 2.8), on(28, 2.5)], end_day=28)
    assert result.days_total == 28.0
    assert result.percent == pytest.approx(100.0)
    assert result.tests_used == 3


def test_flat_on_a_limit_is_in_range_and_just_above_is_not() -> None:
    assert ttr([on(0, 3.0), on(10, 3.0)], end_day=10).percent == pytest.approx(100.0)
    assert ttr([on(0, 2.0), on(10, 2.0)], end_day=10).percent == pytest.approx(100.0)
    assert ttr([on(0, 3.1), on(10, 3.1)], end_day=10).percent == 0.0


def test_several_segments() -> None:
    # 1.8→2.4 over 7 d: 0.4/0.6 in range = 4 2/3 d; 2.4→3.4 over 14 d: 0.6/1.0 = 8.4 d;
    # 3.4→2.6 over 14 d: 0.4/0.8 = 7 d. In range 20 1/15 of 35 days = 57 1/3 %.
    result = ttr([on(0, 1.8), on(7, 2.4), on(21, 3.4), on(35, 2.6)], end_day=35)
    assert result.days_total == 35.0
    assert result.days_in_range == pytest.approx(14 / 3 + 8.4 + 7)
    assert result.percent == pytest.approx(57.0 + 1 / 3)


def test_mechanical_valve_target() -> None:
    # 2.5–3.5: 2.0 → 4.0 over 10 days is in range for 1.0 of 2.0 INR units.
    result = ttr([on(0, 2.0), on(10, 4.0)], end_day=10, low=2.5, high=3.5)
    assert result.percent == pytest.approx(50.0)


def test_gap_of_57_days_is_not_interpolated() -> None:
    result = ttr([on(0, 2.5), on(57, 2.5)], end_day=57)
    assert result == TtrResult(percent=None, days_in_range=0.0, days_total=0.0, tests_used=0)


def test_gap_of_57_days_is_left_out_of_numerator_and_denominator() -> None:
    # Only the 10 days 2.0 → 4.0 count: 5 of 10 in range.
    result = ttr([on(0, 2.5), on(57, 2.0), on(67, 4.0)], end_day=67)
    assert result.days_total == 10.0
    assert result.percent == pytest.approx(50.0)
    assert result.tests_used == 2


def test_gap_of_56_days_is_interpolated() -> None:
    # 56 days flat at 2.0 (in range) + 5 of 10 days: 61 of 66.
    result = ttr([on(0, 2.0), on(56, 2.0), on(66, 4.0)], end_day=66)
    assert result.days_total == 66.0
    assert result.days_in_range == pytest.approx(61.0)
    assert result.percent == pytest.approx(6100 / 66)


def test_window_clips_the_start_and_interpolates_from_the_test_before_it() -> None:
    # 1.0 → 3.0 over 20 days. Window = the last 10 days, where INR runs 2.0 → 3.0.
    tests = [on(0, 1.0), on(20, 3.0)]
    clipped = ttr(tests, end_day=20, window_days=10)
    assert clipped.days_total == 10.0
    assert clipped.percent == pytest.approx(100.0)
    assert clipped.tests_used == 2
    whole = ttr(tests, end_day=20)
    assert whole.days_total == 20.0
    assert whole.percent == pytest.approx(50.0)


def test_window_clips_part_of_a_segment() -> None:
    # 1.0 → 4.0 over 10 days (0.3/day); window days 5–10: INR 2.5 → 4.0, reaches 3.0 at
    # day 6 2/3, so 1 2/3 of 5 days are in range.
    result = ttr([on(0, 1.0), on(10, 4.0)], end_day=10, window_days=5)
    assert result.days_total == 5.0
    assert result.days_in_range == pytest.approx(5 / 3)
    assert result.percent == pytest.approx(100 / 3)


def test_window_clips_the_end_and_uses_a_later_test() -> None:
    # 2.0 → 4.0 over days 0–10, window ends on day 5 where INR is 3.0: all 5 days in range.
    result = ttr([on(0, 2.0), on(10, 4.0)], end_day=5)
    assert result.days_total == 5.0
    assert result.percent == pytest.approx(100.0)


def test_default_window_is_182_days() -> None:
    tests = [on(day, 2.5) for day in range(0, 253, 28)]  # days 0..252, every 4 weeks
    result = ttr(tests, end_day=252)
    assert result.days_total == 182.0
    assert result.percent == pytest.approx(100.0)
    assert result.tests_used == 8  # days 56 (before the window, needed at its edge) .. 252


def test_fewer_than_two_tests_gives_none() -> None:
    assert ttr([], end_day=0).percent is None
    single = ttr([on(0, 2.5)], end_day=0)
    assert single == TtrResult(percent=None, days_in_range=0.0, days_total=0.0, tests_used=0)


def test_tests_outside_the_window_give_none() -> None:
    assert ttr([on(0, 2.5), on(10, 2.5)], end_day=300).percent is None
    assert ttr([on(100, 2.5), on(110, 2.5)], end_day=50).percent is None


def test_same_day_tests_are_averaged() -> None:
    # 1.0 and 3.0 on day 0 count as 2.0: flat 2.0 → 2.0 is in range throughout.
    result = ttr([on(0, 1.0), on(0, 3.0), on(10, 2.0)], end_day=10)
    assert result.percent == pytest.approx(100.0)
    assert result.tests_used == 2


def test_order_of_tests_does_not_matter() -> None:
    tests = [on(21, 3.4), on(0, 1.8), on(35, 2.6), on(7, 2.4)]
    assert ttr(tests, end_day=35).percent == pytest.approx(57.0 + 1 / 3)


@pytest.mark.parametrize(
    ("low", "high", "window_days", "max_gap_days"),
    [(3.0, 2.0, 182, 56), (2.0, 2.0, 182, 56), (2.0, 3.0, 0, 56), (2.0, 3.0, 182, 0)],
)
def test_invalid_arguments_raise(
    low: float, high: float, window_days: int, max_gap_days: int
) -> None:
    with pytest.raises(ValueError):
        time_in_therapeutic_range(
            [on(0, 2.5), on(10, 2.5)], low, high, DAY0, window_days, max_gap_days
        )
