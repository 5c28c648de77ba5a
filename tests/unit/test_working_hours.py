"""Review deadlines in working time: Mon–Fri 08:00–16:00 Copenhagen, DST and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from telemon.woundcare.working_hours import (
    WorkingCalendar,
    add_working_time,
    calendar_from_settings,
    closes_at,
    is_open,
    next_opening,
    review_due_at,
)

CPH = ZoneInfo("Europe/Copenhagen")
CAL = WorkingCalendar()


def cph(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CPH)


def test_urgent_within_the_day() -> None:
    assert review_due_at(cph(2026, 11, 23, 10), "urgent", CAL) == cph(2026, 11, 23, 14)


def test_urgent_late_on_friday_runs_into_monday() -> None:
    assert review_due_at(cph(2026, 11, 27, 15), "urgent", CAL) == cph(2026, 11, 30, 11)


def test_a_deadline_exactly_at_closing_stays_on_that_day() -> None:
    assert review_due_at(cph(2026, 11, 27, 12), "urgent", CAL) == cph(2026, 11, 27, 16)


def test_requests_outside_hours_start_counting_at_opening() -> None:
    assert review_due_at(cph(2026, 11, 23, 6), "urgent", CAL) == cph(2026, 11, 23, 12)
    assert review_due_at(cph(2026, 11, 23, 20), "urgent", CAL) == cph(2026, 11, 24, 12)
    assert review_due_at(cph(2026, 11, 28, 11), "urgent", CAL) == cph(2026, 11, 30, 12)


def test_routine_is_two_working_days() -> None:
    assert review_due_at(cph(2026, 11, 23, 10), "routine", CAL) == cph(2026, 11, 25, 10)
    assert review_due_at(cph(2026, 11, 27, 15), "routine", CAL) == cph(2026, 12, 1, 15)
    assert review_due_at(cph(2026, 11, 28, 9), "routine", CAL) == cph(2026, 12, 1, 16)


def test_across_the_spring_dst_change_local_times_stay_right() -> None:
    # Summer time starts Sunday 29 March 2026, 02:00 → 03:00.
    due = review_due_at(cph(2026, 3, 27, 15), "urgent", CAL)
    assert due == cph(2026, 3, 30, 11)
    assert due.utcoffset() == timedelta(hours=2)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_across_the_autumn_dst_change_local_times_stay_right() -> None:
    # Winter time starts Sunday 25 October 2026, 03:00 → 02:00.
    due = review_due_at(cph(2026, 10, 23, 14), "routine", CAL)
    assert due == cph(2026, 10, 27, 14)
    assert due.astimezone(UTC) == datetime(2026, 10, 27, 13, 0, tzinfo=UTC)


def test_a_utc_start_is_read_in_the_clinics_zone() -> None:
    start = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)  # 08:30 in Copenhagen (summer)
    assert review_due_at(start, "urgent", CAL) == cph(2026, 6, 1, 12, 30)


def test_holidays_are_skipped() -> None:
    calendar = calendar_from_settings("Europe/Copenhagen", "08:00-16:00", "2026-12-24, 2026-12-25,")
    assert calendar.holidays == {date(2026, 12, 24), date(2026, 12, 25)}
    assert review_due_at(cph(2026, 12, 23, 14), "urgent", calendar) == cph(2026, 12, 28, 10)


def test_other_hours_and_durations() -> None:
    calendar = calendar_from_settings("Europe/Copenhagen", "07:30-15:00")
    assert calendar.start == time(7, 30) and calendar.day_length == timedelta(hours=7, minutes=30)
    assert review_due_at(cph(2026, 11, 23, 7), "urgent", calendar, urgent_hours=2) == cph(
        2026, 11, 23, 9, 30
    )
    assert review_due_at(cph(2026, 11, 23, 7), "routine", calendar, routine_days=1) == cph(
        2026, 11, 23, 15
    )


def test_zero_duration_and_bad_input() -> None:
    start = cph(2026, 11, 28, 11)
    assert add_working_time(start, timedelta(0), CAL) == start
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 11, 23, 10), timedelta(hours=1), CAL)
    with pytest.raises(ValueError):
        add_working_time(start, timedelta(hours=-1), CAL)
    with pytest.raises(ValueError):
        review_due_at(start, "whenever", CAL)
    with pytest.raises(ValueError):
        WorkingCalendar(start=time(16), end=time(8))
    with pytest.raises(ValueError):
        WorkingCalendar(workdays=frozenset())


def test_open_from_opening_to_closing_on_working_days() -> None:
    assert not is_open(cph(2026, 11, 20, 7, 59), CAL)
    assert is_open(cph(2026, 11, 20, 8, 0), CAL)  # opening included
    assert is_open(cph(2026, 11, 20, 15, 59), CAL)
    assert not is_open(cph(2026, 11, 20, 16, 0), CAL)  # closing excluded
    assert not is_open(cph(2026, 11, 21, 10, 0), CAL)  # Saturday
    assert not is_open(
        cph(2026, 12, 24, 10, 0), WorkingCalendar(holidays=frozenset({date(2026, 12, 24)}))
    )
    # A UTC moment is read in Copenhagen: 07:30 UTC is 08:30 in November.
    assert is_open(datetime(2026, 11, 20, 7, 30, tzinfo=UTC), CAL)
    assert closes_at(cph(2026, 11, 20, 9, 0), CAL) == cph(2026, 11, 20, 16, 0)
    assert closes_at(cph(2026, 11, 20, 17, 0), CAL) is None


def test_the_next_opening() -> None:
    # Friday evening: Monday 08:00; Friday before opening: the same day.
    assert next_opening(cph(2026, 11, 20, 20, 7), CAL) == cph(2026, 11, 23, 8, 0)
    assert next_opening(cph(2026, 11, 20, 6, 0), CAL) == cph(2026, 11, 20, 8, 0)
    # While open: the next day's opening (strictly after).
    assert next_opening(cph(2026, 11, 19, 10, 0), CAL) == cph(2026, 11, 20, 8, 0)
    easter = WorkingCalendar(
        holidays=frozenset({date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29)})
    )
    # Wednesday before Easter, evening: Maundy Thursday, Good Friday, the weekend and Easter
    # Monday are closed: Tuesday 30 March at 08:00 (summer time by then).
    assert next_opening(cph(2027, 3, 24, 18, 0), easter) == cph(2027, 3, 30, 8, 0)
    with pytest.raises(ValueError):
        next_opening(datetime(2026, 11, 20, 8, 0), CAL)
