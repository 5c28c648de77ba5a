"""Time in therapeutic range (TTR) by the Rosendaal method: how well anticoagulation is controlled.

Between two consecutive INR tests the INR is assumed to change linearly. TTR is the share of the
interpolated time whose INR lies within the patient's target range. Tests further apart than
`max_gap_days` (56 by default) are not interpolated: nobody knows what happened in between, so
that stretch counts neither as in range nor as total time. A TTR below ~60% means poor control.

Counting is continuous, the exact limit of Rosendaal's day-by-day tally: a segment of L days
whose INR runs linearly from a to b contributes L × (share of [a, b] inside the range). Time is
measured in days between calendar dates (test on day 0 and day 10 → 10 days), so results are
fractional days. Plain values in, plain values out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise


@dataclass(frozen=True)
class InrTest:
    """One INR result on a calendar date (local date of the test)."""

    on: date
    inr: float


@dataclass(frozen=True)
class TtrResult:
    """TTR over a window; `percent` is None when no interpolated day falls in the window."""

    percent: float | None
    days_in_range: float
    days_total: float  # interpolated days counted (gaps longer than max_gap_days excluded)
    tests_used: int  # distinct test dates bounding at least one counted segment


def _one_per_day(tests: Sequence[InrTest]) -> list[tuple[int, float]]:
    # Several tests on one date (e.g. a recheck of a surprising value) are averaged: the dates
    # carry no time of day, and the mean does not depend on the order the caller passes them in.
    by_day: dict[int, list[float]] = {}
    for test in tests:
        by_day.setdefault(test.on.toordinal(), []).append(test.inr)
    return [(day, math.fsum(values) / len(values)) for day, values in sorted(by_day.items())]


def _share_in_range(start: float, end: float, target_low: float, target_high: float) -> float:
    """Share (0..1) of a linear INR course from `start` to `end` lying within the range."""
    if start == end:
        # A flat course is all in or all out; limits are inclusive, so a flat 3.0 is in range.
        return 1.0 if target_low <= start <= target_high else 0.0
    low, high = min(start, end), max(start, end)
    overlap = min(high, target_high) - max(low, target_low)
    return max(overlap, 0.0) / (high - low)


def time_in_therapeutic_range(
    tests: Sequence[InrTest],
    target_low: float,
    target_high: float,
    window_end: date,
    window_days: int = 182,
    max_gap_days: int = 56,
) -> TtrResult:
    """Rosendaal TTR (percent 0–100) over the window [window_end − window_days, window_end].

    Tests may come in any order; same-date tests are averaged. Consecutive tests at most
    `max_gap_days` apart are interpolated linearly (a gap of exactly 56 days is used, 57 is
    skipped entirely — neither in range nor in the total). A segment partly outside the window
    counts only its days inside, with the INR interpolated at the window edge from the tests on
    either side, so tests before or after the window still shape the line. In range means
    target_low <= INR <= target_high (limits inclusive). Days are fractional (continuous count).
    `percent` is None when no interpolated time falls in the window: fewer than two tests, only
    over-long gaps, or no segment overlapping the window. Raises ValueError on a bad range or
    non-positive window/gap.
    """
    if not target_low < target_high:
        raise ValueError(f"target range {target_low}–{target_high}: low must be below high")
    if window_days <= 0 or max_gap_days <= 0:
        raise ValueError("window_days and max_gap_days must be positive")
    window_start, window_stop = window_end.toordinal() - window_days, window_end.toordinal()
    days_in_range = days_total = 0.0
    used: set[int] = set()
    for (day0, inr0), (day1, inr1) in pairwise(_one_per_day(tests)):
        if day1 - day0 > max_gap_days:
            continue
        start, stop = max(day0, window_start), min(day1, window_stop)
        if stop <= start:
            continue  # segment entirely outside the window
        slope = (inr1 - inr0) / (day1 - day0)
        inr_start, inr_stop = inr0 + slope * (start - day0), inr0 + slope * (stop - day0)
        length = float(stop - start)
        days_total += length
        days_in_range += length * _share_in_range(inr_start, inr_stop, target_low, target_high)
        used.update((day0, day1))
    percent = 100.0 * days_in_range / days_total if days_total else None
    return TtrResult(percent, days_in_range, days_total, len(used))
