"""Weekly-dose nomogram for warfarin-type treatment: decision support a clinician confirms.

A nomogram is a versioned table of INR bands. Each band says how to change the total weekly dose
(percent), how many doses to hold, and whether to contact the clinic the same day. Band edges are
either absolute INR values or offsets from the patient's own target limits, so one table serves
both the usual 2.0–3.0 target and 2.5–3.5 for mechanical mitral valves.

Every point on the INR line belongs to exactly one band: edges are half-open [lower, upper) by
default, and a band may say which side owns its edge (the in-range band owns both target limits,
so INR exactly 3.0 is in range for a 2.0–3.0 target). Plain values in, plain values out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_DOWN, Decimal
from typing import Literal

from telemon.anticoagulation.instructions import DEFAULT_INSTRUCTION_SET, INSTRUCTION_SETS

Anchor = Literal["inr", "target_low", "target_high"]
_ANCHORS: tuple[Anchor, ...] = ("inr", "target_low", "target_high")

# A relative table must make sense for both target ranges in domain.md; checking them when the
# table is built makes a bad configuration fail on load, not on a mitral-valve patient's reading.
REFERENCE_TARGETS: tuple[tuple[float, float], ...] = ((2.0, 3.0), (2.5, 3.5))


@dataclass(frozen=True)
class Limit:
    """A band edge: an absolute INR (anchor "inr") or an offset (INR units) from a target limit."""

    anchor: Anchor
    offset: float = 0.0

    def resolve(self, target_low: float, target_high: float) -> float:
        """The edge as an absolute INR for this target range (e.g. target_low − 0.5 → 1.5)."""
        base = {"inr": 0.0, "target_low": target_low, "target_high": target_high}[self.anchor]
        # Rounding removes float noise, so that 2.2 − 0.5 equals an INR reported as 1.7.
        return round(base + self.offset, 6)


@dataclass(frozen=True)
class Band:
    """One row of the table; `lower` None means no lower bound, `upper` None no upper bound."""

    lower: Limit | None
    upper: Limit | None
    change_percent: float = 0.0
    hold_doses: int = 0
    contact_clinic: bool = False
    lower_inclusive: bool = True
    upper_inclusive: bool = False
    retest_in_days: int | None = None  # overrides the nomogram's interval, e.g. 1 day at INR ≥ 5

    def contains(self, inr: float, target_low: float, target_high: float) -> bool:
        """Whether the INR falls in this band for the given target range (edges as declared)."""
        if self.lower is not None:
            low = self.lower.resolve(target_low, target_high)
            if inr < low or (inr == low and not self.lower_inclusive):
                return False
        if self.upper is not None:
            high = self.upper.resolve(target_low, target_high)
            if inr > high or (inr == high and not self.upper_inclusive):
                return False
        return True


@dataclass(frozen=True)
class Nomogram:
    """A versioned weekly-dose table. Doses in mg per week, intervals in days.

    Next test: `retest_after_change_days` after a dose change, a hold or an out-of-range INR;
    after an in-range INR with no change, `retest_in_range_days` plus
    `retest_in_range_increment_days` per consecutive in-range test before it, capped at
    `retest_max_days`. A band's own `retest_in_days` wins over both.

    Stable patients: when the previous `stable_after_in_range` tests were all in range and the INR
    is out of range by at most `stable_tolerance_inr` (and the band asks for no hold and no
    clinic contact), no dose change is suggested, only an early retest — domain.md's "a stable
    patient within 0.5 of range usually needs no dose change". Tolerance 0 disables this.

    `instructions` names the instruction set the patient's instructions are written in for
    this version's suggestions, so that a suggestion keeps the wording of the version that made
    it. Construction validates the table and raises ValueError naming the problem.
    """

    version: str
    bands: tuple[Band, ...]
    dose_step_mg: float = 1.25  # half of a 2.5 mg tablet
    min_weekly_dose_mg: float = 0.0
    max_weekly_dose_mg: float = 140.0
    retest_after_change_days: int = 7
    retest_in_range_days: int = 14
    retest_in_range_increment_days: int = 7
    retest_max_days: int = 28
    stable_tolerance_inr: float = 0.5
    stable_after_in_range: int = 3
    # The wording the patient reads for this version's suggestions
    # (telemon.anticoagulation.instructions.INSTRUCTION_SETS).
    instructions: str = DEFAULT_INSTRUCTION_SET

    def __post_init__(self) -> None:
        _validate(self)

    def band_for(self, inr: float, target_low: float, target_high: float) -> Band:
        """The one band holding this INR; ValueError if the table does not fit the target."""
        _check_fits(self, target_low, target_high)
        for band in self.bands:
            if band.contains(inr, target_low, target_high):
                return band
        raise AssertionError("validated bands cover every INR")  # pragma: no cover


def _check_fits(nomogram: Nomogram, target_low: float, target_high: float) -> None:
    if not target_low < target_high:
        raise ValueError(f"target range {target_low}–{target_high}: low must be below high")
    for i, band in enumerate(nomogram.bands):
        if band.lower is not None and band.upper is not None:
            low = band.lower.resolve(target_low, target_high)
            high = band.upper.resolve(target_low, target_high)
            if not low < high:
                raise ValueError(
                    f"nomogram {nomogram.version}: bands[{i}] is empty or inverted "
                    f"({low}–{high}) for target range {target_low}–{target_high}"
                )


def _validate(n: Nomogram) -> None:
    name = f"nomogram {n.version or '(no version)'}"
    if not n.version.strip():
        raise ValueError("nomogram: version must not be empty")
    if not n.bands:
        raise ValueError(f"{name}: needs at least one band")
    if n.instructions not in INSTRUCTION_SETS:
        known = ", ".join(sorted(INSTRUCTION_SETS))
        raise ValueError(f"{name}: unknown instruction set {n.instructions!r}; known: {known}")
    if n.bands[0].lower is not None:
        raise ValueError(f"{name}: bands[0] must have no lower limit (gap below it)")
    if n.bands[-1].upper is not None:
        raise ValueError(f"{name}: the last band must have no upper limit (gap above it)")
    for i, (below, above) in enumerate(zip(n.bands, n.bands[1:], strict=False)):
        if below.upper is None or above.lower is None:
            raise ValueError(f"{name}: only the first/last band may be unbounded (bands[{i}])")
        if below.upper != above.lower:
            raise ValueError(f"{name}: bands[{i}].upper and bands[{i + 1}].lower differ (gap)")
        if below.upper_inclusive == above.lower_inclusive:
            owner = "both bands" if below.upper_inclusive else "neither band"
            raise ValueError(f"{name}: the edge between bands[{i}] and [{i + 1}] is in {owner}")
    for i, band in enumerate(n.bands):
        if not math.isfinite(band.change_percent) or band.change_percent <= -100:
            raise ValueError(f"{name}: bands[{i}].change_percent must be above -100")
        if band.hold_doses < 0:
            raise ValueError(f"{name}: bands[{i}].hold_doses must not be negative")
        if band.contact_clinic and band.change_percent != 0:
            # The clinic, not the table, sets the new dose after a same-day contact.
            raise ValueError(f"{name}: bands[{i}] contacts the clinic, so change_percent must be 0")
        if band.retest_in_days is not None and not 1 <= band.retest_in_days <= n.retest_max_days:
            raise ValueError(f"{name}: bands[{i}].retest_in_days must be 1..retest_max_days")
    for low, high in REFERENCE_TARGETS:
        _check_fits(n, low, high)
    if not (n.dose_step_mg > 0 and math.isfinite(n.dose_step_mg)):
        raise ValueError(f"{name}: dose_step_mg must be positive")
    if not 0 <= n.min_weekly_dose_mg <= n.max_weekly_dose_mg < math.inf:
        raise ValueError(f"{name}: need 0 <= min_weekly_dose_mg <= max_weekly_dose_mg")
    if not 1 <= n.retest_after_change_days <= n.retest_in_range_days <= n.retest_max_days:
        raise ValueError(
            f"{name}: need 1 <= retest_after_change_days <= retest_in_range_days <= retest_max_days"
        )
    if n.retest_in_range_increment_days < 0:
        raise ValueError(f"{name}: retest_in_range_increment_days must not be negative")
    if not 0 <= n.stable_tolerance_inr < math.inf or n.stable_after_in_range < 1:
        raise ValueError(f"{name}: need stable_tolerance_inr >= 0 and stable_after_in_range >= 1")


# domain.md's table. Edges below and just above range move with the target (2.5–3.5 gives
# <2.0 +15%, 2.0–2.4 +10%, 3.6–4.4 −10%, 4.5–4.9 hold); the same-day-contact line at 5.0 stays
# absolute because bleeding risk follows the INR itself, not the target.
DEFAULT_NOMOGRAM = Nomogram(
    version="default-2026.1",
    bands=(
        Band(None, Limit("target_low", -0.5), change_percent=15),
        Band(Limit("target_low", -0.5), Limit("target_low"), change_percent=10),
        Band(Limit("target_low"), Limit("target_high"), upper_inclusive=True),
        Band(Limit("target_high"), Limit("target_high", 1.0), -10, lower_inclusive=False),
        Band(Limit("target_high", 1.0), Limit("inr", 5.0), -10, hold_doses=1),
        Band(Limit("inr", 5.0), None, hold_doses=1, contact_clinic=True, retest_in_days=1),
    ),
)


@dataclass(frozen=True)
class DoseSuggestion:
    """A suggestion for a clinician (or trained self-managing patient) to confirm; never an order.

    `change_percent` is the table's percent (0 when the stable rule applied); `weekly_dose_mg`
    may differ from it after rounding to tablet steps and clamping, which `notes` then explain.
    """

    nomogram_version: str
    inr: float
    in_range: bool
    previous_weekly_dose_mg: float
    weekly_dose_mg: float
    change_percent: float
    hold_doses: int
    contact_clinic: bool
    action: str
    next_test_in_days: int
    next_test_on: date
    notes: tuple[str, ...]


_COUNT_WORDS = {1: "one", 2: "two", 3: "three"}


def _action(change_percent: float, hold_doses: int, contact_clinic: bool) -> str:
    # Words are derived from the numbers so that the two can never disagree.
    if contact_clinic:
        return "hold and contact the clinic today" if hold_doses else "contact the clinic today"
    parts = []
    if hold_doses:
        count = _COUNT_WORDS.get(hold_doses, str(hold_doses))
        parts.append(f"hold {count} dose{'s' if hold_doses > 1 else ''}")
    if change_percent:
        verb = "increase" if change_percent > 0 else "reduce"
        what = "weekly dose by " if not parts else ""
        parts.append(f"{verb} {what}{abs(change_percent):g}%")
    return ", then ".join(parts) if parts else "no change"


def round_to_step(dose_mg: float, step_mg: float) -> float:
    """Round a weekly dose (mg) to the nearest multiple of step_mg; an exact tie rounds down.

    Ties go to the lower dose because over-anticoagulation (bleeding) is the more urgent harm;
    e.g. 31.875 mg with 1.25 mg steps → 31.25 mg. Decimal arithmetic avoids float ties drifting.
    """
    step = Decimal(str(step_mg))
    steps = (Decimal(str(dose_mg)) / step).quantize(Decimal(1), rounding=ROUND_HALF_DOWN)
    return float(steps * step)


def _new_weekly_dose(current: float, percent: float, n: Nomogram) -> tuple[float, list[str]]:
    if percent == 0:
        return current, []  # no change: keep the dose as prescribed, even if off the step grid
    notes = []
    exact = Decimal(str(current)) * (100 + Decimal(str(percent))) / 100
    dose = round_to_step(float(exact), n.dose_step_mg)
    low, high = n.min_weekly_dose_mg, n.max_weekly_dose_mg
    if (percent < 0 and dose < low) or (percent > 0 and dose > high):
        bound, word, verb = (
            (low, "minimum", "reduce") if percent < 0 else (high, "maximum", "increase")
        )
        # A dose already at (or past) the bound stays put: clamping must never move the dose
        # against the table's direction.
        if (current <= low) if percent < 0 else (current >= high):
            dose = current
            notes.append(f"dose already at {word} ({bound:g} mg/week); cannot {verb} further")
        else:
            dose = bound
            notes.append(f"the change stops at the {word} weekly dose ({bound:g} mg/week)")
    elif dose == current:
        notes.append(
            f"a {abs(percent):g}% change is less than one {n.dose_step_mg:g} mg step;"
            " the rounded dose is unchanged: clinician to decide"
        )
    return dose, notes


def suggest_dose(
    inr: float,
    target_low: float,
    target_high: float,
    current_weekly_dose_mg: float,
    tested_on: date,
    consecutive_in_range_before: int,
    nomogram: Nomogram = DEFAULT_NOMOGRAM,
    *,
    above_measuring_range: bool = False,
) -> DoseSuggestion:
    """Suggest the new weekly dose (mg/week), the action in words and the next test date.

    `inr` is a float as read (home devices read 0.8–8.0 to one decimal; a ">8.0" reading is
    passed as 8.0 with `above_measuring_range=True`, which adds a note). In range means
    target_low <= INR <= target_high: INR exactly 3.0 is in range for 2.0–3.0, 3.05 is not.
    `consecutive_in_range_before` counts the in-range tests immediately before this one (0 for
    a first-ever test; see `consecutive_in_range`). The new dose is the current dose changed by
    the band's percent, rounded to `dose_step_mg` (ties down) and clamped to the nomogram's
    min/max with a note (a dose that cannot go lower stays and says so). With no change the
    current dose is returned unrounded. Raises ValueError on impossible input.
    """
    if not (math.isfinite(inr) and inr > 0):
        raise ValueError(f"INR must be a positive number, got {inr}")
    if not (math.isfinite(current_weekly_dose_mg) and current_weekly_dose_mg >= 0):
        raise ValueError(f"current weekly dose must be >= 0 mg, got {current_weekly_dose_mg}")
    if consecutive_in_range_before < 0:
        raise ValueError("consecutive_in_range_before must not be negative")
    band = nomogram.band_for(inr, target_low, target_high)
    in_range = target_low <= inr <= target_high
    percent = band.change_percent
    notes: list[str] = []
    if above_measuring_range:
        notes.append(
            f"INR above the device's measuring range (>{inr:g}); the true value may be at or"
            " above 9 (vitamin K line): a laboratory INR is needed"
        )
    distance = max(target_low - inr, inr - target_high)
    stable = consecutive_in_range_before >= nomogram.stable_after_in_range
    if (
        stable
        and not in_range
        and round(distance, 6) <= nomogram.stable_tolerance_inr
        and not band.hold_doses
        and not band.contact_clinic
        and percent != 0
    ):
        percent = 0.0
        notes.append(
            f"stable patient ({consecutive_in_range_before} tests in range) within "
            f"{nomogram.stable_tolerance_inr:g} of range: no dose change suggested, test early"
        )
    dose, dose_notes = _new_weekly_dose(current_weekly_dose_mg, percent, nomogram)
    notes.extend(dose_notes)
    changed = percent != 0 or band.hold_doses > 0 or band.contact_clinic
    if band.retest_in_days is not None:
        days = band.retest_in_days
    elif in_range and not changed:
        grown = (
            nomogram.retest_in_range_days
            + nomogram.retest_in_range_increment_days * consecutive_in_range_before
        )
        days = min(grown, nomogram.retest_max_days)
    else:
        days = nomogram.retest_after_change_days
    return DoseSuggestion(
        nomogram_version=nomogram.version,
        inr=inr,
        in_range=in_range,
        previous_weekly_dose_mg=current_weekly_dose_mg,
        weekly_dose_mg=dose,
        change_percent=percent,
        hold_doses=band.hold_doses,
        contact_clinic=band.contact_clinic,
        action=_action(percent, band.hold_doses, band.contact_clinic),
        next_test_in_days=days,
        next_test_on=tested_on + timedelta(days=days),
        notes=tuple(notes),
    )


def consecutive_in_range(
    previous_inrs_oldest_first: Sequence[float], target_low: float, target_high: float
) -> int:
    """How many of the most recent earlier INRs were in range (limits inclusive), counted back.

    Pass the tests before the current one; an empty history (first-ever test) gives 0. The
    current target range is applied to all of them.
    """
    count = 0
    for value in reversed(previous_inrs_oldest_first):
        if not target_low <= value <= target_high:
            break
        count += 1
    return count
