"""COPD rules: a patient's readings against their own thresholds and their own baseline."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

SEVERITY_RANK: dict[str, int] = {"red": 3, "yellow": 2, "blue": 1}
EPSILON = 1e-9


def worse(a: str, b: str) -> str:
    """The more severe of two severities."""
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


@dataclass(frozen=True)
class Limits:
    alert_high: float | None = None
    warning_high: float | None = None
    warning_low: float | None = None
    alert_low: float | None = None


def limits_problems(limits: Limits) -> list[str]:
    """Problems with a set of limits; the ones set must be alert_high > warning_high >
    warning_low > alert_low."""
    order = [(f.name, getattr(limits, f.name)) for f in fields(limits)]
    present = [(n, v) for n, v in order if v is not None]
    return [
        f"{a} ({va:g}) must be above {b} ({vb:g})."
        for (a, va), (b, vb) in zip(present, present[1:], strict=False)
        if not va > vb
    ]


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
    """red strictly past an alert limit, yellow strictly past a warning limit; on a limit is not past."""
    if (limits.alert_high is not None and value > limits.alert_high) or (
        limits.alert_low is not None and value < limits.alert_low
    ):
        return "red"
    if (limits.warning_high is not None and value > limits.warning_high) or (
        limits.warning_low is not None and value < limits.warning_low
    ):
        return "yellow"
    return None


@dataclass(frozen=True)
class Reading:
    id: int
    code: str
    value: float
    effective_at: datetime


@dataclass(frozen=True)
class BaselineSettings:
    spo2_baseline_days: int = 14
    spo2_drop_points: float = 4.0
    spo2_min_baseline_readings: int = 3
    weight_window_days: int = 3
    weight_gain_kg: float = 2.0
    cat_baseline_days: int = 90
    cat_rise_points: float = 2.0
    cat_min_baseline_readings: int = 1


def baseline_settings_from(overrides: Mapping[str, object] | None) -> BaselineSettings:
    """Settings with per-patient overrides; ValueError names an unknown or mistyped key."""
    known = {f.name: f.type for f in fields(BaselineSettings)}
    values: dict[str, object] = {}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ValueError(f"Unknown setting {key!r}.")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"Setting {key!r} must be a number.")
        values[key] = value
    return BaselineSettings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    observation_ids: tuple[int, ...]
    reason: str


def evaluate_readings(
    new: Sequence[Reading],
    history: Sequence[Reading],
    thresholds: Mapping[str, Limits],
    settings: BaselineSettings,
) -> list[Finding]:
    """Findings for the new readings, one per rule."""
    everything = list(history) + list(new)
    hits: dict[str, list[tuple[str, Reading, str]]] = {}

    def previous(r: Reading, days: int) -> list[float]:
        since = r.effective_at - timedelta(days=days)
        return [
            x.value
            for x in everything
            if x.code == r.code and since <= x.effective_at < r.effective_at and x.id != r.id
        ]

    for r in new:
        limits = thresholds.get(r.code)
        if limits is not None:
            severity = classify(r.value, limits)
            if severity:
                hits.setdefault(f"threshold.{r.code}", []).append(
                    (severity, r, f"{r.code} {r.value:g} is past the {severity} limit")
                )
        if r.code == "spo2":
            base = previous(r, settings.spo2_baseline_days)
            if len(base) >= settings.spo2_min_baseline_readings:
                median = statistics.median(base)
                if median - r.value >= settings.spo2_drop_points - EPSILON:
                    hits.setdefault("spo2.drop_from_baseline", []).append(
                        ("yellow", r, f"SpO2 {r.value:g} % is {median - r.value:g} below its median {median:g}")
                    )
        if r.code == "weight":
            base = previous(r, settings.weight_window_days)
            if base and r.value - min(base) >= settings.weight_gain_kg - EPSILON:
                hits.setdefault("weight.gain", []).append(
                    ("yellow", r, f"Weight up {r.value - min(base):g} kg in {settings.weight_window_days} days")
                )
        if r.code == "cat_score":
            base = previous(r, settings.cat_baseline_days)
            if len(base) >= settings.cat_min_baseline_readings:
                median = statistics.median(base)
                if r.value - median >= settings.cat_rise_points - EPSILON:
                    hits.setdefault("cat_score.rise", []).append(
                        ("yellow", r, f"CAT {r.value:g} is {r.value - median:g} above baseline {median:g}")
                    )
    findings = []
    for rule, rule_hits in hits.items():
        worst = max(rule_hits, key=lambda h: (SEVERITY_RANK[h[0]], h[1].effective_at))
        findings.append(
            Finding(rule, worst[0], tuple(sorted({h[1].id for h in rule_hits})), worst[2])
        )
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))


def escalation_due(
    raised_at: datetime,
    acknowledged_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
    after: timedelta,
) -> bool:
    return acknowledged_at is None and escalated_at is None and now - raised_at >= after
