"""Forms of limits (a patient's thresholds, a programme's standard set, an enrolment's first
limits): what was typed, read as limits, with field errors in the reader's language.

Plain values in and out (no Flask): the form's fields are named "<code>.<limit>" ("spo2.alert_low");
a limit may be empty (not set), written with a decimal comma or point, and must be a finite
number; the set limits of a measurement must be ordered (telemon.copd.rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields

from telemon import clinical_text as ct
from telemon.copd import rules
from telemon.ingest.codes import CODES, limit_out_of_range
from telemon.web.components.forms import typed_number

Limits = dict[str, float | None]
# No measurement telemon takes comes near this (weights in kg, peak flow in L/min are the
# largest); a limit beyond it is a slip of the keyboard.
PLAUSIBLE = 10_000.0
LIMIT_FIELDS = tuple(f.name for f in fields(rules.Limits))  # alert_high ... alert_low


def parse(
    form: Mapping[str, str], codes: Iterable[str], language: str
) -> tuple[dict[str, Limits], dict[str, dict[str, str]], dict[str, list[str]]]:
    """(limits by code, what to show again in each field, errors by code in `language`).

    A field that is not a number ("abc", "1e999", "nan") or no possible value (beyond
    PLAUSIBLE) is an error of its measurement; the text typed is shown again as it was, so
    that it can be corrected."""
    values: dict[str, Limits] = {}
    shown: dict[str, dict[str, str]] = {}
    errors: dict[str, list[str]] = {}
    for code in codes:
        row: Limits = {}
        shown[code] = {}
        for field in LIMIT_FIELDS:
            typed = (form.get(f"{code}.{field}") or "").strip()
            shown[code][field] = typed
            try:
                row[field] = _number(typed)
            except ValueError:
                errors.setdefault(code, []).append(ct.not_a_number_text(field, language))
                row[field] = None
            value = row[field]
            if value is not None and (
                abs(value) > PLAUSIBLE or (code in CODES and limit_out_of_range(code, value))
            ):
                errors.setdefault(code, []).append(
                    ct.implausible_limit_text(field, language, code if code in CODES else None)
                )
        values[code] = row
        if code not in errors:
            for upper, upper_value, lower, lower_value in rules.limit_order_problems(
                rules.Limits(**row)
            ):
                errors.setdefault(code, []).append(
                    ct.limits_out_of_order_text(
                        code, upper, upper_value, lower, lower_value, language
                    )
                )
    return values, shown, errors


def _number(typed: str) -> float | None:
    """The limit typed: None when empty; ValueError when not a finite number."""
    if not typed:
        return None
    value = typed_number(typed)
    if value is None:
        raise ValueError(typed)
    return value


def shown_limits(
    rows: Mapping[str, object], codes: Iterable[str], language: str
) -> dict[str, dict[str, str]]:
    """Stored limits as the form shows them ("89,5"): `rows` by code, each with the limit
    fields as attributes (a Threshold, rules.Limits); codes without a row are empty."""
    shown: dict[str, dict[str, str]] = {}
    for code in codes:
        row = rows.get(code)
        shown[code] = {}
        for name in LIMIT_FIELDS:
            value = getattr(row, name, None) if row is not None else None
            shown[code][name] = "" if value is None else ct.number(value, language)
    return shown


def joined(errors: Mapping[str, list[str]]) -> dict[str, str]:
    """One sentence per measurement, for forms that show one error per field."""
    return {code: " ".join(messages) for code, messages in errors.items()}
