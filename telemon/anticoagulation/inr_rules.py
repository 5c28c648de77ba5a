"""When an INR, or its absence, needs a clinician: the anticoagulation clinic's alert rules.

Plain values in, plain values out. Limits are inclusive, as the clinic says them: "INR 5.0 or
above" and "1.5 or below" are red (same-day contact: bleeding risk, thrombosis risk); outside
the patient's own target range is yellow; inside it (limits included) is no alert.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from telemon.vocabulary import Severity

# Binary floats: 5.0 read from a device may arrive as 4.999999999.
EPSILON = 1e-6


@dataclass(frozen=True)
class InrAlertSettings:
    """Per-patient adjustable; defaults from domain.md."""

    red_at_or_above: float = 5.0
    red_at_or_below: float = 1.5
    poor_control_ttr_percent: float = 60.0
    # TTR says little about a patient with a few weeks of data.
    poor_control_min_days: float = 42.0
    poor_control_min_tests: int = 3
    ttr_window_days: int = 182
    missed_test_grace_days: int = 1


# Each setting's clinically sensible range, inclusive. Outside them a setting switches the
# rule off (red only from INR 1e300, or from NaN) instead of adjusting it.
INR_SETTING_RANGES: dict[str, tuple[float, float]] = {
    "red_at_or_above": (3.0, 10.0),
    "red_at_or_below": (0.8, 2.0),
    "poor_control_ttr_percent": (0.0, 100.0),
    "poor_control_min_days": (0.0, 365.0),
    "poor_control_min_tests": (0, 100),
    "ttr_window_days": (7, 730),
    "missed_test_grace_days": (0, 28),
}

# A patient's target range: the usual ranges lie within 1.5-4.5 (2.0-3.0 for most, 2.5-3.5
# for mechanical mitral valves).
TARGET_RANGE = (1.5, 4.5)
# The weekly dose in force (mg warfarin per week): above zero, at most 25 mg a day.
MAX_WEEKLY_DOSE_MG = 175.0


def inr_settings_from(overrides: Mapping[str, object] | None) -> InrAlertSettings:
    """Defaults with overrides. Each value must be a finite number within INR_SETTING_RANGES
    (ends included; counts and days of int settings whole numbers), and red_at_or_below must
    stay below red_at_or_above. ValueError names an unknown key or a bad value."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ValueError("INR alert settings must be a mapping of setting name to number.")
    kinds = {f.name: f.type for f in fields(InrAlertSettings)}
    values: dict[str, int | float] = {}
    for key, value in (overrides or {}).items():
        if key not in kinds:
            raise ValueError(f"Unknown setting {key!r}; known: {', '.join(sorted(kinds))}.")
        low, high = INR_SETTING_RANGES[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise ValueError(f"Setting {key!r} must be a number from {low:g} to {high:g}.")
        if kinds[key] == "int":
            if value != int(value):
                raise ValueError(f"Setting {key!r} must be a whole number.")
            values[key] = int(value)
        else:
            values[key] = float(value)
    settings = InrAlertSettings(**values)  # type: ignore[arg-type]
    if settings.red_at_or_below >= settings.red_at_or_above:
        raise ValueError("red_at_or_below must be below red_at_or_above.")
    return settings


def target_range_problems(low: float, high: float) -> dict[str, str]:
    """What is wrong with a target range, by field ("inr_target_low"/"inr_target_high");
    empty when it is valid: both finite, within TARGET_RANGE (ends included), low below high."""
    lowest, highest = TARGET_RANGE
    problems: dict[str, str] = {}
    for name, value in (("inr_target_low", low), ("inr_target_high", high)):
        if not math.isfinite(value) or not lowest <= value <= highest:
            problems[name] = f"Must be from {lowest:g} to {highest:g}."
    if not problems and not low < high:
        problems["inr_target_high"] = "Must be above inr_target_low."
    return problems


def weekly_dose_problem(weekly_dose_mg: float) -> str | None:
    """Why a weekly dose (mg/week) cannot be put in force, or None: it must be a finite number
    above 0 and at most MAX_WEEKLY_DOSE_MG (175 mg, 25 mg a day; exactly 175 is allowed)."""
    if not math.isfinite(weekly_dose_mg) or not 0 < weekly_dose_mg <= MAX_WEEKLY_DOSE_MG:
        return f"Must be above 0 and at most {MAX_WEEKLY_DOSE_MG:g} mg a week."
    return None


def inr_severity(
    inr: float, target_low: float, target_high: float, settings: InrAlertSettings
) -> Severity | None:
    """ "red" at or beyond the same-day lines (>= 5.0, <= 1.5 by default), "yellow" outside the
    target range, None inside it. INR exactly 3.0 with target 2.0-3.0 is in range; exactly 5.0
    is red; exactly 1.5 is red."""
    if inr >= settings.red_at_or_above - EPSILON or inr <= settings.red_at_or_below + EPSILON:
        return Severity.RED
    if inr < target_low - EPSILON or inr > target_high + EPSILON:
        return Severity.YELLOW
    return None


def inr_reason(
    inr: float, target_low: float, target_high: float, above_range: bool
) -> tuple[str, dict[str, Any]]:
    """Why an INR out of its target range raised an alert, as a reason code and its parameters
    (telemon.clinical_text.reasons): (4.2, 2.0, 3.0, False) -> ("inr.above_target_range",
    {"value": 4.2, "qualifier": None, "target_low": 2.0, "target_high": 3.0}). An INR beyond
    the meter's range (above_range) is above whatever the target."""
    where = "above" if above_range or inr > target_high else "below"
    params = {
        "value": inr,
        "qualifier": ">" if above_range else None,
        "target_low": target_low,
        "target_high": target_high,
    }
    return f"inr.{where}_target_range", params


def poor_control(
    ttr_percent: float | None, days_counted: float, tests_used: int, settings: InrAlertSettings
) -> bool:
    """TTR below the line (60 % by default) over enough data (42 days, 3 tests) is poor control.
    Exactly 60 % is not poor. No TTR (too little data) is not poor control either."""
    if ttr_percent is None:
        return False
    if (
        days_counted < settings.poor_control_min_days
        or tests_used < settings.poor_control_min_tests
    ):
        return False
    return ttr_percent < settings.poor_control_ttr_percent - EPSILON


def is_test_missed(
    next_test_due: date | None, last_test_on: date | None, today: date, settings: InrAlertSettings
) -> bool:
    """The next test is missed when no INR has come on or after its due date and the grace
    days after it have passed (due Monday, grace 1: missed from Wednesday)."""
    if next_test_due is None:
        return False
    if last_test_on is not None and last_test_on >= next_test_due:
        return False
    return today > next_test_due + timedelta(days=settings.missed_test_grace_days)
