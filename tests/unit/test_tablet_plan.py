"""The week in tablets and the overdue test (telemon.anticoagulation.tablet_plan)."""

from __future__ import annotations

from datetime import date

import pytest

from telemon.anticoagulation.tablet_plan import days_overdue, weekly_tablet_plan


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
