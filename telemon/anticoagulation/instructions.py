"""What the patient is told to do about her newest INR: one instruction, true at that hour. PURE.

Each pending suggestion puts the patient in one situation:

    SELF   she decides it herself (telemon.anticoagulation.decision.patient_decides): the
           suggestion as it stands, to accept when she follows it;
    KEEP   the clinic decides, and the nomogram holds no dose: she keeps the dose in force
           until the clinic has decided (she starts no change of her own);
    HOLD   the clinic decides, and the nomogram holds doses (not same-day contact): she takes
           no tablets on those days, from the day of the test, then the dose in force until the
           clinic has decided;
    PAUSE  the nomogram asks for the clinic the same day (INR 5 or above by default): she takes
           no tablets at all until the clinic has spoken with her.

and the clinic is open (it acts today) or closed (it acts when it next opens, named). One party
contacts the other: the clinic, which has the dose worklist, contacts the patient; she is told
what to do meanwhile, and out of hours whom to call on bleeding (the care team's own text). Each
situation and opening state maps to one instruction code in an instruction set; the set a
suggestion is shown in is the one its nomogram version names (Nomogram.instructions), so a
suggestion keeps the wording of the version that made it. telemon.clinical_text writes the
instruction in the reader's language from its code and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from telemon.anticoagulation.decision import Suggested
from telemon.woundcare.working_hours import WorkingCalendar, closes_at, next_opening

Situation = Literal["self", "keep", "hold", "pause"]
SITUATIONS: tuple[Situation, ...] = ("self", "keep", "hold", "pause")

# A clinic closing within this time is not promised to act "today": at 15:45 a clinic that
# closes at 16:00 is told as closed, and the patient reads when it next opens.
CLINIC_MARGIN = timedelta(minutes=30)

DEFAULT_INSTRUCTION_SET = "telemon-2026.1"
# Instruction set -> (situation, clinic open) -> instruction code. A new wording is a new set
# (and a new nomogram version naming it); a set, once shipped, is never changed.
INSTRUCTION_SETS: Mapping[str, Mapping[tuple[Situation, bool], str]] = {
    DEFAULT_INSTRUCTION_SET: {
        ("self", True): "self",
        ("self", False): "self",
        ("keep", True): "keep.open",
        ("keep", False): "keep.closed",
        ("hold", True): "hold.open",
        ("hold", False): "hold.closed",
        ("pause", True): "pause.open",
        ("pause", False): "pause.closed",
    },
}


@dataclass(frozen=True)
class ClinicHours:
    """Whether the clinic acts today (open now, not about to close), else when it next opens."""

    open_now: bool
    opens_at: datetime | None = None


def clinic_hours(now: datetime, calendar: WorkingCalendar) -> ClinicHours:
    """The clinic at `now` (aware) by its calendar (opening hours, working days, holidays).

    Open now means open and not closing within CLINIC_MARGIN. Otherwise `opens_at` is the next
    opening after now (a clinic about to close: its next day's opening)."""
    closing = closes_at(now, calendar)
    if closing is not None and now + CLINIC_MARGIN <= closing:
        return ClinicHours(True)
    return ClinicHours(False, next_opening(now, calendar))


@dataclass(frozen=True)
class Week:
    """What the week's table shows with the instruction: the weekly dose taken (mg), the days
    held (from `held_from`, `hold_days` of them), and the first day of a pause that lasts until
    the clinic has decided (None: no pause)."""

    weekly_dose_mg: float
    held_from: date | None = None
    hold_days: int = 0
    paused_from: date | None = None


@dataclass(frozen=True)
class Instruction:
    code: str
    situation: Situation
    week: Week
    params: Mapping[str, object] = field(default_factory=dict)


def situation_of(suggested: Suggested, patient_decides: bool) -> Situation:
    """The patient's situation for a pending suggestion (see the module's docstring)."""
    if suggested.contact_clinic:
        return "pause"
    if patient_decides:
        return "self"
    return "hold" if suggested.hold_doses > 0 else "keep"


def instruction_for(
    suggested: Suggested,
    tested_on: date,
    dose_in_force_mg: float,
    patient_decides: bool,
    clinic: ClinicHours,
    instruction_set: str = DEFAULT_INSTRUCTION_SET,
) -> Instruction:
    """The one instruction for a pending suggestion of an INR tested on `tested_on` (local date).

    Doses in mg/week. Held days start on the day of the test (home INRs are measured before the
    evening's tablets, and the nomogram's "hold one dose" means that day's). Parameters by
    situation: self: weekly_dose_mg, previous_weekly_dose_mg, change_percent, hold_doses,
    held_from; keep: weekly_dose_mg (in force); hold: weekly_dose_mg (in force), hold_days,
    held_from; pause: paused_from. When the clinic is closed, also opens_at.
    Raises KeyError for an unknown instruction set.
    """
    codes = INSTRUCTION_SETS[instruction_set]
    situation = situation_of(suggested, patient_decides)
    code = codes[(situation, clinic.open_now)]
    params: dict[str, object] = {}
    if not clinic.open_now and situation != "self":
        params["opens_at"] = clinic.opens_at
    if situation == "self":
        params.update(
            weekly_dose_mg=suggested.weekly_dose_mg,
            previous_weekly_dose_mg=suggested.previous_weekly_dose_mg,
            change_percent=suggested.change_percent,
            hold_doses=suggested.hold_doses,
            held_from=tested_on,
        )
        week = Week(suggested.weekly_dose_mg, tested_on, suggested.hold_doses)
    elif situation == "keep":
        params["weekly_dose_mg"] = dose_in_force_mg
        week = Week(dose_in_force_mg)
    elif situation == "hold":
        params.update(
            weekly_dose_mg=dose_in_force_mg, hold_days=suggested.hold_doses, held_from=tested_on
        )
        week = Week(dose_in_force_mg, tested_on, suggested.hold_doses)
    else:
        params["paused_from"] = tested_on
        week = Week(dose_in_force_mg, paused_from=tested_on)
    return Instruction(code, situation, week, params)
