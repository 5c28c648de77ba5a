"""Missing measurements and the digest hour, in Copenhagen days (DST included).

Copenhagen is UTC+1 (CET) in winter and UTC+2 (CEST) in summer; in 2026 the clocks go forward
on Sunday 29 March (02:00 -> 03:00) and back on Sunday 25 October (03:00 -> 02:00).
Every expected value below is worked out by hand in the comments.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from telemon.alerts.timing import digest_due
from telemon.copd.schedule import COPENHAGEN, MeasurementSchedule, missing_since, schedule_from

DAILY = MeasurementSchedule()
ENROLLED = datetime(2026, 1, 1, 10, 0, tzinfo=COPENHAGEN)


def cph(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- missing_since -----------------------------------------------------------------------------


def test_a_daily_measurement_is_missing_after_its_day_plus_grace() -> None:
    # Measured on the 20th: due on the 21st, which ends at local midnight; +2 h = 22nd 02:00.
    last = cph(2026, 11, 20, 9, 0)
    assert missing_since(DAILY, ENROLLED, last, cph(2026, 11, 21, 23, 59)) is None
    assert missing_since(DAILY, ENROLLED, last, cph(2026, 11, 22, 1, 59)) is None
    assert missing_since(DAILY, ENROLLED, last, cph(2026, 11, 22, 2, 0)) == date(2026, 11, 21)


def test_the_first_missing_day_is_reported_however_long_ago() -> None:
    last = cph(2026, 11, 20, 9, 0)
    assert missing_since(DAILY, ENROLLED, last, cph(2026, 11, 30, 12, 0)) == date(2026, 11, 21)


def test_the_enrolment_day_itself_is_not_expected() -> None:
    enrolled = cph(2026, 11, 20, 15, 0)
    assert missing_since(DAILY, enrolled, None, cph(2026, 11, 21, 23, 0)) is None
    assert missing_since(DAILY, enrolled, None, cph(2026, 11, 22, 2, 0)) == date(2026, 11, 21)


def test_a_measurement_before_enrolment_does_not_count_against_the_patient() -> None:
    # Without the enrolment floor the 11th would be "missing" at once.
    enrolled = cph(2026, 11, 20, 15, 0)
    before = cph(2026, 11, 10, 9, 0)
    assert missing_since(DAILY, enrolled, before, cph(2026, 11, 21, 12, 0)) is None
    assert missing_since(DAILY, enrolled, before, cph(2026, 11, 22, 2, 0)) == date(2026, 11, 21)


def test_local_days_not_utc_days() -> None:
    # 23:30 UTC on the 20th is 00:30 on the 21st in Copenhagen: it covers the 21st, so the 22nd
    # is due and missing from 23rd 02:00 local (= 01:00 UTC).
    last = utc(2026, 11, 20, 23, 30)
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 11, 23, 0, 59)) is None
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 11, 23, 1, 0)) == date(2026, 11, 22)


def test_every_other_day() -> None:
    every_other = MeasurementSchedule(interval_days=2)
    last = cph(2026, 11, 20, 9, 0)  # next due on the 22nd, missing from the 23rd 02:00
    assert missing_since(every_other, ENROLLED, last, cph(2026, 11, 22, 2, 0)) is None
    assert missing_since(every_other, ENROLLED, last, cph(2026, 11, 23, 1, 59)) is None
    assert missing_since(every_other, ENROLLED, last, cph(2026, 11, 23, 2, 0)) == date(2026, 11, 22)


def test_no_grace() -> None:
    strict = MeasurementSchedule(grace_hours=0)
    last = cph(2026, 11, 20, 9, 0)
    assert missing_since(strict, ENROLLED, last, cph(2026, 11, 21, 23, 59)) is None
    assert missing_since(strict, ENROLLED, last, cph(2026, 11, 22, 0, 0)) == date(2026, 11, 21)


def test_the_23_hour_day_in_march() -> None:
    # Due on Sunday 29 March. It ends at 30 March 00:00 CEST = 29 March 22:00 UTC; +2 h grace =
    # 30 March 00:00 UTC.
    last = cph(2026, 3, 28, 12, 0)
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 3, 29, 23, 59)) is None
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 3, 30, 0, 0)) == date(2026, 3, 29)


def test_grace_hours_across_the_spring_gap_are_real_hours() -> None:
    # Due on Saturday 28 March; it ends at 29 March 00:00 CET = 28 March 23:00 UTC. Three real
    # hours later is 02:00 UTC (04:00 CEST), not 03:00 local wall-clock time (01:00 UTC).
    late = MeasurementSchedule(grace_hours=3)
    last = cph(2026, 3, 27, 12, 0)
    assert missing_since(late, ENROLLED, last, utc(2026, 3, 29, 1, 30)) is None
    assert missing_since(late, ENROLLED, last, utc(2026, 3, 29, 2, 0)) == date(2026, 3, 28)
    assert missing_since(late, ENROLLED, last, cph(2026, 3, 29, 4, 0)) == date(2026, 3, 28)


def test_the_25_hour_day_in_october() -> None:
    # Due on Sunday 25 October. It ends at 26 October 00:00 CET = 25 October 23:00 UTC; +2 h =
    # 26 October 01:00 UTC.
    last = cph(2026, 10, 24, 12, 0)
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 10, 26, 0, 59)) is None
    assert missing_since(DAILY, ENROLLED, last, utc(2026, 10, 26, 1, 0)) == date(2026, 10, 25)


def test_grace_hours_across_the_autumn_repeat_are_real_hours() -> None:
    # Due on Saturday 24 October; it ends at 25 October 00:00 CEST = 24 October 22:00 UTC.
    # Three real hours later is 01:00 UTC, the second 02:00 local (CET).
    late = MeasurementSchedule(grace_hours=3)
    last = cph(2026, 10, 23, 12, 0)
    assert missing_since(late, ENROLLED, last, utc(2026, 10, 25, 0, 59)) is None
    assert missing_since(late, ENROLLED, last, utc(2026, 10, 25, 1, 0)) == date(2026, 10, 24)
    # The same wall-clock time twice: 02:30 CEST (00:30 UTC) is before, 02:30 CET (01:30 UTC)
    # after the deadline.
    assert missing_since(late, ENROLLED, last, cph(2026, 10, 25, 2, 30, fold=0)) is None
    assert missing_since(late, ENROLLED, last, cph(2026, 10, 25, 2, 30, fold=1)) == date(
        2026, 10, 24
    )


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        missing_since(DAILY, ENROLLED, None, datetime(2026, 11, 22, 2, 0))
    with pytest.raises(ValueError, match="last_measured_at"):
        missing_since(DAILY, ENROLLED, datetime(2026, 11, 20), cph(2026, 11, 22, 2, 0))


# --- schedule_from -----------------------------------------------------------------------------


def test_schedule_overrides() -> None:
    assert schedule_from(None) == DAILY
    assert schedule_from({}) == DAILY
    assert schedule_from(
        {"interval_days": 2.0, "grace_hours": 0, "expected_codes": ["weight", "spo2"]}
    ) == MeasurementSchedule(interval_days=2, grace_hours=0.0, expected_codes=("weight", "spo2"))


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"interval": 2}, "interval"),
        ({"interval_days": 0}, "interval_days"),
        ({"interval_days": 1.5}, "interval_days"),
        ({"interval_days": True}, "interval_days"),
        ({"interval_days": "1"}, "interval_days"),
        ({"grace_hours": -1}, "grace_hours"),
        ({"grace_hours": math.nan}, "grace_hours"),
        ({"grace_hours": True}, "grace_hours"),
        ({"expected_codes": []}, "expected_codes"),
        ({"expected_codes": "spo2"}, "expected_codes"),
        ({"expected_codes": [1]}, "expected_codes"),
        ({"expected_codes": [""]}, "expected_codes"),
    ],
)
def test_schedule_overrides_are_checked(overrides: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=f"'{key}'"):
        schedule_from(overrides)


# --- digest_due --------------------------------------------------------------------------------


def test_digest_is_due_once_a_day_after_the_hour() -> None:
    assert digest_due(cph(2026, 11, 22, 6, 59), None) is None
    assert digest_due(cph(2026, 11, 22, 7, 0), None) == date(2026, 11, 22)
    assert digest_due(cph(2026, 11, 22, 7, 0), date(2026, 11, 22)) is None
    assert digest_due(cph(2026, 11, 22, 23, 59), date(2026, 11, 21)) == date(2026, 11, 22)
    assert digest_due(cph(2026, 11, 23, 8, 0), date(2026, 11, 22)) == date(2026, 11, 23)
    assert digest_due(cph(2026, 11, 23, 8, 0), date(2026, 11, 24)) is None  # clock set back


def test_the_digest_hour_is_local() -> None:
    # 07:00 local is 06:00 UTC in winter, 05:00 UTC in summer.
    assert digest_due(utc(2026, 11, 22, 5, 59), None) is None
    assert digest_due(utc(2026, 11, 22, 6, 0), None) == date(2026, 11, 22)
    assert digest_due(utc(2026, 7, 1, 4, 59), None) is None
    assert digest_due(utc(2026, 7, 1, 5, 0), None) == date(2026, 7, 1)
    # 23:30 UTC on the 21st is already 00:30 on the 22nd in Copenhagen.
    assert digest_due(utc(2026, 11, 21, 23, 30), None, send_at_local_hour=0) == date(2026, 11, 22)


def test_a_digest_hour_skipped_by_the_spring_change_is_reached_at_03() -> None:
    # 29 March 2026: 01:59 CET is followed by 03:00 CEST.
    assert digest_due(cph(2026, 3, 29, 1, 59), None, send_at_local_hour=2) is None
    assert digest_due(cph(2026, 3, 29, 3, 0), None, send_at_local_hour=2) == date(2026, 3, 29)


def test_digest_hour_must_be_an_hour_and_now_aware() -> None:
    with pytest.raises(ValueError, match="0-23"):
        digest_due(cph(2026, 11, 22, 7, 0), None, send_at_local_hour=24)
    with pytest.raises(ValueError, match="timezone-aware"):
        digest_due(datetime(2026, 11, 22, 7, 0), None)
