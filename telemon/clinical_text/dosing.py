"""Dose suggestions in words: the action and the notes of a nomogram's suggestion
(telemon.anticoagulation.nomogram), from its numbers, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telemon.clinical_text.language import N_, gettext, ngettext, number, percent

Params = Mapping[str, Any]


def weekly_dose_text(mg: float, language: str) -> str:
    """ "31,25 mg/uge" (da), "31.25 mg/week" (en)."""
    return gettext("%(dose)s mg/week", language, {"dose": number(mg, language)})


def dose_action(change_percent: float, hold_doses: int, contact_clinic: bool, language: str) -> str:
    """What to do, from the suggestion's numbers: "hold one dose, then reduce 10%",
    "increase weekly dose by 15%", "contact the clinic today", "no change" (in `language`)."""
    if contact_clinic:
        if hold_doses:
            return gettext("hold and contact the clinic today", language)
        return gettext("contact the clinic today", language)
    change = {"percent": percent(abs(change_percent), language)}
    if hold_doses and change_percent > 0:
        return ngettext(
            "hold one dose, then increase %(percent)s",
            "hold %(num)s doses, then increase %(percent)s",
            hold_doses,
            language,
            change,
        )
    if hold_doses and change_percent < 0:
        return ngettext(
            "hold one dose, then reduce %(percent)s",
            "hold %(num)s doses, then reduce %(percent)s",
            hold_doses,
            language,
            change,
        )
    if hold_doses:
        return ngettext("hold one dose", "hold %(num)s doses", hold_doses, language)
    if change_percent > 0:
        return gettext("increase weekly dose by %(percent)s", language, change)
    if change_percent < 0:
        return gettext("reduce weekly dose by %(percent)s", language, change)
    return gettext("no change", language)


_NOTES = {
    "at_minimum": N_("dose already at minimum (%(dose)s); cannot reduce further"),
    "at_maximum": N_("dose already at maximum (%(dose)s); cannot increase further"),
    "stops_at_minimum": N_("the change stops at the minimum weekly dose (%(dose)s)"),
    "stops_at_maximum": N_("the change stops at the maximum weekly dose (%(dose)s)"),
}


def dose_note(code: str, params: Params, language: str) -> str:
    """One note of a suggestion (nomogram.DoseNote) as a sentence. Codes and parameters:
    above_measuring_range (inr), stable_patient (tests_in_range, tolerance_inr),
    at_minimum / at_maximum / stops_at_minimum / stops_at_maximum (dose_mg),
    below_one_step (percent, step_mg), and text (text: a note kept as it was written)."""
    if code == "above_measuring_range":
        return gettext(
            "INR above the device's measuring range (>%(inr)s); the true value may be at or "
            "above 9 (vitamin K line): a laboratory INR is needed",
            language,
            {"inr": number(params["inr"], language)},
        )
    if code == "stable_patient":
        return ngettext(
            "stable patient (%(num)s test in range) within %(tolerance)s of range: no dose "
            "change suggested, test early",
            "stable patient (%(num)s tests in range) within %(tolerance)s of range: no dose "
            "change suggested, test early",
            params["tests_in_range"],
            language,
            {"tolerance": number(params["tolerance_inr"], language)},
        )
    if code == "below_one_step":
        return gettext(
            "a %(percent)s change is less than one %(step)s mg step; the rounded dose is "
            "unchanged: clinician to decide",
            language,
            {
                "percent": percent(params["percent"], language),
                "step": number(params["step_mg"], language),
            },
        )
    if code in _NOTES:
        dose = weekly_dose_text(params["dose_mg"], language)
        return gettext(_NOTES[code], language, {"dose": dose})
    return str(params.get("text", code))


_DECIDERS = {
    "clinician": N_("a clinician of %(team)s"),
    "nurse": N_("a nurse of %(team)s"),
    "gp": N_("a doctor of %(team)s"),
}


def decider_text(role: str, team: str | None, language: str) -> str:
    """Who decided a dose, as the patient reads it: by role and care team, never a user name
    ("en sygeplejerske i AK-klinik"); "you" for the patient herself."""
    if role == "patient":
        return gettext("you", language)
    message = _DECIDERS.get(role, _DECIDERS["clinician"])
    return gettext(message, language, {"team": team or gettext("the clinic", language)})
