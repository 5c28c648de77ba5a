"""Missing measurements and the digest hour, in Copenhagen days (DST included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from telemon.alerts.schedule import (
    COPENHAGEN,
    MeasurementSchedule,
    digest_due,
    missing_since,
    schedule_from,
)

DAILY = MeasurementSchedule()


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=COPENHAGEN)


def test_a_daily_measurement_is_missing_after_its_day_plus_grace() -> None:
    last = cph(2026, 11, 20, 9, 0)  # covers the 20th; due on the 21st
    assert missing_since(DAILY, cph(2026, 11, 1), last, cph(2026, 11, 22, 1, 59)) is None
    assert missing_since(DAILY, cph(2026, 11, 1), last, cph(2026, 11, 22, 2, 0)) == date(
        2026, 11, 21
    )


def test_the_enrolment_day_itself_is_not_expected() -> None:
    enrolled = cph(2026, 11, 20, 15, 0)
    assert missing_since(DAILY, enrolled, None, cph(2026, 11, 21, 23, 0)) is None
    assert missing_since(DAILY, enrolled, None, cph(2026, 11, 22, 2, 0)) == date(2026, 11, 21)


def test_local_days_not_utc_days() -> None:
    # 23:30 UTC on the 20th is 00:30 on the 21st in Copenhagen: it covers the 21st.
    last = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert missing_since(DAILY, cph(2026, 11, 1), last, cph(2026, 11, 23, 1, 0)) is None


def test_every_other_day() -> None:
    every_other = MeasurementSchedule(interval_days=2)
    last = cph(2026, 11, 20, 9, 0)
    assert missing_since(every_other, cph(2026, 11, 1), last, cph(2026, 11, 23, 1, 0)) is None
    assert missing_since(every_other, cph(2026, 11, 1), last, cph(2026, 11, 23, 2, 0)) == date(
        2026, 11, 22
    )


def test_dst_days() -> None:
    # 29 March 2026 has 23 hours in Copenhagen, 25 October 2026 has 25.
    spring = cph(2026, 3, 28, 12, 0)
    assert (
        missing_since(DAILY, cph(2026, 3, 1), spring, datetime(2026, 3, 29, 23, 59, tzinfo=UTC))
        is None
    )
    # End of the 29th local is 22:00 UTC (CEST); plus 2 h grace = 00:00 UTC on the 30th.
    assert missing_since(
        DAILY, cph(2026, 3, 1), spring, datetime(2026, 3, 30, 0, 0, tzinfo=UTC)
    ) == date(2026, 3, 29)
    autumn = cph(2026, 10, 24, 12, 0)
    # End of the 25th local is 23:00 UTC (CET); plus grace = 01:00 UTC on the 26th.
    assert (
        missing_since(DAILY, cph(2026, 10, 1), autumn, datetime(2026, 10, 26, 0, 59, tzinfo=UTC))
        is None
    )
    assert missing_since(
        DAILY, cph(2026, 10, 1), autumn, datetime(2026, 10, 26, 1, 0, tzinfo=UTC)
    ) == date(2026, 10, 25)


def test_schedule_overrides_are_checked() -> None:
    assert schedule_from({"interval_days": 2, "expected_codes": ["weight"]}) == MeasurementSchedule(
        interval_days=2, expected_codes=("weight",)
    )
    for bad in (
        {"interval": 2},
        {"interval_days": 0},
        {"expected_codes": []},
        {"grace_hours": True},
    ):
        with pytest.raises(ValueError):
            schedule_from(bad)


def test_digest_is_due_once_a_day_after_the_hour() -> None:
    assert digest_due(cph(2026, 11, 22, 6, 59), None) is None
    assert digest_due(cph(2026, 11, 22, 7, 0), None) == date(2026, 11, 22)
    assert digest_due(cph(2026, 11, 22, 7, 0), date(2026, 11, 22)) is None
    assert digest_due(cph(2026, 11, 23, 8, 0), date(2026, 11, 22)) == date(2026, 11, 23)
