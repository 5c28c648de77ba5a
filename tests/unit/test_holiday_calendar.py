"""Denmark's public holidays as telemon.administration.holiday_calendar computes them."""

from __future__ import annotations

from datetime import date

from telemon.administration.holiday_calendar import coming_years, danish_public_holidays


def test_the_easter_based_days_of_2026() -> None:
    days = danish_public_holidays([2026])
    # Easter Sunday 2026 is 5 April: Maundy Thursday 2 April, Good Friday 3 April, Easter
    # Monday 6 April; Ascension 39 days after Easter (14 May); Whit Monday 50 days (25 May).
    assert days[date(2026, 4, 2)] == "Skærtorsdag"
    assert days[date(2026, 4, 3)] == "Langfredag"
    assert days[date(2026, 4, 6)] == "Anden påskedag"
    assert days[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert days[date(2026, 5, 25)] == "Anden pinsedag"
    assert days[date(2026, 12, 25)] == "Juledag" and date(2026, 12, 24) not in days
    assert len(days) == 10


def test_the_law_changes_store_bededag_is_gone_from_2024() -> None:
    assert date(2023, 5, 5) in danish_public_holidays([2023])  # Store Bededag 2023
    assert date(2024, 4, 26) not in danish_public_holidays([2024])


def test_coming_years_start_with_this_one() -> None:
    assert coming_years(date(2026, 12, 31), 3) == [2026, 2027, 2028]
    assert coming_years(date(2026, 1, 1), 0) == []
    assert danish_public_holidays([]) == {}
