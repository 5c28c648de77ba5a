"""COPD rules: a patient's home readings against their own limits and their own baseline.

Plain Python over plain values: no Flask, no database, no clock (time comes from the readings).

The rules, as a lung team practises them:
- four limits per measurement, copied from the programme's standard set and adjusted per patient
  (alert high > warning high > warning low > alert low): a reading past an alert limit is red,
  past a warning limit yellow. A reading exactly on a limit is not past it;
- the patient's own baseline, because fixed single-reading limits alone raise many false alarms
  and chronic lung patients often live at 88-92 % SpO2: SpO2 four points or more below the median
  of the previous 14 days is yellow, and so is a weight gain of 2 kg or more within 3 days;
- the CAT questionnaire: a rise of 2 points (the minimal important change) over the median of the
  previous 90 days is yellow.
Every number here is a default that the care team can change per patient.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from telemon.vocabulary import SEVERITY_RANK, Severity

# Readings are binary floats: 64.1 - 62.1 is 1.999999999999993, which a clinician calls a 2 kg
# gain. Values, limits and differences within this tolerance count as equal. It is far below the
# resolution of any home device (0.1), so it never moves a real reading across a line.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Limits:
    """A patient's four limits for one measurement, in that measurement's unit; any may be None."""

    alert_high: float | None = None
    warning_high: float | None = None
    warning_low: float | None = None
    alert_low: float | None = None


def limits_problems(limits: Limits) -> list[str]:
    """What is wrong with a set of limits, one sentence per problem; empty when it is valid.

    The limits that are set must be strictly ordered alert_high > warning_high > warning_low >
    alert_low. Unset limits are skipped, so only neighbours among the set ones are compared
    (alert_high 100 with only alert_low 90 is valid; no limits at all is valid). Equal limits are
    a problem: a warning band of zero width would make the warning unreachable.
    """
    return [
        f"{upper} ({upper_value:g}) must be above {lower} ({lower_value:g})."
        for upper, upper_value, lower, lower_value in limit_order_problems(limits)
    ]


def limit_order_problems(limits: Limits) -> list[tuple[str, float, str, float]]:
    """The neighbouring set limits in the wrong order, as (upper field, its value, lower field,
    its value): the data behind limits_problems(), for a sentence in the reader's language
    (telemon.clinical_text.limits_out_of_order_text)."""
    present = [(f.name, v) for f in fields(limits) if (v := getattr(limits, f.name)) is not None]
    return [
        (upper, upper_value, lower, lower_value)
        for (upper, upper_value), (lower, lower_value) in zip(present, present[1:], strict=False)
        if not upper_value > lower_value
    ]


# The COPD programme's standard threshold set, by code. Warnings are the limits of the TELBIL
# 2011 telemonitoring trial; alert limits are wider. Each enrolment gets its own copy to adjust
# (a patient who lives at SpO2 88 % needs lower SpO2 limits, not a daily red alert).
# Limits are "past", not "at". Temperature: TELBIL warned above 37.0 °C, but 37.2 °C is a
# normal temperature and a yellow for it is alert fatigue; the usual fever line is >= 38 °C, so
# the warning limit is 37.9 (38.0 is yellow) and the alert limit 38.9 (39.0, high fever, red).
# FEV1, peak flow and weight have no population default: they are set per patient, if at all.
DEFAULT_COPD_THRESHOLDS: dict[str, Limits] = {
    "spo2": Limits(warning_low=92, alert_low=90),  # %; below 90 agrees with exacerbation
    "pulse": Limits(alert_high=120, warning_high=100, warning_low=50, alert_low=40),  # /min
    "respiratory_rate": Limits(alert_high=30, warning_high=24, warning_low=12, alert_low=8),
    "systolic_bp": Limits(alert_high=180, warning_high=160, warning_low=100, alert_low=90),
    "diastolic_bp": Limits(alert_high=110, warning_high=95, warning_low=60, alert_low=50),
    "temperature": Limits(alert_high=38.9, warning_high=37.9),  # Cel
    "cat_score": Limits(alert_high=30, warning_high=20),  # CAT bands 21-30 high, 31-40 very high
}


def classify(value: float, limits: Limits) -> Severity | None:
    """The severity of one reading against its limits (value in the limits' unit).

    "red" when strictly past an alert limit (value > alert_high or value < alert_low), "yellow"
    when strictly past a warning limit, else None. A value exactly on a limit (within TOLERANCE)
    is not past it: SpO2 90 with alert_low 90 is yellow, not red; temperature 38.0 with
    alert_high 38.0 is yellow. Unset limits never fire.
    """
    past = _past_limit(value, limits)
    return None if past is None else past[0]


def _past_limit(value: float, limits: Limits) -> tuple[Severity, str, float] | None:
    """(severity, reason code, limit) for the most severe limit passed."""
    bands = (
        (Severity.RED, "alert", limits.alert_high, limits.alert_low),
        (Severity.YELLOW, "warning", limits.warning_high, limits.warning_low),
    )
    for severity, kind, high, low in bands:
        if high is not None and value > high + TOLERANCE:
            return severity, f"threshold.above_{kind}_limit", high
        if low is not None and value < low - TOLERANCE:
            return severity, f"threshold.below_{kind}_limit", low
    return None


@dataclass(frozen=True)
class Reading:
    """One stored measurement: value in the code's UCUM unit, effective_at timezone-aware."""

    id: int
    code: str
    value: float
    effective_at: datetime

    def __post_init__(self) -> None:
        # A naive time would be silently compared as if it were UTC or local: refuse it.
        if self.effective_at.utcoffset() is None:
            raise ValueError(f"Reading {self.id}: effective_at must be timezone-aware.")


@dataclass(frozen=True)
class BaselineSettings:
    """How the baseline rules look back; every value may be overridden per patient.

    Weight: TELBIL used +1 kg in 3 days; the programme default is 2 kg in 3 days (the usual
    fluid-retention line), which fires less often. Set weight_gain_kg 1.0 to follow TELBIL.
    """

    spo2_baseline_days: int = 14  # baseline = median SpO2 of the previous 14 days
    spo2_drop_points: float = 4.0  # percentage points below that median -> yellow
    spo2_min_baseline_readings: int = 3  # fewer previous readings: no baseline, rule silent
    weight_window_days: int = 3
    weight_gain_kg: float = 2.0  # above the lowest weight of the previous 3 days -> yellow
    cat_baseline_days: int = 90  # baseline = median CAT score of the previous 90 days
    cat_rise_points: float = 2.0  # the minimal important change of the CAT
    cat_min_baseline_readings: int = 1


# Each setting's clinically sensible range, inclusive (days and counts are whole numbers).
# Beyond these a setting no longer adjusts a rule, it switches it off (a 1e300-day baseline)
# or breaks evaluation for the patient: refused, for the API and the web alike.
BASELINE_SETTING_RANGES: dict[str, tuple[float, float]] = {
    "spo2_baseline_days": (1, 90),
    "spo2_drop_points": (1, 20),  # percentage points
    "spo2_min_baseline_readings": (1, 60),
    "weight_window_days": (1, 30),
    "weight_gain_kg": (0.1, 20),
    "cat_baseline_days": (1, 365),
    "cat_rise_points": (1, 40),  # the CAT runs 0-40
    "cat_min_baseline_readings": (1, 60),
}


def baseline_settings_from(overrides: Mapping[str, object] | None) -> BaselineSettings:
    """The default BaselineSettings with a patient's overrides applied; None means defaults.

    Each value must be a finite number within BASELINE_SETTING_RANGES (ends included); days
    and reading counts must be whole numbers (14.0 is accepted as 14). Booleans and strings
    are not numbers here. Raises ValueError naming the offending key for an unknown key or a
    bad value.
    """
    if overrides is None:
        return BaselineSettings()
    if not isinstance(overrides, Mapping):
        raise ValueError("Rule settings must be a mapping of setting name to number.")
    defaults = BaselineSettings()
    known = sorted(f.name for f in fields(BaselineSettings))
    changes: dict[str, Any] = {}  # checked below, field by field
    for key, value in overrides.items():
        if key not in known:
            raise ValueError(f"Unknown rule setting {key!r}; known: {', '.join(known)}.")
        low, high = BASELINE_SETTING_RANGES[key]
        if not _is_number(value) or not low <= value <= high:
            raise ValueError(
                f"Rule setting {key!r} must be a positive number from {low:g} to {high:g}."
            )
        if isinstance(getattr(defaults, key), int):
            if value != int(value):
                raise ValueError(f"Rule setting {key!r} must be a whole number.")
            changes[key] = int(value)
        else:
            changes[key] = float(value)
    return replace(defaults, **changes)


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int in Python, but a setting of true is a mistake, not 1.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Finding:
    """A rule that fired for a batch: one per rule id, with every reading that triggered it.

    rule is stable ("threshold.spo2", "spo2.drop_from_baseline", "weight.gain",
    "cat_score.rise"); severity is "red" or "yellow"; observation_ids are sorted; the reason
    is data, a code and its parameters (telemon.clinical_text.reasons writes the sentence).
    The findings of different rules on one measurement join one alert (telemon.alerts.joining).
    """

    rule: str
    severity: Severity
    observation_ids: tuple[int, ...]
    reason_code: str
    reason_params: Mapping[str, Any]


@dataclass(frozen=True)
class _Hit:
    rule: str
    severity: Severity
    reading: Reading
    reason_code: str
    reason_params: Mapping[str, Any]


def evaluate_readings(
    new: Sequence[Reading],
    history: Sequence[Reading],
    thresholds: Mapping[str, Limits],
    settings: BaselineSettings,
) -> list[Finding]:
    """Judge each new reading against the patient's limits and the patient's own baseline.

    A reading's baseline is the readings of the same code taken strictly before it, within the
    rule's look-back (a reading exactly N days earlier is inside an N-day window), from `history`
    and from the other new readings: an upload of a week of stored readings is judged as the
    week happened. Readings at or after it are never its baseline. A reading present in both
    `new` and `history` (same id) counts once. Codes without Limits in `thresholds` are judged by
    the baseline rules only. Differences are compared with TOLERANCE, so a drop of exactly 4
    points or a gain of exactly 2.0 kg fires.

    Returns one Finding per rule id, with the worst severity, every triggering reading, and the
    reason of the worst (then latest) of them; sorted most severe first, then by rule id.
    Readings that trigger nothing give nothing; an empty batch gives [].
    """
    pool = list({r.id: r for r in [*history, *new]}.values())
    hits: list[_Hit] = []
    for reading in new:
        limits = thresholds.get(reading.code)
        if limits is not None:
            hits.extend(_limit_hit(reading, limits))
        for rule in (_spo2_drop, _weight_gain, _cat_rise):
            hit = rule(reading, pool, settings)
            if hit is not None:
                hits.append(hit)
    return _merge(hits)


def _previous(reading: Reading, pool: list[Reading], days: int) -> list[float]:
    """Values of the same code taken strictly before the reading, at most `days` before it."""
    since = reading.effective_at - timedelta(days=days)
    return [
        r.value
        for r in pool
        if r.code == reading.code
        and r.id != reading.id
        and since <= r.effective_at < reading.effective_at
    ]


def _limit_hit(reading: Reading, limits: Limits) -> list[_Hit]:
    past = _past_limit(reading.value, limits)
    if past is None:
        return []
    severity, code, limit = past
    params = {"code": reading.code, "value": reading.value, "limit": limit}
    return [_Hit(f"threshold.{reading.code}", severity, reading, code, params)]


def _baseline(reading: Reading, pool: list[Reading], days: int, at_least: int) -> float | None:
    """The patient's usual level: the median of the previous `days`, None with too few readings.

    A median, not a mean, so that one odd reading (a cold finger) does not move the baseline.
    """
    previous = _previous(reading, pool, days)
    if not previous or len(previous) < at_least:
        return None
    return statistics.median(previous)


def _spo2_drop(reading: Reading, pool: list[Reading], s: BaselineSettings) -> _Hit | None:
    if reading.code != "spo2":
        return None
    median = _baseline(reading, pool, s.spo2_baseline_days, s.spo2_min_baseline_readings)
    if median is None:
        return None
    drop = median - reading.value
    if drop < s.spo2_drop_points - TOLERANCE:
        return None
    params = {
        "code": "spo2",
        "value": reading.value,
        "drop": _exact(drop),
        "median": median,
        "days": s.spo2_baseline_days,
    }
    return _Hit(
        "spo2.drop_from_baseline", Severity.YELLOW, reading, "spo2.drop_from_baseline", params
    )


def _weight_gain(reading: Reading, pool: list[Reading], s: BaselineSettings) -> _Hit | None:
    if reading.code != "weight":
        return None
    window = _previous(reading, pool, s.weight_window_days)
    if not window:
        return None
    # Against the lowest, not the last, weight: fluid gathers over days, a step at a time.
    gain = reading.value - min(window)
    if gain < s.weight_gain_kg - TOLERANCE:
        return None
    params = {
        "code": "weight",
        "value": reading.value,
        "gain": _exact(gain),
        "days": s.weight_window_days,
    }
    return _Hit("weight.gain", Severity.YELLOW, reading, "weight.gain", params)


def _cat_rise(reading: Reading, pool: list[Reading], s: BaselineSettings) -> _Hit | None:
    if reading.code != "cat_score":
        return None
    median = _baseline(reading, pool, s.cat_baseline_days, s.cat_min_baseline_readings)
    if median is None:
        return None
    rise = reading.value - median
    if rise < s.cat_rise_points - TOLERANCE:
        return None
    params = {"code": "cat_score", "value": reading.value, "rise": _exact(rise), "median": median}
    return _Hit("cat_score.rise", Severity.YELLOW, reading, "cat_score.rise", params)


def _merge(hits: list[_Hit]) -> list[Finding]:
    by_rule: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_rule.setdefault(hit.rule, []).append(hit)
    findings = []
    for rule, rule_hits in by_rule.items():
        # The id breaks ties between simultaneous readings, so the reason never depends on order.
        worst = max(
            rule_hits,
            key=lambda h: (SEVERITY_RANK[h.severity], h.reading.effective_at, h.reading.id),
        )
        ids = tuple(sorted({h.reading.id for h in rule_hits}))
        findings.append(Finding(rule, worst.severity, ids, worst.reason_code, worst.reason_params))
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))


def _exact(difference: float) -> float:
    """A difference of two readings as a clinician reads it: 64.1 - 62.1 is 2, not 1.9999999."""
    return round(difference, 6)
