"""The week in tablets and the overdue test (telemon.anticoagulation.tablet_plan)."""

from __future__ import annotations

from datetime import date

import pytest

from telemon.anticoagulation.tablet_plan import days_overdue, week_days, weekly_tablet_plan


def test_an_even_dose_is_the_same_every_day() -> None:
    plan = weekly_tablet_plan(35, 2.5)
    assert plan.tablets == (2, 2, 2, 2, 2, 2, 2)
    assert plan.exact and plan.total_mg == 35


def test_the_larger_days_are_spread_over_the_week() -> None:
    plan = weekly_tablet_plan(37.5, 2.5)  # 15 tablets: 4 halves a day, 2 days one half more
    assert sum(plan.tablets) == 15
    assert sorted(set(plan.tablets)) == [2.0, 2.5]
    assert plan.tablets.count(2.5) == 2
    heavy = [day for day, t in enumerate(plan.tablets) if t == 2.5]
    assert heavy[1] - heavy[0] > 1  # not two heavy days in a row
    assert plan.exact


def test_a_reduced_dose_after_inr_4_2() -> None:
    # 35 mg -10% = 31.5 mg: 12.6 tablets of 2.5 mg, rounded to 12.5 (31.25 mg), shown as inexact.
    plan = weekly_tablet_plan(31.5, 2.5)
    assert plan.total_tablets == 12.5
    assert max(plan.tablets) - min(plan.tablets) == 0.5
    assert not plan.exact and plan.total_mg == 31.25


def test_other_tablet_strengths() -> None:
    assert weekly_tablet_plan(21, 1).tablets == (3,) * 7
    assert weekly_tablet_plan(0, 2.5).tablets == (0,) * 7


def test_half_a_half_tablet_rounds_up() -> None:
    # 33.125 mg lies exactly between 13 and 13.5 tablets of 2.5 mg.
    assert weekly_tablet_plan(33.125, 2.5).total_tablets == 13.5


@pytest.mark.parametrize("dose,strength", [(-1, 2.5), (35, 0), (35, -2.5)])
def test_nonsense_is_refused(dose: float, strength: float) -> None:
    with pytest.raises(ValueError):
        weekly_tablet_plan(dose, strength)


def test_overdue_counts_from_the_day_after_the_due_day() -> None:
    due = date(2026, 12, 1)
    assert days_overdue(due, date(2026, 11, 30)) == 0
    assert days_overdue(due, due) == 0
    assert days_overdue(due, date(2026, 12, 4)) == 3
    assert days_overdue(None, due) == 0


# Wednesday 18 November 2026: its week runs Monday 16 to Sunday 22 November.
WEDNESDAY = date(2026, 11, 18)


def test_the_week_without_holds_is_the_plan() -> None:
    plan = weekly_tablet_plan(37.5, 2.5)  # 2 tablets on four days, 2½ on three
    days = week_days(WEDNESDAY, plan)
    assert [d.day for d in days] == [date(2026, 11, 16 + n) for n in range(7)]
    assert [d.state for d in days] == ["take"] * 7
    assert tuple(d.taken for d in days) == plan.tablets


def test_held_days_are_shown_held_and_count_no_tablets() -> None:
    plan = weekly_tablet_plan(35, 2.5)  # 2 tablets every day, 14 a week
    # The clinic's "hold 2 days" decided on Wednesday: Wednesday and Thursday held.
    days = week_days(WEDNESDAY, plan, [(WEDNESDAY, 2)])
    assert [d.state for d in days] == ["take", "take", "held", "held", "take", "take", "take"]
    assert [d.tablets for d in days] == [2.0] * 7  # the plan's, shown beside "held"
    assert sum(d.taken for d in days) == 10.0  # 14 - 2 days of 2
    # A hold from Saturday of 3 days: Saturday and Sunday this week, Monday is next week's.
    days = week_days(WEDNESDAY, plan, [(date(2026, 11, 21), 3)])
    assert [d.state for d in days][-3:] == ["take", "held", "held"]
    # Two holds (an earlier decision's and the pending suggestion's) both show.
    days = week_days(WEDNESDAY, plan, [(date(2026, 11, 16), 1), (WEDNESDAY, 1)])
    assert [d.state for d in days][:3] == ["held", "take", "held"]
    # A hold of 0 days holds nothing.
    assert all(d.state == "take" for d in week_days(WEDNESDAY, plan, [(WEDNESDAY, 0)]))


def test_a_pause_until_the_clinic_decides_covers_the_rest_of_the_week() -> None:
    plan = weekly_tablet_plan(35, 2.5)
    days = week_days(WEDNESDAY, plan, [(date(2026, 11, 16), 3)], paused_from=WEDNESDAY)
    # Held Monday and Tuesday; from Wednesday paused (a pause wins over a hold).
    assert [d.state for d in days] == ["held", "held"] + ["paused"] * 5
    assert sum(d.taken for d in days) == 0.0
