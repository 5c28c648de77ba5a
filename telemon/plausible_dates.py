"""The years any date or time sent to telemon may lie in (pure: no Flask, no database).

Reading times, wound onset dates, public holidays, pauses, birth dates and FHIR date searches
alike: a year-1 or year-9999 time cannot even be converted between zones, and no record of a
living patient's care lies before 1900 or after 2200.
"""

from __future__ import annotations

from datetime import date

YEARS = (1900, 2200)


def year_problem(day: date) -> str | None:
    """Why a date is refused outright (outside YEARS), or None."""
    if YEARS[0] <= day.year <= YEARS[1]:
        return None
    return f"Must lie between the years {YEARS[0]} and {YEARS[1]}."
