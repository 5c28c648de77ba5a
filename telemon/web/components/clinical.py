"""Clinical text on pages: telemon.clinical_text in the language of the page being drawn.

Templates call these as filters and globals, e.g. `{{ o.code | measurement }}`,
`{{ amount(o.code, o.value, o.value_qualifier) }}`, `{{ s | dose_action }}`,
`{{ number(4.25) }}`, `{{ day | date }}`; views call `language()` and the functions of
telemon.clinical_text themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import get_locale, gettext

from telemon import clinical_text as ct
from telemon.i18n import N_
from telemon.web.components import bp


def language() -> str:
    """The language of the page being drawn ("da" or "en")."""
    locale = get_locale()
    return ct.language_of(locale.language if locale is not None else None)


@bp.app_template_filter("measurement")
def measurement(code: str) -> str:
    """ "spo2" -> "SpO2", "pulse" -> "Puls"."""
    return ct.measurement_name(code, language())


# A programme's name in words, in English too (the stored code "anticoagulation" is no name).
PROGRAMME_NAMES = {
    "copd": N_("COPD"),
    "anticoagulation": N_("Anticoagulation"),
    "wound": N_("Wound care"),
}


@bp.app_template_filter("programme")
def programme(code: str) -> str:
    """ "anticoagulation" -> "Anticoagulation" ("AK-behandling" in Danish)."""
    name = PROGRAMME_NAMES.get(code)
    return gettext(name) if name is not None else code


@bp.app_template_global("amount")
def amount(code: str, value: float, qualifier: str | None = None) -> str:
    """A value with its unit as written: "85 %", "37,5 °C", INR bare ("4,2")."""
    return ct.amount_text(code, value, language(), qualifier)


@bp.app_template_filter("reading")
def reading(code: str, value: float, qualifier: str | None = None) -> str:
    """A reading named and valued: `{{ o.code | reading(o.value) }}` -> "SpO2 85 %", "INR 4,2"."""
    return ct.value_text(code, value, language(), qualifier)


@bp.app_template_global("unit")
def unit(code: str) -> str:
    return ct.unit_text(code)


@bp.app_template_global("number")
def number(value: float, decimals: int | None = None) -> str:
    """4.25 -> "4,25" on a Danish page."""
    return ct.number(value, language(), decimals)


@bp.app_template_filter("date")
def date_filter(day: date | datetime | None) -> str:
    """A date as the page's language writes it (12.03.2026)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(ct.language.COPENHAGEN).date()
    return ct.date_text(day, language())


@bp.app_template_filter("dose_action")
def dose_action(suggestion: Any) -> str:
    """A dose suggestion's action from its numbers: "hold one dose, then reduce 10%" in words
    of the page's language (the stored sentence is English, and has a "%" in it)."""
    return ct.dose_action(
        suggestion.change_percent, suggestion.hold_doses, suggestion.contact_clinic, language()
    )


@bp.app_template_filter("dose_note")
def dose_note(note: Any) -> str:
    """A suggestion's note: stored as {"code", "params"} or (older) as a sentence."""
    if isinstance(note, dict) and "code" in note:
        return ct.dose_note(note["code"], note.get("params") or {}, language())
    return str(note)


@bp.app_template_filter("weekly_dose")
def weekly_dose(mg: float) -> str:
    """ "31,25 mg/uge"."""
    return ct.weekly_dose_text(mg, language())


@bp.app_template_filter("severity_word")
def severity_word(severity: str) -> str:
    return ct.severity_word(severity, language())
