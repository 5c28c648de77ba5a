"""Who decides a dose suggestion, and what a decision is. PURE: plain values in, plain values out.

A suggestion (telemon.anticoagulation.nomogram) is decision support; only a decision puts a dose
in force. There are two deciders:

- the patient's responsible care team ("team"): confirms the suggestion as it stands, or
  overrides it with another weekly dose and another number of days to hold (0-7);
- a trained self-managing patient ("patient"): accepts the suggestion as it stands, and only
  when it needs no clinician (`clinic_needed`): the nomogram does not ask for the clinic, the
  INR lies inside the range the clinic set for her own decisions, the change and the doses to
  hold are within her limits, the table could make the change it asks for, and no earlier INR
  outside her range still waits for the clinic (her decision would close its alert).

Everything else about a suggestion is the clinic's. The same rule is written in SQL for the
clinic's worklist (telemon.anticoagulation.decision_sql); a test holds the two together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telemon.anticoagulation.inr_rules import EPSILON, weekly_dose_problem
from telemon.vocabulary import DoseStatus

Decider = Literal["patient", "team"]

# Two weekly doses are one dose when they differ by less than this (mg/week). Doses arrive as
# JSON floats and leave the nomogram through Decimal rounding, so a dose typed as 31.25 may
# meet a stored 31.249999999999996; the smallest difference a patient can take is half of the
# smallest warfarin tablet (0.5 mg), fifty times this tolerance.
DOSE_TOLERANCE_MG = 0.01
# A decision holds the dose for at most a week; a longer stop is a new plan, not a hold.
MAX_HOLD_DAYS = 7

# Why the clinic, not the patient, decides a suggestion (403 to her acceptance).
CONTACT_CLINIC = "contact_clinic"
INR_OUTSIDE_LIMITS = "inr_outside_limits"
CHANGE_BEYOND_LIMITS = "change_beyond_limits"
HOLD_BEYOND_LIMITS = "hold_beyond_limits"
CHANGE_NOT_MADE = "change_not_made"
EARLIER_INR_WAITS = "earlier_inr_waits"
CLINIC_REASONS = (
    CONTACT_CLINIC,
    INR_OUTSIDE_LIMITS,
    CHANGE_BEYOND_LIMITS,
    HOLD_BEYOND_LIMITS,
    CHANGE_NOT_MADE,
    EARLIER_INR_WAITS,
)
# What is wrong with what was asked (422, naming the field).
DOSE_NOT_SUGGESTED = "dose_not_suggested"
HOLD_NOT_SUGGESTED = "hold_not_suggested"
DOSE_NOT_POSSIBLE = "dose_not_possible"
HOLD_NOT_POSSIBLE = "hold_not_possible"


@dataclass(frozen=True)
class SelfManagementLimits:
    """What a self-managing patient decides on her own; the clinic sets it per plan.

    She decides for an INR above `inr_above` and below `inr_below` (both exclusive), a change
    of the weekly dose of at most `max_change_percent` either way (the nomogram's percent), and
    at most `max_hold_doses` doses held. The defaults follow domain.md and the alert lines of
    telemon.anticoagulation.inr_rules: at INR 1.5 or below (thrombosis risk) and 5.0 or above
    (bleeding risk, same-day contact) the clinic decides; the nomogram's steps beside the target
    range (+10 %, -10 %, "hold one dose, then -10 %" at 4.0-4.9) are hers, its +15 % below 1.5
    is not.
    """

    inr_above: float = 1.5
    inr_below: float = 5.0
    max_change_percent: float = 10.0
    max_hold_doses: int = 1


# Each limit's clinically sensible range, inclusive (the API's and the forms' check).
LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "inr_above": (1.0, 3.5),
    "inr_below": (2.5, 8.0),
    "max_change_percent": (0.0, 25.0),
    "max_hold_doses": (0, 3),
}


def limits_problems(limits: SelfManagementLimits) -> dict[str, str]:
    """What is wrong with these limits, by field; empty when they can be used. Each must be a
    finite number within LIMIT_RANGES (max_hold_doses a whole number), and inr_above must be
    below inr_below."""
    problems: dict[str, str] = {}
    for name, (low, high) in LIMIT_RANGES.items():
        value = getattr(limits, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems[name] = "Must be a number."
        elif not math.isfinite(value) or not low <= value <= high:
            problems[name] = f"Must be from {low:g} to {high:g}."
        elif name == "max_hold_doses" and value != int(value):
            problems[name] = "Must be a whole number."
    if not problems and not limits.inr_above < limits.inr_below:
        problems["inr_below"] = "Must be above inr_above."
    return problems


@dataclass(frozen=True)
class Suggested:
    """A suggestion's numbers: INR, doses in mg/week, the table's percent and held doses."""

    inr: float
    weekly_dose_mg: float
    previous_weekly_dose_mg: float
    change_percent: float
    hold_doses: int
    contact_clinic: bool


@dataclass(frozen=True)
class Asked:
    """What the decider puts in force: a weekly dose (mg) and days to hold; None for either
    means as suggested (Asked() accepts or confirms the suggestion as it stands)."""

    weekly_dose_mg: float | None = None
    hold_days: int | None = None


@dataclass(frozen=True)
class Decided:
    status: DoseStatus  # CONFIRMED, OVERRIDDEN (the team) or ACCEPTED (the patient)
    weekly_dose_mg: float
    hold_days: int


@dataclass(frozen=True)
class Refused:
    """Why the decision cannot be made: a reason code, and the field it is about when the fault
    is in what was asked (None when the decision is the clinic's to make)."""

    reason: str
    field: str | None = None

    @property
    def clinic_decides(self) -> bool:
        return self.reason in CLINIC_REASONS


def same_dose(a_mg: float, b_mg: float) -> bool:
    """Whether two weekly doses are one (within DOSE_TOLERANCE_MG)."""
    return abs(a_mg - b_mg) < DOSE_TOLERANCE_MG


def in_patient_range(inr: float, limits: SelfManagementLimits) -> bool:
    """Whether the INR lies inside the range of the patient's own decisions (ends excluded:
    with the defaults, 1.6 and 4.9 are hers, 1.5 and 5.0 the clinic's)."""
    return limits.inr_above + EPSILON < inr < limits.inr_below - EPSILON


def clinic_needed(
    suggested: Suggested,
    limits: SelfManagementLimits,
    earlier_open_inrs: Sequence[float] = (),
) -> str | None:
    """Why this suggestion needs a clinician (one of CLINIC_REASONS, the first that applies in
    that order), or None when a self-managing patient may accept it herself.

    `earlier_open_inrs` are the INRs behind the enrolment's INR alerts still open (measured at
    or before this one): a decision closes those alerts, so one outside her range makes the
    decision the clinic's. A change the table asked for but could not make (rounding to tablet
    steps, or a dose already at the table's limit, left the dose as it was) is the clinic's too.
    """
    if suggested.contact_clinic:
        return CONTACT_CLINIC
    if not in_patient_range(suggested.inr, limits):
        return INR_OUTSIDE_LIMITS
    if abs(suggested.change_percent) > limits.max_change_percent + EPSILON:
        return CHANGE_BEYOND_LIMITS
    if suggested.hold_doses > limits.max_hold_doses:
        return HOLD_BEYOND_LIMITS
    if suggested.change_percent != 0 and same_dose(
        suggested.weekly_dose_mg, suggested.previous_weekly_dose_mg
    ):
        return CHANGE_NOT_MADE
    if any(not in_patient_range(inr, limits) for inr in earlier_open_inrs):
        return EARLIER_INR_WAITS
    return None


def patient_decides(
    suggested: Suggested,
    limits: SelfManagementLimits,
    self_managing: bool,
    earlier_open_inrs: Sequence[float] = (),
) -> bool:
    """Whether the patient, not the clinic, decides this suggestion: she is self-managing and
    it needs no clinician."""
    return self_managing and clinic_needed(suggested, limits, earlier_open_inrs) is None


def decide(
    suggested: Suggested,
    limits: SelfManagementLimits,
    decider: Decider,
    asked: Asked,
    earlier_open_inrs: Sequence[float] = (),
) -> Decided | Refused:
    """The decision, or why it cannot be made.

    The team: the dose asked must be one telemon can put in force (above 0, at most 175 mg a
    week) and the days held 0-MAX_HOLD_DAYS; the suggested dose with the suggested held doses
    (None for either means the suggestion's) is "confirmed", anything else "overridden". A
    dose within DOSE_TOLERANCE_MG of the suggestion is the suggestion.
    The patient (whose access to her own suggestion the caller has checked): only a suggestion
    that needs no clinician (clinic_needed), accepted as it stands: another dose or other held
    days are refused naming the field; the result is "accepted".
    """
    hold_days = suggested.hold_doses if asked.hold_days is None else asked.hold_days
    dose = suggested.weekly_dose_mg if asked.weekly_dose_mg is None else asked.weekly_dose_mg
    if decider == "patient":
        reason = clinic_needed(suggested, limits, earlier_open_inrs)
        if reason is not None:
            return Refused(reason)
        if not same_dose(dose, suggested.weekly_dose_mg):
            return Refused(DOSE_NOT_SUGGESTED, "weekly_dose_mg")
        if hold_days != suggested.hold_doses:
            return Refused(HOLD_NOT_SUGGESTED, "hold_days")
        return Decided(DoseStatus.ACCEPTED, suggested.weekly_dose_mg, hold_days)
    if weekly_dose_problem(dose):
        return Refused(DOSE_NOT_POSSIBLE, "weekly_dose_mg")
    if not 0 <= hold_days <= MAX_HOLD_DAYS:
        return Refused(HOLD_NOT_POSSIBLE, "hold_days")
    if same_dose(dose, suggested.weekly_dose_mg) and hold_days == suggested.hold_doses:
        return Decided(DoseStatus.CONFIRMED, suggested.weekly_dose_mg, hold_days)
    return Decided(DoseStatus.OVERRIDDEN, dose, hold_days)
