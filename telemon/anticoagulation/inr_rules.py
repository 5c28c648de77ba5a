"""When an INR, or its absence, needs a clinician: the anticoagulation clinic's alert rules.

Plain values in, plain values out. Limits are inclusive, as the clinic says them: "INR 5.0 or
above" and "1.5 or below" are red (same-day contact: bleeding risk, thrombosis risk); outside
the patient's own target range is yellow; inside it (limits included) is no alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta

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


def inr_settings_from(overrides: Mapping[str, object] | None) -> InrAlertSettings:
    """Defaults with overrides; ValueError names an unknown key or a non-positive value."""
    kinds = {f.name: f.type for f in fields(InrAlertSettings)}
    values: dict[str, int | float] = {}
    for key, value in (overrides or {}).items():
        if key not in kinds:
            raise ValueError(f"Unknown setting {key!r}; known: {', '.join(sorted(kinds))}.")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"Setting {key!r} must be a number of at least 0.")
        values[key] = int(value) if kinds[key] == "int" else float(value)
    settings = InrAlertSettings(**values)  # type: ignore[arg-type]
    if settings.red_at_or_below >= settings.red_at_or_above:
        raise ValueError("red_at_or_below must be below red_at_or_above.")
    return settings


def inr_severity(
    inr: float, target_low: float, target_high: float, settings: InrAlertSettings
) -> str | None:
    """ "red" at or beyond the same-day lines (>= 5.0, <= 1.5 by default), "yellow" outside the
    target range, None inside it. INR exactly 3.0 with target 2.0-3.0 is in range; exactly 5.0
    is red; exactly 1.5 is red."""
    if inr >= settings.red_at_or_above - EPSILON or inr <= settings.red_at_or_below + EPSILON:
        return "red"
    if inr < target_low - EPSILON or inr > target_high + EPSILON:
        return "yellow"
    return None


def inr_reason(inr: float, target_low: float, target_high: float, above_range: bool) -> str:
    """The clinician's one-line why, e.g. "INR 4.2 is above the target range 2.0-3.0"."""
    shown = f">{inr:g}" if above_range else f"{inr:g}"
    if inr > target_high:
        where = "above"
    elif inr < target_low:
        where = "below"
    else:
        where = "within"
    return f"INR {shown} is {where} the target range {target_low:.1f}-{target_high:.1f}"


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
