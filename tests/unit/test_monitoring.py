"""Paused and ended enrolments: the pure rule (telemon.monitoring)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from telemon import monitoring as m
from telemon.copd import schedule

MON, TUE, WED, THU, FRI = (date(2026, 3, d) for d in (2, 3, 4, 5, 6))


def test_a_pause_covers_both_of_its_days_and_an_open_one_never_ends() -> None:
    assert not m.is_paused(TUE, WED, MON)
    assert m.is_paused(TUE, WED, TUE) and m.is_paused(TUE, WED, WED)
    assert not m.is_paused(TUE, WED, THU)
    assert m.is_paused(TUE, None, date(2027, 1, 1))
    assert not m.is_paused(None, None, TUE)


def test_monitored_means_active_and_not_paused() -> None:
    assert m.is_monitored("active", None, None, TUE)
    assert not m.is_monitored("active", MON, WED, TUE)
    assert m.is_monitored("active", MON, WED, THU)
    assert not m.is_monitored("ended", None, None, TUE)


def test_only_a_pause_that_is_over_moves_the_counting_start() -> None:
    assert m.ended_pause_until(MON, TUE, WED) == TUE
    assert m.ended_pause_until(MON, WED, WED) is None  # under way
    assert m.ended_pause_until(THU, FRI, WED) is None  # to come
    assert m.ended_pause_until(MON, None, WED) is None  # open


def test_back_from_hospital_the_patient_is_expected_the_day_after_the_pause() -> None:
    enrolled = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    start = m.counting_from(enrolled, WED)
    assert start.astimezone(m.COPENHAGEN).date() == WED
    plan = schedule.MeasurementSchedule(interval_days=1, grace_hours=2)
    # Thursday's measurement is not missing on Thursday evening …
    assert schedule.missing_since(plan, start, None, datetime(2026, 3, 5, 20, tzinfo=UTC)) is None
    # … but is on Friday morning.
    assert schedule.missing_since(plan, start, None, datetime(2026, 3, 6, 8, tzinfo=UTC)) == THU
    assert m.next_measurement_due(1, start, None) == THU
    assert m.counting_from(enrolled, None) == enrolled


def test_counting_from_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        m.counting_from(datetime(2026, 3, 1), None)


def test_a_due_day_inside_a_pause_moves_to_the_day_after() -> None:
    assert m.due_after_pause(TUE, MON, WED) == THU
    assert m.due_after_pause(MON, TUE, WED) == MON  # due before the pause: still due
    assert m.due_after_pause(FRI, MON, WED) == FRI
    assert m.due_after_pause(TUE, MON, None) is None  # nothing due until resumed
    assert m.due_after_pause(None, MON, WED) is None
    assert m.due_after_pause(TUE, None, None) == TUE


def test_the_next_measurement_counts_from_the_last_one() -> None:
    start = datetime(2026, 3, 1, 10, tzinfo=UTC)
    last = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen: still Tuesday
    assert m.next_measurement_due(1, start, last) == WED
    assert m.next_measurement_due(2, start, last) == THU


def test_pause_problems_name_the_field() -> None:
    assert m.pause_problems(MON, WED, "admitted", TUE) == {}
    assert "paused_until" in m.pause_problems(WED, MON, "holiday", MON)
    assert "paused_until" in m.pause_problems(MON, TUE, "holiday", WED)
    assert "reason" in m.pause_problems(MON, None, "bored", MON)
