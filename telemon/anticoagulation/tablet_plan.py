"""The week in tablets, and whether an INR test is overdue: what a self-managing patient reads.

PURE: plain values in, plain values out; no Flask, no database.

A weekly dose in mg becomes tablets per day of the tablet strength the patient has at home
(warfarin: 2.5 mg in Denmark), in half tablets, spread over the week as evenly as it goes:
35 mg of 2.5 mg tablets is 2 tablets every day; 37.5 mg is 2 tablets on four days and 2½ on
three, the larger days spread apart (not three heavy days in a row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from telemon.anticoagulation.decision import same_dose

# Tablets are halved at home, not quartered.
TABLET_STEP = 0.5
DAYS = 7
_COUNT_NOISE = 1e-9


@dataclass(frozen=True)
class TabletPlan:
    tablets: tuple[float, ...]  # Monday first: seven counts, each a multiple of TABLET_STEP
    tablet_strength_mg: float
    weekly_dose_mg: float  # the dose asked for
    total_mg: float  # what the tablets add up to

    @property
    def exact(self) -> bool:
        """The tablets give the weekly dose exactly (else it is rounded to half tablets)."""
        return same_dose(self.total_mg, self.weekly_dose_mg)

    @property
    def total_tablets(self) -> float:
        return sum(self.tablets)


def weekly_tablet_plan(weekly_dose_mg: float, tablet_strength_mg: float) -> TabletPlan:
    """Tablets per day (Monday to Sunday) for a weekly dose, in half tablets.

    The week's total is the weekly dose rounded to the nearest half tablet (half a tablet
    exactly between two rounds up: more rather than less anticoagulation is not implied,
    the caller shows `exact` so that the clinic's dose is checked). Days differ by at most one
    half tablet; the larger days are spread over the week. A dose of 0 gives seven zeros.
    Raises ValueError for a negative dose or a tablet strength that is not positive.
    """
    if tablet_strength_mg <= 0:
        raise ValueError("The tablet strength must be above 0 mg.")
    if weekly_dose_mg < 0:
        raise ValueError("The weekly dose cannot be negative.")
    # The float noise guard keeps 37.5 / 1.25 = 29.999999999999996 half tablets at 30.
    halves = int(weekly_dose_mg / (tablet_strength_mg * TABLET_STEP) + 0.5 + _COUNT_NOISE)
    base, extra = divmod(halves, DAYS)
    tablets = tuple(
        (base + (1 if _gets_extra(day, extra) else 0)) * TABLET_STEP for day in range(DAYS)
    )
    return TabletPlan(
        tablets=tablets,
        tablet_strength_mg=tablet_strength_mg,
        weekly_dose_mg=weekly_dose_mg,
        total_mg=halves * TABLET_STEP * tablet_strength_mg,
    )


def _gets_extra(day: int, extra: int) -> bool:
    """Whether `day` (0 = Monday) is one of the `extra` days spread evenly over the week."""
    return (day + 1) * extra // DAYS > day * extra // DAYS


DayState = Literal["take", "held", "paused"]


@dataclass(frozen=True)
class DayPlan:
    """One day of the week's table: the tablets the plan gives that weekday, and whether they
    are taken ("take"), held by a decision or suggestion ("held"), or not taken because the
    plan is paused until the clinic has decided ("paused")."""

    day: date
    tablets: float
    state: DayState

    @property
    def taken(self) -> float:
        """The tablets to take that day: none when held or paused."""
        return self.tablets if self.state == "take" else 0.0


def week_days(
    today: date,
    plan: TabletPlan,
    held: Sequence[tuple[date, int]] = (),
    paused_from: date | None = None,
) -> tuple[DayPlan, ...]:
    """Monday to Sunday of `today`'s week: each weekday's tablets of `plan`, with the days of
    each hold (first day, number of days) held and every day from `paused_from` on paused (a
    pause wins over a hold). Held days outside this week are not shown; a hold of 0 days holds
    nothing."""
    monday = today - timedelta(days=today.weekday())
    held_days = {first + timedelta(days=n) for first, count in held for n in range(count)}
    days = []
    for offset in range(DAYS):
        day = monday + timedelta(days=offset)
        state: DayState = "take"
        if paused_from is not None and day >= paused_from:
            state = "paused"
        elif day in held_days:
            state = "held"
        days.append(DayPlan(day, plan.tablets[offset], state))
    return tuple(days)


def days_overdue(next_test_due: date | None, today: date) -> int:
    """How many days the INR test is overdue: 0 on the due day itself and before it, and when
    no test date is set."""
    if next_test_due is None or today <= next_test_due:
        return 0
    return (today - next_test_due).days
