"""Healing trajectory: is the wound shrinking fast enough on the current plan?

A venous leg ulcer that has not shrunk by about 40% in area after 4 weeks, or a diabetic foot
ulcer by about 50%, is unlikely to heal on the current plan; that is a reason for specialist
review. Plain values in, plain values out: no framework, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AreaPoint:
    """One wound assessment's area: when it was assessed, and the area in cm²."""

    assessed_at: datetime
    area_cm2: float


@dataclass(frozen=True)
class TrajectoryRule:
    """Expected healing for a wound type: at least min_reduction_percent less area
    (relative to baseline) once after_days calendar days have passed since baseline."""

    min_reduction_percent: float
    after_days: int = 28


DEFAULT_TRAJECTORY_RULES: dict[str, TrajectoryRule] = {
    "venous_leg_ulcer": TrajectoryRule(40.0),
    "diabetic_foot_ulcer": TrajectoryRule(50.0),
}


@dataclass(frozen=True)
class Trajectory:
    """Outcome of healing_trajectory.

    reason is a short English explanation, set exactly when not_healing_as_expected is True.
    """

    baseline_area_cm2: float | None
    latest_area_cm2: float | None
    reduction_percent: float | None
    days_since_baseline: float | None
    not_healing_as_expected: bool
    reason: str | None
    # Calendar days from the baseline assessment to the latest (the reason's "in N days").
    calendar_days: int | None = None


# Areas are measured to a few decimals at best; rounding the percentage to 6 decimals only
# removes binary floating-point noise, so that an exact 40% reduction reads 40.0 and is on
# track rather than 39.99999999999999 and flagged.
_PERCENT_DECIMALS = 6

_SECONDS_PER_DAY = 86_400.0


def healing_trajectory(
    points: Sequence[AreaPoint],
    wound_type: str,
    rules: Mapping[str, TrajectoryRule] = DEFAULT_TRAJECTORY_RULES,
) -> Trajectory:
    """Area reduction since baseline, and whether the wound is not healing as expected.

    - Baseline is the earliest assessment, latest the most recent (input order does not
      matter; among equal timestamps the baseline is the first given and the latest the
      last given).
    - reduction_percent = (baseline − latest) / baseline × 100, rounded to 6 decimals;
      negative when the wound has grown; 0.0 for a single assessment; None when the
      baseline area is 0 (no meaningful percentage).
    - days_since_baseline is the elapsed time between the two assessments in days
      (fractional; aware datetimes are compared as absolute instants).
    - not_healing_as_expected is True only when wound_type has a rule in rules, the latest
      assessment falls on or after the after_days-th calendar day after the baseline's
      date, and reduction_percent < min_reduction_percent. Calendar dates (each in the
      offset it was recorded with) are used so that weekly visits at different times of
      day still count: baseline Monday 10:00 and latest 4 weeks later at 09:30 is 28 days.
      Exactly the expected reduction (e.g. 40.0% for a venous leg ulcer) is on track.
    - Wound types without a rule never flag; an empty sequence gives all None, no flag.

    Areas in cm². Raises ValueError for a negative, NaN or infinite area, or when naive and
    timezone-aware datetimes are mixed.
    """
    if not points:
        return Trajectory(None, None, None, None, False, None)
    for point in points:
        if not math.isfinite(point.area_cm2) or point.area_cm2 < 0:
            raise ValueError(f"area_cm2 must be a finite number >= 0, got {point.area_cm2!r}")
    if len({point.assessed_at.utcoffset() is None for point in points}) > 1:
        raise ValueError("assessed_at mixes naive and timezone-aware datetimes")

    # sorted() is stable, so ties keep input order.
    ordered = sorted(points, key=lambda point: point.assessed_at)
    baseline, latest = ordered[0], ordered[-1]

    reduction: float | None = None
    if baseline.area_cm2 > 0:
        reduction = round(
            (baseline.area_cm2 - latest.area_cm2) / baseline.area_cm2 * 100, _PERCENT_DECIMALS
        )
    days = _elapsed_days(baseline.assessed_at, latest.assessed_at)
    calendar_days = (latest.assessed_at.date() - baseline.assessed_at.date()).days

    rule = rules.get(wound_type)
    reason = None
    if (
        rule is not None
        and reduction is not None
        and calendar_days >= rule.after_days
        and reduction < rule.min_reduction_percent
    ):
        reason = (
            f"Area reduced {reduction:.1f}% in {calendar_days} days; "
            f"expected at least {rule.min_reduction_percent:g}% after {rule.after_days} days "
            f"for {wound_type.replace('_', ' ')}."
        )
    return Trajectory(
        baseline_area_cm2=baseline.area_cm2,
        latest_area_cm2=latest.area_cm2,
        reduction_percent=reduction,
        days_since_baseline=days,
        not_healing_as_expected=reason is not None,
        reason=reason,
        calendar_days=calendar_days,
    )


def _elapsed_days(start: datetime, end: datetime) -> float:
    # Subtracting two aware datetimes that share a tzinfo object gives wall-clock time, which
    # is off by an hour across a daylight-saving change; converting to epoch seconds does not.
    if start.utcoffset() is not None:
        return (end.timestamp() - start.timestamp()) / _SECONDS_PER_DAY
    return (end - start).total_seconds() / _SECONDS_PER_DAY
