"""Missing measurements and the digest hour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class MeasurementSchedule:
    interval_days: int = 1
    grace_hours: float = 2.0
    expected_codes: tuple[str, ...] = ("spo2",)


def schedule_from(overrides: Mapping[str, object] | None) -> MeasurementSchedule:
    values: dict[str, object] = {}
    for key, value in (overrides or {}).items():
        if key == "expected_codes":
            if not isinstance(value, list | tuple) or not value:
                raise ValueError("expected_codes must be a non-empty list.")
            values[key] = tuple(str(v) for v in value)
        elif key in ("interval_days", "grace_hours"):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{key} must be a positive number.")
            values[key] = int(value) if key == "interval_days" else float(value)
        else:
            raise ValueError(f"Unknown setting {key!r}.")
    return MeasurementSchedule(**values)  # type: ignore[arg-type]


def _end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def missing_since(
    schedule: MeasurementSchedule,
    enrolled_at: datetime,
    last_measured_at: datetime | None,
    now: datetime,
    tz: ZoneInfo = COPENHAGEN,
) -> date | None:
    covered = (last_measured_at or enrolled_at).astimezone(tz).date()
    due = covered + timedelta(days=schedule.interval_days)
    if now >= _end_of_local_day(due, tz) + timedelta(hours=schedule.grace_hours):
        return due
    return None


def digest_due(
    now: datetime,
    last_digest_day: date | None,
    send_at_local_hour: int = 7,
    tz: ZoneInfo = COPENHAGEN,
) -> date | None:
    local = now.astimezone(tz)
    if local.hour >= send_at_local_hour and last_digest_day != local.date():
        return local.date()
    return None
