"""When a patient is expected to measure, and when a measurement counts as missing (OpenTele's
"blue alarm").

Patients measure on their own calendar days, so days here are local days in Europe/Copenhagen,
not UTC days: a reading at 00:30 Copenhagen time belongs to that day even though it is still the
day before in UTC. A local day is not always 24 hours: the last Sunday of March has 23, the last
Sunday of October 25. All arithmetic on instants is therefore done in UTC, and only the calendar
(which day, where it ends) in local time.

Plain Python over plain values, no clock: `now` is always passed in.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class MeasurementSchedule:
    """When a patient is expected to measure.

    interval_days: a measurement is due every this many local days (1 = daily), any time of day.
    grace_hours: how long after the end of the due day (local midnight) before it counts as
    missing, so that a late-evening upload through a slow connection is not a blue alarm.
    expected_codes: the codes of which any one counts as "measured" (e.g. SpO2).
    """

    interval_days: int = 1
    grace_hours: float = 2.0
    expected_codes: tuple[str, ...] = ("spo2",)


# Clinically sensible ranges, inclusive: at least one measurement every four weeks, and no
# more than three days' grace. Beyond them the missing-measurement rule is switched off, or its
# date arithmetic overflows.
INTERVAL_DAYS_RANGE = (1, 28)
GRACE_HOURS_RANGE = (0.0, 72.0)
MAX_EXPECTED_CODES = 20


def schedule_from(
    overrides: Mapping[str, object] | None, known_codes: Collection[str] | None = None
) -> MeasurementSchedule:
    """The default MeasurementSchedule with a patient's overrides applied; None means defaults.

    interval_days must be a whole number from 1 to 28 (2.0 is accepted as 2); grace_hours a
    number from 0 to 72 (0: missing from local midnight); expected_codes a non-empty list of
    at most 20 codes, each one of `known_codes` when given. Raises ValueError naming the
    offending key for an unknown key or a bad value.
    """
    if overrides is None:
        return MeasurementSchedule()
    if not isinstance(overrides, Mapping):
        raise ValueError("The schedule must be a mapping of setting name to value.")
    changes: dict[str, Any] = {}  # checked below, field by field
    for key, value in overrides.items():
        if key == "interval_days":
            low, high = INTERVAL_DAYS_RANGE
            if not _is_number(value) or not low <= value <= high or value != int(value):
                raise ValueError(
                    f"Schedule setting 'interval_days' must be a whole number from {low} to {high}."
                )
            changes[key] = int(value)
        elif key == "grace_hours":
            low_h, high_h = GRACE_HOURS_RANGE
            if not _is_number(value) or not low_h <= value <= high_h:
                raise ValueError(
                    f"Schedule setting 'grace_hours' must be a number from {low_h:g} to {high_h:g}."
                )
            changes[key] = float(value)
        elif key == "expected_codes":
            if (
                not isinstance(value, list | tuple)
                or not value
                or len(value) > MAX_EXPECTED_CODES
                or not all(isinstance(code, str) and code for code in value)
            ):
                raise ValueError(
                    "Schedule setting 'expected_codes' must be a non-empty list of codes."
                )
            unknown = sorted(set(value) - set(known_codes)) if known_codes is not None else []
            if unknown:
                raise ValueError(
                    f"Schedule setting 'expected_codes' has unknown codes: {', '.join(unknown)}."
                )
            changes[key] = tuple(value)
        else:
            raise ValueError(
                f"Unknown schedule setting {key!r}; known: expected_codes, grace_hours, "
                "interval_days."
            )
    return replace(MeasurementSchedule(), **changes)


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int in Python, but "interval_days": true is a mistake, not 1.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def missing_since(
    schedule: MeasurementSchedule,
    enrolled_at: datetime,
    last_measured_at: datetime | None,
    now: datetime,
    tz: ZoneInfo = COPENHAGEN,
) -> date | None:
    """The first local day whose expected measurement is missing as of `now`, else None.

    The last covered day is the local date of the last measurement, or of the enrolment when
    nothing has arrived: the enrolment day itself is never expected to have a measurement, and a
    measurement from before the enrolment never moves the covered day earlier than it. The next
    measurement is due on the covered day + interval_days; it is missing once `now` is at or
    after the end of that local day (the next local midnight, 23 or 25 hours after its start on
    DST days) plus grace_hours, counted in real hours. Exactly on that moment counts as missing.
    A patient missing for several days still gets the first missing day (one blue alarm, not
    one per day). A last measurement in the future (a wrong device clock) covers up to its day.

    All datetimes must be timezone-aware; raises ValueError otherwise.
    """
    for name, moment in (("enrolled_at", enrolled_at), ("last_measured_at", last_measured_at)):
        _require_aware(name, moment)
    _require_aware("now", now)
    covered = enrolled_at.astimezone(tz).date()
    if last_measured_at is not None:
        covered = max(covered, last_measured_at.astimezone(tz).date())
    due = covered + timedelta(days=schedule.interval_days)
    # In UTC: adding hours to a local time would add wall-clock hours, an hour off across DST.
    deadline = _start_of_local_day(due + timedelta(days=1), tz) + timedelta(
        hours=schedule.grace_hours
    )
    return due if now >= deadline else None


def _start_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    # Local midnight as a UTC instant. Copenhagen changes clocks at 02:00/03:00, so midnight
    # always exists once; in a zone that skips midnight, zoneinfo's fold=0 resolves it to the
    # moment the clocks jump, which is where that day really starts.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _require_aware(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware.")
