"""COPD rules: a patient's readings against their own thresholds and their own baseline.

Plain Python over plain values: no Flask, no database, no clock (time comes from the readings).

Three kinds of rule, as a lung team practises them:
- absolute limits per measurement, four per patient (alert high > warning high > warning low >
  alert low): red past an alert limit, yellow past a warning limit;
- the patient's own baseline, because fixed single-reading limits alone raise many false alarms
  and chronic lung patients often live at 88-92 % SpO2: a SpO2 four points or more below the
  median of the previous 14 days, and a weight gain of 2 kg or more within 3 days, are yellow;
- the CAT questionnaire: a rise of 2 points (the minimal important change) over the patient's
  baseline (median of the previous 90 days) is yellow.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

# Most severe first in every queue. Blue is a missing measurement.
SEVERITY_RANK: dict[str, int] = {"red": 3, "yellow": 2, "blue": 1}

# Readings arrive as binary floats (e.g. 94 - 90.0000001); differences within this are equal.
EPSILON = 1e-6

LABELS = {
    "spo2": ("SpO2", "%"),
    "pulse": ("Pulse", "/min"),
    "fev1": ("FEV1", "L"),
    "peak_flow": ("Peak flow", "L/min"),
    "weight": ("Weight", "kg"),
    "systolic_bp": ("Systolic BP", "mmHg"),
    "diastolic_bp": ("Diastolic BP", "mmHg"),
    "temperature": ("Temperature", "°C"),
    "respiratory_rate": ("Respiratory rate", "/min"),
    "cat_score": ("CAT score", ""),
}


def worse(a: str, b: str) -> str:
    """The more severe of two severities ("red" > "yellow" > "blue")."""
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


@dataclass(frozen=True)
class Limits:
    """A patient's four limits for one measurement, in the measurement's unit; any may be None."""

    alert_high: float | None = None
    warning_high: float | None = None
    warning_low: float | None = None
    alert_low: float | None = None


def limits_problems(limits: Limits) -> list[str]:
    """What is wrong with a set of limits, as sentences; empty when it is valid.

    The limits that are set must be strictly ordered alert_high > warning_high > warning_low >
    alert_low; unset limits are skipped (alert_high 100 with only alert_low 90 is fine).
    """
    present = [(f.name, getattr(limits, f.name)) for f in fields(limits)]
    present = [(name, value) for name, value in present if value is not None]
    return [
        f"{upper} ({upper_value:g}) must be above {lower} ({lower_value:g})."
        for (upper, upper_value), (lower, lower_value) in zip(present, present[1:], strict=False)
        if not upper_value > lower_value
    ]


# The COPD programme's standard threshold set (TELBIL 2011 limits as warnings, wider alert
# limits). Admins change the stored copy; each enrolment gets its own copy to adjust.
# Temperature: 38.0 exactly is not past 38.0, so it is yellow; a region that wants 38.0 red
# sets alert_high 37.9. FEV1, peak flow and weight have no population default: set per patient.
DEFAULT_COPD_THRESHOLDS: dict[str, Limits] = {
    "spo2": Limits(warning_low=92, alert_low=90),
    "pulse": Limits(alert_high=120, warning_high=100, warning_low=50, alert_low=40),
    "respiratory_rate": Limits(alert_high=30, warning_high=24, warning_low=12, alert_low=8),
    "systolic_bp": Limits(alert_high=180, warning_high=160, warning_low=100, alert_low=90),
    "diastolic_bp": Limits(alert_high=110, warning_high=95, warning_low=60, alert_low=50),
    "temperature": Limits(alert_high=38.0, warning_high=37.0),
    "cat_score": Limits(alert_high=30, warning_high=20),
}


def classify(value: float, limits: Limits) -> str | None:
    """ "red" when strictly past an alert limit, "yellow" when strictly past a warning limit,
    else None. A value exactly on a limit is not past it (SpO2 90 with alert_low 90 is not red).
    """
    if _above(value, limits.alert_high) or _below(value, limits.alert_low):
        return "red"
    if _above(value, limits.warning_high) or _below(value, limits.warning_low):
        return "yellow"
    return None


def _above(value: float, limit: float | None) -> bool:
    return limit is not None and value > limit + EPSILON


def _below(value: float, limit: float | None) -> bool:
    return limit is not None and value < limit - EPSILON


@dataclass(frozen=True)
class Reading:
    id: int
    code: str
    value: float
    effective_at: datetime  # timezone-aware


@dataclass(frozen=True)
class BaselineSettings:
    """How the baseline rules look back; every value may be overridden per patient."""

    spo2_baseline_days: int = 14
    spo2_drop_points: float = 4.0
    spo2_min_baseline_readings: int = 3
    weight_window_days: int = 3
    weight_gain_kg: float = 2.0
    cat_baseline_days: int = 90
    cat_rise_points: float = 2.0
    cat_min_baseline_readings: int = 1


def baseline_settings_from(overrides: Mapping[str, object] | None) -> BaselineSettings:
    """The default settings with a patient's overrides applied.

    Raises ValueError naming the key for an unknown setting or a value that is not a positive
    number (whole days and counts must be whole numbers).
    """
    kinds = {f.name: f.type for f in fields(BaselineSettings)}
    values: dict[str, int | float] = {}
    for key, value in (overrides or {}).items():
        if key not in kinds:
            raise ValueError(f"Unknown setting {key!r}; known: {', '.join(sorted(kinds))}.")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"Setting {key!r} must be a positive number.")
        if kinds[key] == "int" and value != int(value):
            raise ValueError(f"Setting {key!r} must be a whole number.")
        values[key] = int(value) if kinds[key] == "int" else float(value)
    return BaselineSettings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    """A rule that fired: one per rule per batch, with every reading that triggered it."""

    rule: str
    severity: str
    observation_ids: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class _Hit:
    rule: str
    severity: str
    reading: Reading
    reason: str


def evaluate_readings(
    new: Sequence[Reading],
    history: Sequence[Reading],
    thresholds: Mapping[str, Limits],
    settings: BaselineSettings,
) -> list[Finding]:
    """Judge the new readings against the thresholds and the patient's own history.

    A reading's baseline is the readings of the same code taken strictly before it, from
    `history` and from the other new readings (a late upload of old readings is judged against
    what came before each). Codes without limits in `thresholds` are judged by baseline rules
    only. Returns one Finding per rule, worst severity first, then by rule id.
    """
    earlier = _earlier_readings(list(history) + list(new))
    hits: list[_Hit] = []
    for reading in new:
        hits.extend(_limit_hits(reading, thresholds))
        for rule in _BASELINE_RULES:
            hit = rule(reading, earlier, settings)
            if hit is not None:
                hits.append(hit)
    return _merge(hits)


def _earlier_readings(readings: list[Reading]) -> Callable[[Reading, int], list[float]]:
    def earlier(reading: Reading, days: int) -> list[float]:
        since = reading.effective_at - timedelta(days=days)
        return [
            r.value
            for r in readings
            if r.code == reading.code
            and r.id != reading.id
            and since <= r.effective_at < reading.effective_at
        ]

    return earlier


def _limit_hits(reading: Reading, thresholds: Mapping[str, Limits]) -> list[_Hit]:
    limits = thresholds.get(reading.code)
    if limits is None:
        return []
    severity = classify(reading.value, limits)
    if severity is None:
        return []
    label, unit = LABELS.get(reading.code, (reading.code, ""))
    kind = "alert" if severity == "red" else "warning"
    high = limits.alert_high if severity == "red" else limits.warning_high
    if high is not None and reading.value > high:
        where = f"above the {kind} limit {high:g}"
    else:
        low = limits.alert_low if severity == "red" else limits.warning_low
        where = f"below the {kind} limit {low:g}"
    reason = f"{label} {_amount(reading.value, unit)} is {where}"
    return [_Hit(f"threshold.{reading.code}", severity, reading, reason)]


Earlier = Callable[[Reading, int], list[float]]


def _spo2_drop(reading: Reading, earlier: Earlier, s: BaselineSettings) -> _Hit | None:
    if reading.code != "spo2":
        return None
    baseline = earlier(reading, s.spo2_baseline_days)
    if len(baseline) < s.spo2_min_baseline_readings:
        return None
    median = statistics.median(baseline)
    drop = median - reading.value
    if drop < s.spo2_drop_points - EPSILON:
        return None
    reason = (
        f"SpO2 {reading.value:g} % is {drop:g} points below the patient's "
        f"{s.spo2_baseline_days}-day median {median:g} %"
    )
    return _Hit("spo2.drop_from_baseline", "yellow", reading, reason)


def _weight_gain(reading: Reading, earlier: Earlier, s: BaselineSettings) -> _Hit | None:
    if reading.code != "weight":
        return None
    window = earlier(reading, s.weight_window_days)
    if not window:
        return None
    gain = reading.value - min(window)
    if gain < s.weight_gain_kg - EPSILON:
        return None
    reason = f"Weight {reading.value:g} kg is up {gain:g} kg within {s.weight_window_days} days"
    return _Hit("weight.gain", "yellow", reading, reason)


def _cat_rise(reading: Reading, earlier: Earlier, s: BaselineSettings) -> _Hit | None:
    if reading.code != "cat_score":
        return None
    baseline = earlier(reading, s.cat_baseline_days)
    if len(baseline) < s.cat_min_baseline_readings:
        return None
    median = statistics.median(baseline)
    rise = reading.value - median
    if rise < s.cat_rise_points - EPSILON:
        return None
    reason = (
        f"CAT score {reading.value:g} is {rise:g} points above the patient's baseline {median:g}"
    )
    return _Hit("cat_score.rise", "yellow", reading, reason)


_BASELINE_RULES = (_spo2_drop, _weight_gain, _cat_rise)


def _merge(hits: list[_Hit]) -> list[Finding]:
    by_rule: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_rule.setdefault(hit.rule, []).append(hit)
    findings = []
    for rule, rule_hits in by_rule.items():
        worst = max(rule_hits, key=lambda h: (SEVERITY_RANK[h.severity], h.reading.effective_at))
        ids = tuple(sorted({h.reading.id for h in rule_hits}))
        findings.append(Finding(rule, worst.severity, ids, worst.reason))
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit}".strip()


def escalation_due(
    raised_at: datetime,
    acknowledged_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
    after: timedelta,
) -> bool:
    """An alert is escalated once, when nobody has acknowledged it `after` its raising
    (exactly `after` counts as due)."""
    return acknowledged_at is None and escalated_at is None and now - raised_at >= after
