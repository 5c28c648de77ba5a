"""Working time: when a review request is due, counted in the clinic's opening hours.

"Urgent: 4 working hours" asked on Friday at 15:00 is due Monday at 11:00, not Friday at 19:00.
Working time is counted in local wall-clock hours of each working day (Monday–Friday
08:00–16:00 in Europe/Copenhagen by default), so a daylight-saving change moves nothing: a
working day always holds its 8 hours, and results are correct local times whatever the UTC
offset of the day. Public holidays are a list of dates given by the caller (the default is
none: Danish holidays move with Easter and are configured per installation).

Plain values in, plain values out: no framework, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MAX_DAYS_SEARCHED = 3660  # a calendar without a working day would otherwise loop forever


@dataclass(frozen=True)
class WorkingCalendar:
    """A clinic's opening hours.

    start/end are local wall-clock times (start < end); workdays are ISO weekday numbers
    minus one (Monday 0 … Sunday 6); holidays are dates on which nobody works.
    """

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Copenhagen"))
    start: time = time(8, 0)
    end: time = time(16, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")
        if not self.workdays or not self.workdays <= set(range(7)):
            raise ValueError("workdays must be a non-empty set of weekday numbers 0-6")

    @property
    def day_length(self) -> timedelta:
        """The working time in one working day (8 hours by default)."""
        return _wall(date(2000, 1, 3), self.end) - _wall(date(2000, 1, 3), self.start)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays


def calendar_from_settings(
    zone: str, hours: str, holidays: Iterable[str] | str = ()
) -> WorkingCalendar:
    """Build a calendar from configuration text: zone "Europe/Copenhagen", hours "08:00-16:00",
    holidays as ISO dates (an iterable, or one comma-separated string; blanks ignored).

    Raises ValueError on an unknown format; zoneinfo raises on an unknown zone.
    """
    start_text, _, end_text = hours.partition("-")
    if isinstance(holidays, str):
        holidays = holidays.split(",")
    return WorkingCalendar(
        zone=ZoneInfo(zone),
        start=time.fromisoformat(start_text.strip()),
        end=time.fromisoformat(end_text.strip()),
        holidays=frozenset(date.fromisoformat(d.strip()) for d in holidays if d.strip()),
    )


def _wall(day: date, moment: time) -> datetime:
    """A naive wall-clock datetime: arithmetic on these is wall-clock arithmetic."""
    return datetime.combine(day, moment)


def add_working_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """The moment when `duration` of working time has passed after `start`.

    `start` must be timezone-aware; the result is aware, in the calendar's zone. Time before
    opening, after closing, on a non-working day or a holiday does not count. A deadline that
    falls exactly at closing time stays on that day (Friday 12:00 + 4 h is Friday 16:00, not
    Monday 08:00). A zero duration from outside working hours gives `start` itself.
    Raises ValueError for a naive start or a negative duration.
    """
    if start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if duration == timedelta(0):
        return start.astimezone(calendar.zone)
    local = start.astimezone(calendar.zone)
    day = local.date()
    cursor = local.replace(tzinfo=None)  # wall clock from here on
    remaining = duration
    for _ in range(_MAX_DAYS_SEARCHED):
        if calendar.is_working_day(day):
            opens, closes = _wall(day, calendar.start), _wall(day, calendar.end)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return _aware(begin + remaining, calendar.zone)
                remaining -= available
        day += timedelta(days=1)
        cursor = _wall(day, time(0, 0))
    raise ValueError("the calendar has no working day within ten years")


def _aware(wall: datetime, zone: ZoneInfo) -> datetime:
    # Working hours never contain a DST gap in practice (changes happen at night); fold=0
    # picks the first of an ambiguous hour, should a calendar be set to work through one.
    return wall.replace(tzinfo=zone)


def review_due_at(
    requested_at: datetime,
    urgency: str,
    calendar: WorkingCalendar,
    urgent_hours: float = 4,
    routine_days: float = 2,
) -> datetime:
    """When the clinic should have answered a review request.

    "urgent": urgent_hours working hours after requested_at (default 4);
    "routine": routine_days working days (each calendar.day_length long, default 2 × 8 h).
    A request made outside working hours starts counting when the clinic opens. Raises
    ValueError for any other urgency.
    """
    if urgency == "urgent":
        return add_working_time(requested_at, timedelta(hours=urgent_hours), calendar)
    if urgency == "routine":
        return add_working_time(requested_at, calendar.day_length * routine_days, calendar)
    raise ValueError(f"urgency must be urgent or routine, got {urgency!r}")


def is_open(moment: datetime, calendar: WorkingCalendar) -> bool:
    """Whether the clinic is open at `moment` (aware): a working day, from opening (included)
    to closing (excluded) in local wall-clock time. ValueError for a naive moment."""
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(calendar.zone)
    wall = local.replace(tzinfo=None)
    day = local.date()
    return calendar.is_working_day(day) and (
        _wall(day, calendar.start) <= wall < _wall(day, calendar.end)
    )


def closes_at(moment: datetime, calendar: WorkingCalendar) -> datetime | None:
    """When the clinic, open at `moment`, closes that day (aware, in the calendar's zone);
    None when it is not open then."""
    if not is_open(moment, calendar):
        return None
    return _aware(_wall(moment.astimezone(calendar.zone).date(), calendar.end), calendar.zone)


def next_opening(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """The first opening strictly after `moment` (aware, in the calendar's zone): later the same
    day when `moment` is before opening on a working day, else the next working day's opening.
    Holidays and non-working days are skipped. ValueError for a naive moment."""
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(calendar.zone)
    wall = local.replace(tzinfo=None)
    day = local.date()
    for _ in range(_MAX_DAYS_SEARCHED):
        opens = _wall(day, calendar.start)
        if calendar.is_working_day(day) and opens > wall:
            return _aware(opens, calendar.zone)
        day += timedelta(days=1)
    raise ValueError("the calendar has no working day within ten years")
