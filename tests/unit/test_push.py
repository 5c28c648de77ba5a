import math

import pytest

from telemon.woundcare.push import (
    EXUDATE_LEVELS,
    TISSUE_TYPES,
    estimated_area_cm2,
    length_width_score,
    push_score,
)


@pytest.mark.parametrize(
    ("area_cm2", "score"),
    [
        (0.0, 0),
        (0.01, 1),
        (0.29, 1),
        (0.2999, 1),
        (0.3, 2),
        (0.6, 2),
        (0.6001, 3),
        (0.65, 3),
        (0.7, 3),
        (1.0, 3),
        (1.05, 4),
        (1.1, 4),
        (2.0, 4),
        (2.1, 5),
        (3.0, 5),
        (3.1, 6),
        (4.0, 6),
        (4.1, 7),
        (8.0, 7),
        (8.1, 8),
        (12.0, 8),
        (12.1, 9),
        (24.0, 9),
        (24.01, 10),
        (500.0, 10),
    ],
)
def test_length_width_score_bands_and_edges(area_cm2: float, score: int) -> None:
    assert length_width_score(area_cm2) == score


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_length_width_score_rejects_invalid_area(bad: float) -> None:
    with pytest.raises(ValueError, match="area_cm2"):
        length_width_score(bad)


def test_push_score_sums_the_three_parts() -> None:
    # 3 cm × 2 cm = 6 cm² → 7; moderate 2; slough 3.
    assert push_score(3.0, 2.0, "moderate", "slough") == 12


def test_push_score_worst_and_best_cases() -> None:
    assert push_score(10.0, 5.0, "heavy", "necrotic") == 17
    assert push_score(0.0, 0.0, "none", "closed") == 0


def test_push_score_zero_width_scores_zero_for_size() -> None:
    assert push_score(2.0, 0.0, "light", "epithelial") == 2


def test_push_score_ignores_float_noise_at_band_edges() -> None:
    # 0.2 × 3.0 is 0.6000000000000001 in binary floating point; the wound is 0.6 cm² → 2.
    assert push_score(0.2, 3.0, "none", "closed") == 2
    # 0.1 × 3.0 is 0.30000000000000004: still 0.3 cm² → 2, not pushed anywhere else.
    assert push_score(0.1, 3.0, "none", "closed") == 2


def test_push_score_uses_rectangle_not_ellipse() -> None:
    # 2 × 0.55: rectangle 1.1 cm² → 4; the ellipse estimate (0.86 cm²) would score 3.
    assert push_score(2.0, 0.55, "none", "closed") == 4


@pytest.mark.parametrize(
    ("exudate", "score"), [("none", 0), ("light", 1), ("moderate", 2), ("heavy", 3)]
)
def test_exudate_scores(exudate: str, score: int) -> None:
    assert push_score(0.0, 0.0, exudate, "closed") == score


@pytest.mark.parametrize(
    ("tissue", "score"),
    [("closed", 0), ("epithelial", 1), ("granulation", 2), ("slough", 3), ("necrotic", 4)],
)
def test_tissue_scores(tissue: str, score: int) -> None:
    assert push_score(0.0, 0.0, "none", tissue) == score


def test_constants_list_vocabulary_in_score_order() -> None:
    assert EXUDATE_LEVELS == ("none", "light", "moderate", "heavy")
    assert TISSUE_TYPES == ("closed", "epithelial", "granulation", "slough", "necrotic")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-1.0, 1.0, "none", "closed"), "length_cm"),
        ((1.0, -1.0, "none", "closed"), "width_cm"),
        ((math.nan, 1.0, "none", "closed"), "length_cm"),
        ((1.0, math.inf, "none", "closed"), "width_cm"),
        ((1.0, 1.0, "Heavy", "closed"), "exudate"),
        ((1.0, 1.0, "none", "eschar"), "tissue"),
    ],
)
def test_push_score_names_the_bad_input(args: tuple[float, float, str, str], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        push_score(*args)


def test_estimated_area_is_an_ellipse() -> None:
    assert estimated_area_cm2(4.0, 2.0) == pytest.approx(2 * math.pi)
    assert estimated_area_cm2(0.0, 3.0) == 0.0


def test_estimated_area_rejects_negative() -> None:
    with pytest.raises(ValueError, match="width_cm"):
        estimated_area_cm2(1.0, -2.0)
