"""The patient's instruction about her newest INR, in her language: from the instruction's code
and parameters (telemon.anticoagulation.instructions), one instruction in a few sentences,
the first of them what to do now.

Codes: "self" (she decides), "keep.open"/"keep.closed", "hold.open"/"hold.closed",
"pause.open"/"pause.closed". A closed clinic's instruction ends with the care team's own text
for out of hours (whom to call on bleeding), or telemon's when the team has written none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from telemon.clinical_text.dosing import dose_action, weekly_dose_text
from telemon.clinical_text.language import N_, gettext, ngettext, weekday_text, weekday_time_text

Params = Mapping[str, Any]

INSTRUCTION_CODES = (
    "self",
    "keep.open",
    "keep.closed",
    "hold.open",
    "hold.closed",
    "pause.open",
    "pause.closed",
)

# Said out of hours when the care team has written nothing of its own.
DEFAULT_OUT_OF_HOURS = N_(
    "Outside the clinic's opening hours: if you have bleeding that does not stop, blood in "
    "your urine or stools, vomit blood or get a sudden severe headache, call the out-of-hours "
    "doctor (lægevagten), or 112 if it is life-threatening."
)


def out_of_hours_text(team_text: str | None, language: str) -> str:
    """The care team's out-of-hours text as written, else telemon's default in `language`."""
    if team_text and team_text.strip():
        return team_text.strip()
    return gettext(DEFAULT_OUT_OF_HOURS, language)


def instruction_text(
    code: str, params: Params, language: str, out_of_hours: str | None = None
) -> list[str]:
    """The instruction as sentences, the first the thing to do now. `out_of_hours` is the care
    team's text (None or blank: telemon's default), added when the clinic is closed.
    Raises ValueError for an unknown code."""
    situation, _, state = code.partition(".")
    if code not in INSTRUCTION_CODES:
        raise ValueError(f"unknown instruction {code!r}")
    if situation == "self":
        return _self(params, language)
    lines = {"keep": _keep, "hold": _hold, "pause": _pause}[situation](params, language)
    if state == "open":
        if situation == "pause":
            lines.append(gettext("The clinic will call you today.", language))
            lines.append(
                gettext("If you notice bleeding before then, call the clinic at once.", language)
            )
        else:
            lines.append(gettext("The clinic will contact you today with its decision.", language))
        return lines
    opens = weekday_time_text(params["opens_at"], language)
    if situation == "pause":
        lines.append(
            gettext(
                "The clinic is closed now. It will call you when it opens, %(opens)s.",
                language,
                {"opens": opens},
            )
        )
    else:
        lines.append(
            gettext(
                "The clinic is closed now. It will contact you with its decision when it "
                "opens, %(opens)s.",
                language,
                {"opens": opens},
            )
        )
    lines.append(out_of_hours_text(out_of_hours, language))
    return lines


def held_days_text(first: date, days: int, language: str) -> str:
    """ "Tag ingen tabletter fredag den 20. november." / "Take no tablets for 2 days, Friday 20
    November to Saturday 21 November."."""
    return ngettext(
        "Take no tablets on %(first)s.",
        "Take no tablets for %(num)s days, %(first)s to %(last)s.",
        days,
        language,
        {
            "first": weekday_text(first, language),
            "last": weekday_text(first + timedelta(days=days - 1), language),
        },
    )


def _self(p: Params, language: str) -> list[str]:
    action = dose_action(p["change_percent"], p["hold_doses"], False, language)
    lines = [action[:1].upper() + action[1:] + "."]
    if p["hold_doses"]:
        lines.append(held_days_text(p["held_from"], p["hold_doses"], language))
    if p["change_percent"]:
        lines.append(
            gettext(
                "New weekly dose: %(dose)s (now %(before)s).",
                language,
                {
                    "dose": weekly_dose_text(p["weekly_dose_mg"], language),
                    "before": weekly_dose_text(p["previous_weekly_dose_mg"], language),
                },
            )
        )
    else:
        lines.append(
            gettext(
                "Keep your weekly dose of %(dose)s.",
                language,
                {"dose": weekly_dose_text(p["weekly_dose_mg"], language)},
            )
        )
    lines.append(gettext("You decide this yourself: accept it below when you follow it.", language))
    return lines


def _keep(p: Params, language: str) -> list[str]:
    return [
        gettext(
            "Keep taking your weekly dose of %(dose)s as now, until the clinic has decided. Do "
            "not change it yourself.",
            language,
            {"dose": weekly_dose_text(p["weekly_dose_mg"], language)},
        )
    ]


def _hold(p: Params, language: str) -> list[str]:
    return [
        held_days_text(p["held_from"], p["hold_days"], language)
        + " "
        + gettext(
            "After that, take your weekly dose of %(dose)s as now, until the clinic has decided.",
            language,
            {"dose": weekly_dose_text(p["weekly_dose_mg"], language)},
        )
    ]


def _pause(p: Params, language: str) -> list[str]:
    first: date = p["paused_from"]
    return [
        gettext(
            "Take no blood-thinning tablets from %(first)s until the clinic has spoken with you.",
            language,
            {"first": weekday_text(first, language)},
        )
    ]
