"""Is an enrolment being monitored today? Paused and ended enrolments, in one place.

A clinician pauses monitoring for a period of local (Europe/Copenhagen) days: the patient is
admitted to hospital, or on holiday. While paused, nothing is expected from the patient, so no
missing measurement or missed INR test is a finding (no blue alert); readings that do arrive
are still evaluated. An ended enrolment is not monitored at all.

The rule is written twice on purpose, once for each place that asks:
- `is_monitored` here, over plain values, for code that holds an enrolment;
- `telemon.monitoring_sql.monitored_on`, the same rule as one SQL condition, for the
  periodic checks that select the enrolments to look at.

Plain values in, plain values out: no framework, no database, no clock (`today` is passed in).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

ACTIVE = "active"
ENDED = "ended"

# Why monitoring pauses or ends: codes stored on the enrolment, words chosen by the UI.
PAUSE_REASONS = ("admitted", "holiday", "other")
# A pause made by a MedCom HospitalNotification (telemon.medcom): admitted to hospital.
ADMITTED = "admitted"
END_REASONS = ("completed", "transferred", "declined", "deceased", "other")


def is_paused(paused_from: date | None, paused_until: date | None, day: date) -> bool:
    """Whether a pause covers this local day. Both ends are inclusive: paused from Monday until
    Wednesday means nothing is expected on Monday, Tuesday or Wednesday. No start means no
    pause; no end means paused until resumed."""
    if paused_from is None or day < paused_from:
        return False
    return paused_until is None or day <= paused_until


def is_monitored(
    status: str, paused_from: date | None, paused_until: date | None, day: date
) -> bool:
    """An enrolment is monitored on a local day when it is active and not paused that day."""
    return status == ACTIVE and not is_paused(paused_from, paused_until, day)


def ended_pause_until(
    paused_from: date | None, paused_until: date | None, today: date
) -> date | None:
    """The last paused day of a pause that is over by today, else None (no pause, one under
    way, one to come, or one without an end)."""
    if paused_from is None or paused_until is None or paused_until >= today:
        return None
    return paused_until


def counting_from(
    enrolled_at: datetime,
    paused_until: date | None,
    tz: ZoneInfo = COPENHAGEN,
    restarted_at: datetime | None = None,
) -> datetime:
    """The moment from which expected measurements count, for
    telemon.copd.schedule.missing_since: the enrolment, or the start of the last paused day
    of a pause that ended after it (ended_pause_until), or the moment a discharge restarted
    the schedule (`restarted_at`), whichever is latest. A patient back from hospital on
    Thursday (paused until Wednesday) is expected to measure on Thursday, not to have
    measured while away; one discharged on Thursday afternoon (restarted then) is expected
    to measure from Friday, a daily schedule counting from the discharge day.

    `enrolled_at` and `restarted_at` must be timezone-aware; the result is UTC."""
    if enrolled_at.utcoffset() is None:
        raise ValueError("enrolled_at must be timezone-aware.")
    if restarted_at is not None and restarted_at.utcoffset() is None:
        raise ValueError("restarted_at must be timezone-aware.")
    start = enrolled_at.astimezone(UTC)
    if paused_until is not None:
        last_paused_day = datetime.combine(paused_until, time(0), tzinfo=tz).astimezone(UTC)
        start = max(start, last_paused_day)
    if restarted_at is not None:
        start = max(start, restarted_at.astimezone(UTC))
    return start


def due_after_pause(
    due: date | None, paused_from: date | None, paused_until: date | None
) -> date | None:
    """A test or measurement due on a day that falls in a pause is due the day after the pause
    instead; while a pause has no end, nothing is due (None). A due date before or after the
    pause, or no pause, leaves it as it is."""
    if due is None or paused_from is None or due < paused_from:
        return due
    if paused_until is None:
        return None
    return due if due > paused_until else paused_until + timedelta(days=1)


def next_measurement_due(
    interval_days: int,
    counted_from: datetime,
    last_measured_at: datetime | None,
    tz: ZoneInfo = COPENHAGEN,
) -> date:
    """The local day the next measurement is due: interval_days after the last covered day,
    which is the day of the last measurement, or of `counted_from` (see counting_from) when
    that is later or nothing has arrived. The same days as telemon.copd.schedule's
    missing_since, which reports the day once it has passed without a measurement."""
    covered = counted_from.astimezone(tz).date()
    if last_measured_at is not None:
        covered = max(covered, last_measured_at.astimezone(tz).date())
    return covered + timedelta(days=interval_days)


def pause_problems(
    paused_from: date, paused_until: date | None, reason: str, today: date
) -> dict[str, str]:
    """What is wrong with a requested pause, by field; empty when it may be stored.

    A pause may start in the past (recorded afterwards) but must not have ended before today:
    a pause wholly in the past would change nothing and only confuse the record."""
    problems: dict[str, str] = {}
    if reason not in PAUSE_REASONS:
        problems["reason"] = f"One of: {', '.join(PAUSE_REASONS)}."
    if paused_until is not None:
        if paused_until < paused_from:
            problems["paused_until"] = "Must be on or after the first paused day."
        elif paused_until < today:
            problems["paused_until"] = "Must be today or later."
    return problems
