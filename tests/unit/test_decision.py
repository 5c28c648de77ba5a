"""Who decides a dose suggestion (telemon.anticoagulation.decision): the self-managing patient
only what needs no clinician, the team anything telemon can put in force. Expected values
worked out by hand from the default nomogram (domain.md's table) and the default limits
(INR above 1.5 and below 5.0, change at most 10 %, at most one dose held)."""

from __future__ import annotations

import pytest

from telemon.anticoagulation import decision
from telemon.anticoagulation.decision import (
    Asked,
    Decided,
    Refused,
    SelfManagementLimits,
    Suggested,
    clinic_needed,
    decide,
    limits_problems,
    patient_decides,
)

LIMITS = SelfManagementLimits()


def _s(
    inr: float,
    dose: float,
    previous: float = 35.0,
    percent: float = 0.0,
    hold: int = 0,
    contact: bool = False,
) -> Suggested:
    return Suggested(inr, dose, previous, percent, hold, contact)


# INR 5.6 with 35 mg/week: the >= 5 band holds one dose and asks for the clinic, no change.
HIGH = _s(5.6, 35.0, hold=1, contact=True)
# INR 4.2: hold one dose, then -10 %: 35 * 0.9 = 31.5, rounded down to the 1.25 step: 31.25.
FOUR_TWO = _s(4.2, 31.25, percent=-10, hold=1)
# INR 2.5: in range, no change.
IN_RANGE = _s(2.5, 35.0)


def test_the_patient_accepts_what_needs_no_clinician() -> None:
    assert clinic_needed(IN_RANGE, LIMITS) is None
    assert decide(IN_RANGE, LIMITS, "patient", Asked()) == Decided("accepted", 35.0, 0)
    # Her limits hold one dose and a 10 % change: the 4.0-4.9 band is hers.
    assert decide(FOUR_TWO, LIMITS, "patient", Asked(31.25)) == Decided("accepted", 31.25, 1)


def test_a_suggestion_that_asks_for_the_clinic_is_never_the_patients() -> None:
    # The issue's INR 6.5: "hold and contact the clinic today".
    assert decide(_s(6.5, 35.0, hold=1, contact=True), LIMITS, "patient", Asked(35.0)) == (
        Refused(decision.CONTACT_CLINIC)
    )
    # Even with limits wide enough for its INR, contact_clinic decides.
    wide = SelfManagementLimits(inr_above=1.0, inr_below=8.0, max_hold_doses=3)
    assert clinic_needed(HIGH, wide) == decision.CONTACT_CLINIC
    assert Refused(decision.CONTACT_CLINIC).clinic_decides


@pytest.mark.parametrize(
    ("inr", "hers"),
    [
        (1.5, False),  # at the thrombosis line: the clinic's (inr_rules: red)
        (1.6, True),
        (4.9, True),
        (5.0, False),  # at the bleeding line: the clinic's
        (4.99999999, False),  # float noise below 5.0 is 5.0
    ],
)
def test_the_inr_range_ends_are_the_clinics(inr: float, hers: bool) -> None:
    suggested = _s(inr, 35.0)
    assert (clinic_needed(suggested, LIMITS) is None) is hers
    if not hers:
        assert clinic_needed(suggested, LIMITS) == decision.INR_OUTSIDE_LIMITS


def test_changes_and_holds_beyond_her_limits_are_the_clinics() -> None:
    # A mitral-valve patient (2.5-3.5) at INR 1.8: the table's +15 % (35 -> 40.25 -> 40).
    assert clinic_needed(_s(1.8, 40.0, percent=15), LIMITS) == decision.CHANGE_BEYOND_LIMITS
    # Exactly her 10 % is hers.
    assert clinic_needed(_s(3.5, 31.25, percent=-10), LIMITS) is None
    assert clinic_needed(_s(4.5, 31.25, percent=-10, hold=2), LIMITS) == (
        decision.HOLD_BEYOND_LIMITS
    )
    strict = SelfManagementLimits(max_change_percent=0, max_hold_doses=0)
    assert clinic_needed(FOUR_TWO, strict) == decision.CHANGE_BEYOND_LIMITS
    assert clinic_needed(_s(4.2, 35.0, hold=1), strict) == decision.HOLD_BEYOND_LIMITS


def test_a_change_the_table_could_not_make_is_the_clinics() -> None:
    # 5 mg/week + 10 % = 5.5, rounded to 1.25 steps = 5.0: the dose did not move.
    assert clinic_needed(_s(1.8, 5.0, previous=5.0, percent=10), LIMITS) == (
        decision.CHANGE_NOT_MADE
    )


def test_an_earlier_inr_outside_her_range_waits_for_the_clinic() -> None:
    # Friday's 5.6 is still open when Saturday's 3.2 suggests -10 %: her acceptance would
    # close the red alert, so the clinic decides.
    saturday = _s(3.2, 31.25, percent=-10)
    assert clinic_needed(saturday, LIMITS, [5.6]) == decision.EARLIER_INR_WAITS
    assert clinic_needed(saturday, LIMITS, [3.6, 4.2]) is None
    assert not patient_decides(saturday, LIMITS, True, [5.6])
    assert patient_decides(saturday, LIMITS, True, [4.2])


def test_only_a_self_managing_patient_decides() -> None:
    assert patient_decides(IN_RANGE, LIMITS, True)
    assert not patient_decides(IN_RANGE, LIMITS, False)
    assert not patient_decides(HIGH, LIMITS, True)


def test_the_patient_accepts_the_suggestion_as_it_stands() -> None:
    assert decide(FOUR_TWO, LIMITS, "patient", Asked(30.0)) == (
        Refused(decision.DOSE_NOT_SUGGESTED, "weekly_dose_mg")
    )
    assert decide(FOUR_TWO, LIMITS, "patient", Asked(31.25, 0)) == (
        Refused(decision.HOLD_NOT_SUGGESTED, "hold_days")
    )
    assert not Refused(decision.DOSE_NOT_SUGGESTED, "weekly_dose_mg").clinic_decides
    # A dose within the tolerance is the suggested dose (a float come back from JSON).
    assert decide(FOUR_TWO, LIMITS, "patient", Asked(31.249999999999996)) == (
        Decided("accepted", 31.25, 1)
    )


def test_the_team_confirms_or_overrides_anything_telemon_can_put_in_force() -> None:
    assert decide(HIGH, LIMITS, "team", Asked()) == Decided("confirmed", 35.0, 1)
    assert decide(HIGH, LIMITS, "team", Asked(35.0, 1)) == Decided("confirmed", 35.0, 1)
    # The issue's override: "Pause 1 dag, derefter 30 mg/uge".
    assert decide(HIGH, LIMITS, "team", Asked(30.0, 1)) == Decided("overridden", 30.0, 1)
    # The suggested dose with other held days is an override too.
    assert decide(HIGH, LIMITS, "team", Asked(35.0, 2)) == Decided("overridden", 35.0, 2)
    assert decide(FOUR_TWO, LIMITS, "team", Asked(31.25 + 0.005)) == (
        Decided("confirmed", 31.25, 1)
    )
    assert decide(FOUR_TWO, LIMITS, "team", Asked(31.25 + 0.02)) == (
        Decided("overridden", 31.25 + 0.02, 1)
    )


@pytest.mark.parametrize(
    ("asked", "reason", "field"),
    [
        (Asked(0.0), decision.DOSE_NOT_POSSIBLE, "weekly_dose_mg"),
        (Asked(175.01), decision.DOSE_NOT_POSSIBLE, "weekly_dose_mg"),
        (Asked(float("nan")), decision.DOSE_NOT_POSSIBLE, "weekly_dose_mg"),
        (Asked(30.0, 8), decision.HOLD_NOT_POSSIBLE, "hold_days"),
        (Asked(30.0, -1), decision.HOLD_NOT_POSSIBLE, "hold_days"),
    ],
)
def test_what_the_team_cannot_put_in_force(asked: Asked, reason: str, field: str) -> None:
    assert decide(HIGH, LIMITS, "team", asked) == Refused(reason, field)


def test_hold_days_from_0_to_7_and_175_mg_are_allowed() -> None:
    assert decide(HIGH, LIMITS, "team", Asked(175.0, 7)) == Decided("overridden", 175.0, 7)
    assert decide(HIGH, LIMITS, "team", Asked(35.0, 0)) == Decided("overridden", 35.0, 0)


def test_limits_are_checked() -> None:
    assert limits_problems(LIMITS) == {}
    assert limits_problems(SelfManagementLimits(inr_above=3.0, inr_below=2.9)) == {
        "inr_below": "Must be above inr_above."
    }
    assert set(limits_problems(SelfManagementLimits(max_change_percent=40))) == {
        "max_change_percent"
    }
    assert set(limits_problems(SelfManagementLimits(max_hold_doses=1.5))) == {"max_hold_doses"}  # type: ignore[arg-type]
    assert set(limits_problems(SelfManagementLimits(inr_below=float("inf")))) == {"inr_below"}


def test_the_dose_tolerance_is_far_below_any_dose_a_patient_can_take() -> None:
    # Half of the smallest warfarin tablet (1 mg) is 0.5 mg: fifty tolerances.
    assert decision.DOSE_TOLERANCE_MG * 50 <= 0.5
    assert decision.same_dose(31.25, 31.249999999999996)
    assert not decision.same_dose(31.25, 31.75)
