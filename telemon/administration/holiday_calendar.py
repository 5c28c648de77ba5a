"""Denmark's public holidays, computed (PURE: no Flask, no database, no clock).

The days are the `holidays` library's (a maintained calendar: Easter-based days such as
Skærtorsdag, Langfredag, Kristi himmelfartsdag and the Whitsun days move every year, and the
law changes: Store Bededag is no holiday from 2024). Names are Danish, as the console shows
them. Days many workplaces close without their being public holidays (Grundlovsdag, Juleaften,
Nytårsaftensdag) are not among them: an administrator adds those she observes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays as holiday_library


def danish_public_holidays(years: Iterable[int]) -> dict[date, str]:
    """The public holidays of Denmark in these years, by day, with their Danish names, in
    date order. No years: none."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    calendar = holiday_library.country_holidays("DK", years=wanted, language="da")
    return {day: str(name) for day, name in sorted(calendar.items())}


def coming_years(today: date, count: int) -> list[int]:
    """This year and the ones after it: `count` years in all (0 or less: none)."""
    return [today.year + i for i in range(max(count, 0))]
