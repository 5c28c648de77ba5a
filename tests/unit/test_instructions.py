"""One instruction for the patient, true at that hour (telemon.anticoagulation.instructions and
its words in telemon.clinical_text): every action of the default nomogram, decided by the
patient or by the clinic, with the clinic open and closed, in Danish and English."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from telemon import clinical_text as ct
from telemon.anticoagulation import instructions
from telemon.anticoagulation.decision import SelfManagementLimits, Suggested, patient_decides
from telemon.anticoagulation.instructions import (
    CLINIC_MARGIN,
    DEFAULT_INSTRUCTION_SET,
    INSTRUCTION_SETS,
    ClinicHours,
    clinic_hours,
    instruction_for,
)
from telemon.anticoagulation.nomogram import DEFAULT_NOMOGRAM, suggest_dose
from telemon.anticoagulation.tablet_plan import week_days, weekly_tablet_plan
from telemon.clinical_text.instructions import INSTRUCTION_CODES
from telemon.woundcare.working_hours import WorkingCalendar

CPH = ct.language.COPENHAGEN
FRIDAY = date(2026, 11, 20)  # the evening: Friday 20 November 2026
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=CPH)
OPEN = ClinicHours(True)
CLOSED = ClinicHours(False, MONDAY_8)

# One INR per action of the default nomogram for a 2.0-3.0 target at 35 mg/week:
ACTIONS = {
    "increase 15%": 1.4,  # below 1.5
    "increase 10%": 1.8,  # 1.5-1.9
    "no change": 2.5,  # in range
    "reduce 10%": 3.5,  # above range to 3.9
    "hold one dose, then reduce 10%": 4.2,  # 4.0-4.9
    "hold and contact the clinic": 5.6,  # 5 and above (the 5,6)
    "hold and contact the clinic, above the meter": 8.0,
}
CLINIC_ACTS_TODAY = {"da": ("i dag",), "en": ("today",)}


def _suggested(inr: float) -> tuple[Suggested, float]:
    made = suggest_dose(inr, 2.0, 3.0, 35.0, FRIDAY, 0, DEFAULT_NOMOGRAM)
    return (
        Suggested(
            made.inr,
            made.weekly_dose_mg,
            made.previous_weekly_dose_mg,
            made.change_percent,
            made.hold_doses,
            made.contact_clinic,
        ),
        made.weekly_dose_mg,
    )


def test_every_code_of_every_set_has_words() -> None:
    for codes in INSTRUCTION_SETS.values():
        assert set(codes.values()) <= set(INSTRUCTION_CODES)
        assert {situation for situation, _ in codes} == set(instructions.SITUATIONS)
    assert DEFAULT_NOMOGRAM.instructions == DEFAULT_INSTRUCTION_SET


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("self_managing", [True, False], ids=["self-managing", "clinic-managed"])
@pytest.mark.parametrize("clinic", [OPEN, CLOSED], ids=["open", "closed"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_one_instruction_for_every_action_open_and_closed(  # noqa: PLR0912, PLR0915
    action: str, self_managing: bool, clinic: ClinicHours, language: str
) -> None:
    suggested, dose = _suggested(ACTIONS[action])
    hers = patient_decides(suggested, SelfManagementLimits(), self_managing)
    made = instruction_for(suggested, FRIDAY, 35.0, hers, clinic)
    lines = ct.instruction_text(made.code, made.params, language, "Ring 1813 (demo).")
    text = " ".join(lines).lower()

    # One situation, one code of the set.
    assert made.code == INSTRUCTION_SETS[DEFAULT_INSTRUCTION_SET][(made.situation, clinic.open_now)]
    if suggested.contact_clinic:
        assert made.situation == "pause"
    elif hers:
        assert made.situation == "self"
    else:
        assert made.situation == ("hold" if suggested.hold_doses else "keep")

    # "Today" about the clinic only when it is open; closed: when it opens, and the team's
    # own out-of-hours text.
    acts_today = any(word in text for word in CLINIC_ACTS_TODAY[language])
    if made.situation == "self":
        assert not acts_today  # she decides; the clinic is not promised anything
        assert "1813" not in text
    elif clinic.open_now:
        assert acts_today
        assert "1813" not in text
    else:
        assert not acts_today
        assert ct.weekday_time_text(MONDAY_8, language).lower() in text
        assert lines[-1] == "Ring 1813 (demo)."

    # One party contacts the other: the clinic contacts the patient, never "contact the clinic".
    assert "contact the clinic" not in text and "kontakt klinikken" not in text
    # No "do not change your dose" beside a pause, no held day beside "keep taking".
    keeps = "keep taking" in text or "bliv ved med at tage" in text
    pauses = "blood-thinning" in text or "blodfortyndende" in text
    holds = "take no tablets on" in text or "tag ingen tabletter fredag" in text
    assert sum((keeps, pauses, holds)) <= 1
    if made.situation == "pause":
        assert pauses and made.week.paused_from == FRIDAY
        assert made.week.held_from is None
    elif made.situation == "keep":
        assert keeps and made.week == instructions.Week(35.0)
    elif made.situation == "hold":
        assert ct.weekday_text(FRIDAY, language).lower() in text
        assert made.week == instructions.Week(35.0, FRIDAY, suggested.hold_doses)
        assert ct.weekly_dose_text(35.0, language).lower() in text
    else:
        assert made.week.weekly_dose_mg == dose
        assert made.week.held_from == FRIDAY and made.week.hold_days == suggested.hold_doses
        assert ct.weekly_dose_text(dose, language).lower() in text


def test_the_week_agrees_with_the_instruction() -> None:
    plan = weekly_tablet_plan(35.0, 2.5)  # 2 tablets every day
    suggested, _ = _suggested(5.6)
    paused = instruction_for(suggested, FRIDAY, 35.0, False, CLOSED).week
    days = week_days(FRIDAY, plan, (), paused.paused_from)
    # Monday to Thursday taken as planned, Friday to Sunday paused: no tablets.
    assert [d.state for d in days] == ["take"] * 4 + ["paused"] * 3
    assert [d.taken for d in days] == [2.0] * 4 + [0.0] * 3
    suggested, _ = _suggested(4.2)
    held = instruction_for(suggested, FRIDAY, 35.0, False, OPEN).week
    days = week_days(FRIDAY, plan, [(held.held_from, held.hold_days)], held.paused_from)
    assert [d.state for d in days] == ["take"] * 4 + ["held"] + ["take"] * 2
    assert sum(d.taken for d in days) == 12.0  # one day of 2 tablets held


def test_an_unknown_instruction_set_is_refused() -> None:
    suggested, _ = _suggested(2.5)
    with pytest.raises(KeyError):
        instruction_for(suggested, FRIDAY, 35.0, True, OPEN, "no-such-set")
    with pytest.raises(ValueError, match="instruction set"):
        from telemon.anticoagulation.nomogram_config import nomogram_from_dict, nomogram_to_dict

        definition = nomogram_to_dict(DEFAULT_NOMOGRAM)
        nomogram_from_dict({**definition, "version": "x", "instructions": "no-such-set"})


CALENDAR = WorkingCalendar(
    start=time(8, 0), end=time(16, 0), holidays=frozenset({date(2026, 12, 24)})
)


@pytest.mark.parametrize(
    ("now", "open_now", "opens_at"),
    [
        # The 20:07 on a Friday: closed, the clinic acts Monday at 08:00.
        (datetime(2026, 11, 20, 20, 7, tzinfo=CPH), False, MONDAY_8),
        # Thursday 10:00: open, it acts today.
        (datetime(2026, 11, 19, 10, 0, tzinfo=CPH), True, None),
        # Friday 15:45: open, but closing within CLINIC_MARGIN: not promised today.
        (datetime(2026, 11, 20, 15, 45, tzinfo=CPH), False, MONDAY_8),
        (datetime(2026, 11, 20, 15, 30, tzinfo=CPH), True, None),
        # Monday 07:00: closed; it opens at 08:00 the same day.
        (datetime(2026, 11, 23, 7, 0, tzinfo=CPH), False, MONDAY_8),
        # Christmas Eve (a holiday) at 10:00: closed until Friday the 25th at 08:00.
        (
            datetime(2026, 12, 24, 10, 0, tzinfo=CPH),
            False,
            datetime(2026, 12, 25, 8, 0, tzinfo=CPH),
        ),
    ],
)
def test_the_clinic_is_open_by_its_calendar(
    now: datetime, open_now: bool, opens_at: datetime | None
) -> None:
    assert clinic_hours(now, CALENDAR) == ClinicHours(open_now, opens_at)
    assert CLINIC_MARGIN.total_seconds() == 30 * 60
