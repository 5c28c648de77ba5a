"""When the alert life cycle acts by itself: escalating a red alert nobody acknowledged, and
the hour of each team's daily digest.

Plain Python over plain values, no clock: `now` is always passed in. Days are local days in
Europe/Copenhagen (a clinician's day), instants are compared in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def escalation_due(
    raised_at: datetime,
    acknowledged_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
    after: timedelta,
) -> bool:
    """Whether an alert must be escalated now: nobody has acknowledged it, it has not been
    escalated before (escalation happens once), and at least `after` has passed since it was
    raised (exactly `after` counts as due). All datetimes timezone-aware.
    """
    return acknowledged_at is None and escalated_at is None and now - raised_at >= after


def digest_due(
    now: datetime,
    last_digest_day: date | None,
    send_at_local_hour: int = 7,
    tz: ZoneInfo = COPENHAGEN,
) -> date | None:
    """The local day whose daily digest should be sent now, else None.

    That is today (local date of `now` in tz) once the local time is at or after
    send_at_local_hour:00 (0-23) and today's digest has not been sent: last_digest_day is None
    or earlier than today. A last_digest_day after today (a clock set back) sends nothing, so a
    team never gets two digests for one day. On the spring DST day an hour that does not exist
    locally (02) is reached at 03:00; on the autumn day the first 02:00 counts.

    `now` must be timezone-aware; raises ValueError otherwise or for an hour outside 0-23.
    """
    _require_aware("now", now)
    if not 0 <= send_at_local_hour <= 23:
        raise ValueError(f"send_at_local_hour must be 0-23, not {send_at_local_hour}.")
    local = now.astimezone(tz)
    today = local.date()
    if local.hour < send_at_local_hour:
        return None
    if last_digest_day is not None and last_digest_day >= today:
        return None
    return today


def _require_aware(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware.")
