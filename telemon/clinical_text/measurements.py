"""Measurements as Danish clinicians write them: names, units and values.

The codes, their units (UCUM) and their English names are telemon.ingest.codes.CODES; this
module only says how they are shown: the name in the reader's language ("Puls", "Systolisk
blodtryk"), the unit as written on screen ("mmHg", not "mm[Hg]"; none for INR or the CAT
score), and the value with it ("85 %", "105/min", "37,5 °C", "INR >8").
"""

from __future__ import annotations

from telemon.clinical_text.language import N_, gettext, number
from telemon.ingest.codes import CODES

# CODES' English names, marked here for the catalog (a unit test keeps this in step).
NAMES = (
    N_("SpO2"),
    N_("Pulse"),
    N_("FEV1"),
    N_("Peak flow"),
    N_("Weight"),
    N_("Systolic BP"),
    N_("Diastolic BP"),
    N_("Temperature"),
    N_("Respiratory rate"),
    N_("CAT score"),
    N_("INR"),
)

# UCUM units as written on screen; a unit not listed is written as it is ("%", "kg", "L").
# INR is a ratio and the CAT a score: neither has a unit to show.
_SHOWN_UNITS = {"Cel": "°C", "mm[Hg]": "mmHg", "{INR}": "", "{score}": ""}


def measurement_name(code: str, language: str) -> str:
    """The measurement's name in `language`: "spo2" -> "SpO2", "pulse" -> "Puls" (da).
    A code telemon does not know is returned as it is."""
    spec = CODES.get(code)
    return gettext(spec.label, language) if spec else code


def unit_text(code: str) -> str:
    """The unit as written on screen ("mmHg", "°C", "/min"); "" for INR, the CAT and codes
    telemon does not know."""
    spec = CODES.get(code)
    if spec is None:
        return ""
    return _SHOWN_UNITS.get(spec.unit, spec.unit)


def amount_text(code: str, value: float, language: str, qualifier: str | None = None) -> str:
    """A value with its unit: "85 %", "37,5 °C", "82 kg", but "105/min" as rates are written,
    and INR and CAT bare ("4,2", ">8"). `qualifier` is a device's "<" or ">" (out of range)."""
    unit = unit_text(code)
    shown = (qualifier or "") + number(value, language)
    if not unit:
        return shown
    return f"{shown}{unit}" if unit.startswith("/") else f"{shown}\u00a0{unit}"


def value_text(code: str, value: float, language: str, qualifier: str | None = None) -> str:
    """A reading named and valued, as a sentence begins it: "SpO2 85 %", "Puls 105/min",
    "INR 4,2"."""
    return f"{measurement_name(code, language)} {amount_text(code, value, language, qualifier)}"
