"""PUSH Tool 3.0 (Pressure Ulcer Scale for Healing): a 0–17 wound score.

The total is the sum of three sub-scores: length × width (0–10), exudate amount (0–3) and
tissue type (0–4). A falling total over time means the wound is healing. Plain values in,
plain values out: no framework, no database.
"""

from __future__ import annotations

import math

EXUDATE_LEVELS: tuple[str, ...] = ("none", "light", "moderate", "heavy")
"""Exudate amounts in PUSH order; the index is the sub-score (none 0 … heavy 3)."""

TISSUE_TYPES: tuple[str, ...] = ("closed", "epithelial", "granulation", "slough", "necrotic")
"""Tissue types in PUSH order; the index is the sub-score (closed 0 … necrotic 4)."""

# Upper bounds (cm², inclusive) of the length×width sub-scores 3–9. The official table lists
# one-decimal ranges ("0.7–1.0" → 3, "1.1–2.0" → 4, …); reading each range as (previous upper,
# upper] gives every real area exactly one score and agrees with the table on every value it
# lists. Scores 0, 1, 2 and 10 are handled explicitly in length_width_score.
_UPPER_BOUNDS_FROM_SCORE_3: tuple[tuple[float, int], ...] = (
    (1.0, 3),
    (2.0, 4),
    (3.0, 5),
    (4.0, 6),
    (8.0, 7),
    (12.0, 8),
    (24.0, 9),
)

# Measurements are taken to a millimetre at best, so areas have at most a few decimals.
# Rounding the product to 6 decimals removes binary floating-point noise only
# (0.2 × 3.0 == 0.6000000000000001 in floats) so that a 0.2 cm × 3.0 cm wound scores as the
# 0.6 cm² it is, not as the next band.
_AREA_DECIMALS = 6


def _require_non_negative(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def length_width_score(area_cm2: float) -> int:
    """PUSH length×width sub-score (0–10) for an area in cm².

    The area is the PUSH one, length × width (not the ellipse estimate). Bands, with the
    official one-decimal table read as half-open intervals:

    - exactly 0 → 0 (closed wound)
    - (0, 0.3) → 1  (0.3 itself is 2, as the table says "0.3–0.6" → 2)
    - [0.3, 0.6] → 2
    - (0.6, 1.0] → 3, (1.0, 2.0] → 4, (2.0, 3.0] → 5, (3.0, 4.0] → 6,
      (4.0, 8.0] → 7, (8.0, 12.0] → 8, (12.0, 24.0] → 9
    - above 24.0 → 10

    So 0.65 cm² scores 3 and 24.0 cm² scores 9. Raises ValueError for a negative,
    NaN or infinite area.
    """
    _require_non_negative("area_cm2", area_cm2)
    if area_cm2 == 0:
        return 0
    if area_cm2 < 0.3:
        return 1
    if area_cm2 <= 0.6:
        return 2
    for upper, score in _UPPER_BOUNDS_FROM_SCORE_3:
        if area_cm2 <= upper:
            return score
    return 10


def exudate_score(exudate: str) -> int:
    """PUSH exudate sub-score (0–3): "none" 0, "light" 1, "moderate" 2, "heavy" 3.

    Matching is exact (lower case, no surrounding spaces), the same vocabulary as
    EXUDATE_LEVELS; anything else raises ValueError naming the bad value.
    """
    try:
        return EXUDATE_LEVELS.index(exudate)
    except ValueError:
        raise ValueError(
            f"exudate must be one of {', '.join(EXUDATE_LEVELS)}; got {exudate!r}"
        ) from None


def tissue_score(tissue: str) -> int:
    """PUSH tissue-type sub-score (0–4): closed 0, epithelial 1, granulation 2, slough 3,
    necrotic 4.

    Matching is exact (lower case, no surrounding spaces), the same vocabulary as
    TISSUE_TYPES; anything else raises ValueError naming the bad value.
    """
    try:
        return TISSUE_TYPES.index(tissue)
    except ValueError:
        raise ValueError(
            f"tissue must be one of {', '.join(TISSUE_TYPES)}; got {tissue!r}"
        ) from None


def push_area_cm2(length_cm: float, width_cm: float) -> float:
    """Area used by PUSH, in cm²: length × width (the bounding rectangle, as the tool says).

    Lengths in cm, each finite and >= 0 (ValueError naming the bad one otherwise). The
    product is rounded to 6 decimals to drop floating-point noise, so 0.2 × 3.0 gives 0.6.
    """
    _require_non_negative("length_cm", length_cm)
    _require_non_negative("width_cm", width_cm)
    return round(length_cm * width_cm, _AREA_DECIMALS)


def push_score(length_cm: float, width_cm: float, exudate: str, tissue: str) -> int:
    """PUSH 3.0 total score, 0–17 (higher is worse).

    length_cm and width_cm are the wound's greatest head-to-toe length and the greatest
    width perpendicular to it, in cm; their product is scored with length_width_score.
    exudate is one of EXUDATE_LEVELS and tissue one of TISSUE_TYPES. A zero length or width
    scores 0 for size. The three parts are simply summed; the score does not second-guess
    inconsistent inputs (e.g. "closed" tissue with a non-zero size).

    Raises ValueError naming the bad input: a negative, NaN or infinite length or width, or
    an unknown exudate or tissue value.
    """
    area = push_area_cm2(length_cm, width_cm)
    return length_width_score(area) + exudate_score(exudate) + tissue_score(tissue)


def estimated_area_cm2(length_cm: float, width_cm: float) -> float:
    """Wound area estimated as an ellipse, in cm²: length × width × π / 4.

    For when no measured (traced or photo-planimetry) area is given; the caller must mark
    the value as estimated. Lengths in cm, each finite and >= 0, else ValueError naming the
    bad one. A zero length or width gives 0.0. The result is not rounded.
    """
    _require_non_negative("length_cm", length_cm)
    _require_non_negative("width_cm", width_cm)
    return length_cm * width_cm * math.pi / 4


def closed_but_open_size(
    tissue: str | None, length_cm: float, width_cm: float, area_cm2: float | None
) -> bool:
    """True when the tissue is "closed" (PUSH 0: the wound has healed over) while the wound
    is measured as having a size: a length, a width or an area above 0 (in cm / cm²). Such an
    assessment contradicts itself (tissue "lukket" on an 11.3 cm² wound) and is refused; a
    closed wound is recorded with length and width 0. Any other tissue, or no tissue, is
    never a contradiction here.
    """
    if tissue != "closed":
        return False
    return length_cm > 0 or width_cm > 0 or (area_cm2 is not None and area_cm2 > 0)
