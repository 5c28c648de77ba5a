"""The weekly-dose nomogram, with hand-worked doses (35 mg/week unless stated, 1.25 mg steps)."""

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from telemon.anticoagulation.nomogram import (
    DEFAULT_NOMOGRAM,
    Band,
    Limit,
    Nomogram,
    consecutive_in_range,
    round_to_step,
    suggest_dose,
)
from telemon.anticoagulation.nomogram_config import nomogram_from_dict, nomogram_to_dict

TESTED = date(2026, 3, 2)


def suggest(inr: float, dose: float = 35.0, before: int = 0, **kw: Any) -> Any:
    low, high = kw.pop("low", 2.0), kw.pop("high", 3.0)
    return suggest_dose(inr, low, high, dose, TESTED, before, **kw)


# 35 mg × 1.15 = 40.25 → 40.0; × 1.10 = 38.5 → 38.75; × 0.90 = 31.5 → 31.25.
@pytest.mark.parametrize(
    ("inr", "dose", "percent", "hold", "action"),
    [
        (0.8, 40.0, 15, 0, "increase weekly dose by 15%"),
        (1.4, 40.0, 15, 0, "increase weekly dose by 15%"),
        (1.49, 40.0, 15, 0, "increase weekly dose by 15%"),
        (1.5, 38.75, 10, 0, "increase weekly dose by 10%"),
        (1.9, 38.75, 10, 0, "increase weekly dose by 10%"),
        (1.95, 38.75, 10, 0, "increase weekly dose by 10%"),
        (2.0, 35.0, 0, 0, "no change"),
        (2.5, 35.0, 0, 0, "no change"),
        (3.0, 35.0, 0, 0, "no change"),
        (3.05, 31.25, -10, 0, "reduce weekly dose by 10%"),
        (3.1, 31.25, -10, 0, "reduce weekly dose by 10%"),
        (3.9, 31.25, -10, 0, "reduce weekly dose by 10%"),
        (3.95, 31.25, -10, 0, "reduce weekly dose by 10%"),
        (4.0, 31.25, -10, 1, "hold one dose, then reduce 10%"),
        (4.2, 31.25, -10, 1, "hold one dose, then reduce 10%"),
        (4.9, 31.25, -10, 1, "hold one dose, then reduce 10%"),
        (4.95, 31.25, -10, 1, "hold one dose, then reduce 10%"),
    ],
)
def test_every_band_of_the_default_table(
    inr: float, dose: float, percent: float, hold: int, action: str
) -> None:
    s = suggest(inr)
    assert (s.weekly_dose_mg, s.change_percent, s.hold_doses, s.action) == (
        dose,
        percent,
        hold,
        action,
    )
    assert s.in_range == (2.0 <= inr <= 3.0)
    assert not s.contact_clinic
    assert s.nomogram_version == "default-2026.1"
    assert s.previous_weekly_dose_mg == 35.0


def test_inr_4_2_on_35_mg_holds_one_dose_then_31_25_mg() -> None:
    s = suggest(4.2)
    assert s.action == "hold one dose, then reduce 10%"
    assert s.hold_doses == 1
    assert s.weekly_dose_mg == 31.25  # 31.5 mg is not a 1.25 mg step; nearest is 31.25
    assert s.next_test_in_days == 7
    assert s.next_test_on == date(2026, 3, 9)
    assert s.notes == ()


@pytest.mark.parametrize("inr", [5.0, 5.6, 7.9])
def test_inr_5_or_more_holds_and_contacts_the_clinic(inr: float) -> None:
    s = suggest(inr, before=6)
    assert s.contact_clinic
    assert s.action == "hold and contact the clinic today"
    assert s.hold_doses == 1
    assert s.weekly_dose_mg == 35.0  # the clinic sets the new dose
    assert s.change_percent == 0
    assert s.next_test_in_days == 1
    assert s.next_test_on == date(2026, 3, 3)


def test_reading_above_the_device_range_says_so() -> None:
    s = suggest(8.0, above_measuring_range=True)
    assert s.contact_clinic
    assert any("laboratory INR" in note for note in s.notes)
    assert suggest(8.0).notes == ()


def test_first_ever_test_in_range() -> None:
    s = suggest(2.4, before=consecutive_in_range([], 2.0, 3.0))
    assert s.action == "no change"
    assert s.next_test_in_days == 14
    assert s.next_test_on == date(2026, 3, 16)


def test_first_ever_test_out_of_range_changes_dose_and_retests_in_a_week() -> None:
    s = suggest(1.7, before=0)
    assert s.weekly_dose_mg == 38.75
    assert s.next_test_in_days == 7


@pytest.mark.parametrize(("before", "days"), [(0, 14), (1, 21), (2, 28), (3, 28), (12, 28)])
def test_interval_grows_with_consecutive_in_range_values_and_is_capped(
    before: int, days: int
) -> None:
    assert suggest(2.5, before=before).next_test_in_days == days


def test_out_of_range_resets_to_the_short_interval() -> None:
    assert suggest(3.1, before=1).next_test_in_days == 7


# Stable = the 3 previous tests in range; within 0.5 of range → no change, but retest in a week.
@pytest.mark.parametrize("inr", [1.5, 1.9, 3.1, 3.5])
def test_stable_patient_within_half_a_unit_of_range_keeps_the_dose(inr: float) -> None:
    s = suggest(inr, before=3)
    assert s.weekly_dose_mg == 35.0
    assert s.change_percent == 0
    assert s.action == "no change"
    assert not s.in_range
    assert s.next_test_in_days == 7
    assert any("stable" in note for note in s.notes)


@pytest.mark.parametrize(
    ("inr", "before", "dose"),
    [(1.5, 2, 38.75), (1.4, 3, 40.0), (3.6, 3, 31.25), (3.5, 2, 31.25)],
)
def test_stable_rule_needs_three_in_range_and_at_most_half_a_unit(
    inr: float, before: int, dose: float
) -> None:
    assert suggest(inr, before=before).weekly_dose_mg == dose


def test_stable_rule_never_overrides_a_hold() -> None:
    # 4.0 is 0.5 above a 2.5–3.5 range and in its −10% band: a stable patient keeps the dose.
    assert suggest(4.0, before=3, low=2.5, high=3.5).action == "no change"
    # 4.0 is 1.0 above 2.0–3.0 and in the hold band: no stability exception.
    assert suggest(4.0, before=9).action == "hold one dose, then reduce 10%"


def test_stable_rule_can_be_switched_off() -> None:
    strict = replace(DEFAULT_NOMOGRAM, version="strict-1", stable_tolerance_inr=0.0)
    s = suggest(1.9, before=5, nomogram=strict)
    assert s.weekly_dose_mg == 38.75
    assert s.nomogram_version == "strict-1"


# Target 2.5–3.5 moves the table up: <2.0 +15%, 2.0–2.4 +10%, 3.6–4.4 −10%, 4.5–4.9 hold;
# ≥5.0 stays absolute.
@pytest.mark.parametrize(
    ("inr", "action"),
    [
        (1.9, "increase weekly dose by 15%"),
        (2.0, "increase weekly dose by 10%"),
        (2.4, "increase weekly dose by 10%"),
        (2.5, "no change"),
        (3.5, "no change"),
        (3.6, "reduce weekly dose by 10%"),
        (4.4, "reduce weekly dose by 10%"),
        (4.5, "hold one dose, then reduce 10%"),
        (4.9, "hold one dose, then reduce 10%"),
        (5.0, "hold and contact the clinic today"),
    ],
)
def test_mechanical_mitral_valve_target_shifts_the_bands(inr: float, action: str) -> None:
    assert suggest(inr, low=2.5, high=3.5).action == action


def test_dose_that_cannot_go_lower_stays_and_says_so() -> None:
    floor = replace(DEFAULT_NOMOGRAM, min_weekly_dose_mg=7.5)
    s = suggest(3.5, dose=7.5, nomogram=floor)
    assert s.weekly_dose_mg == 7.5
    assert s.action == "reduce weekly dose by 10%"
    assert s.notes == ("dose already at minimum (7.5 mg/week); cannot reduce further",)


def test_reduction_stops_at_the_minimum() -> None:
    # 8.75 × 0.9 = 7.875 → 7.5 (nearest step), below the 8 mg floor → 8.
    s = suggest(3.5, dose=8.75, nomogram=replace(DEFAULT_NOMOGRAM, min_weekly_dose_mg=8.0))
    assert s.weekly_dose_mg == 8.0
    assert "minimum" in s.notes[0]


def test_dose_below_the_minimum_is_never_raised_by_a_reduction() -> None:
    s = suggest(4.2, dose=5.0, nomogram=replace(DEFAULT_NOMOGRAM, min_weekly_dose_mg=7.5))
    assert s.weekly_dose_mg == 5.0
    assert "cannot reduce further" in s.notes[0]


def test_dose_at_the_maximum_is_not_increased() -> None:
    s = suggest(1.2, dose=140.0)
    assert s.weekly_dose_mg == 140.0
    assert s.notes == ("dose already at maximum (140 mg/week); cannot increase further",)


def test_change_smaller_than_a_step_is_flagged() -> None:
    # 5 mg × 1.10 = 5.5 → 4.4 steps → 4 steps = 5.0 mg: unchanged.
    s = suggest(1.7, dose=5.0)
    assert s.weekly_dose_mg == 5.0
    assert "less than one 1.25 mg step" in s.notes[0]


def test_no_change_keeps_an_off_grid_dose() -> None:
    assert suggest(2.5, dose=33.0).weekly_dose_mg == 33.0


def test_whole_tablet_steps() -> None:
    # 35 × 0.9 = 31.5 → 12.6 steps of 2.5 mg → 13 → 32.5 mg.
    s = suggest(3.5, nomogram=replace(DEFAULT_NOMOGRAM, dose_step_mg=2.5))
    assert s.weekly_dose_mg == 32.5


@pytest.mark.parametrize(
    ("dose", "step", "rounded"),
    [(31.5, 1.25, 31.25), (31.875, 1.25, 31.25), (31.876, 1.25, 32.5), (40.25, 1.25, 40.0)],
)
def test_rounding_is_to_the_nearest_step_with_ties_down(
    dose: float, step: float, rounded: float
) -> None:
    assert round_to_step(dose, step) == rounded


@pytest.mark.parametrize(
    ("history", "count"),
    [([], 0), ([2.5, 3.1], 0), ([2.5, 1.8, 2.0, 3.0], 2), ([2.2, 2.4, 2.6], 3), ([3.0, 3.05], 0)],
)
def test_consecutive_in_range_counts_back_from_the_latest(history: list[float], count: int) -> None:
    assert consecutive_in_range(history, 2.0, 3.0) == count


@pytest.mark.parametrize(
    ("inr", "low", "high", "dose", "before"),
    [
        (0.0, 2.0, 3.0, 35.0, 0),
        (2.5, 3.0, 2.0, 35.0, 0),
        (2.5, 2.0, 3.0, -1.0, 0),
        (2.5, 2, 3, 35, -1),
    ],
)
def test_impossible_input_raises(
    inr: float, low: float, high: float, dose: float, before: int
) -> None:
    with pytest.raises(ValueError):
        suggest_dose(inr, low, high, dose, TESTED, before)


def test_table_that_does_not_fit_a_wide_target_raises() -> None:
    # 3.5–4.5: the −10% band would run 4.5–5.5 and the hold band 5.5–5.0.
    with pytest.raises(ValueError, match="empty or inverted"):
        suggest(4.0, low=3.5, high=4.5)


def test_round_trip_through_json() -> None:
    data = json.loads(json.dumps(nomogram_to_dict(DEFAULT_NOMOGRAM)))
    assert nomogram_from_dict(data) == DEFAULT_NOMOGRAM
    assert data["version"] == "default-2026.1"
    assert data["dose_step_mg"] == 1.25
    assert data["bands"][0]["lower"] is None
    assert data["bands"][0]["upper"] == {"anchor": "target_low", "offset": -0.5}
    assert data["bands"][5]["lower"] == 5.0


def simple_table(**changes: Any) -> dict[str, Any]:
    """A valid absolute-edged table: below 2 +10%, 2–3 inclusive none, above 3 −10%."""
    data: dict[str, Any] = {
        "version": "clinic-x-1",
        "bands": [
            {"lower": None, "upper": 2.0, "change_percent": 10},
            {"lower": 2.0, "upper": 3.0, "upper_inclusive": True},
            {"lower": 3.0, "upper": None, "lower_inclusive": False, "change_percent": -10},
        ],
    }
    data.update(changes)
    return data


def test_minimal_dict_takes_defaults() -> None:
    n = nomogram_from_dict(simple_table(dose_step_mg=2.5))
    assert n.version == "clinic-x-1"
    assert n.dose_step_mg == 2.5
    assert n.retest_max_days == 28
    assert n.bands[0] == Band(None, Limit("inr", 2.0), change_percent=10.0)
    assert nomogram_from_dict(nomogram_to_dict(n)) == n


def band(i: int, **changes: Any) -> dict[str, Any]:
    table = simple_table()
    table["bands"][i].update(changes)
    return table


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (simple_table(dose_stepmg=1.0), "unknown keys"),
        (simple_table(version=None), "version"),
        (simple_table(version=" "), "version"),
        (simple_table(bands={}), "bands must be a list"),
        (simple_table(bands=[]), "at least one band"),
        (band(1, lower=2.1), "gap"),
        (band(1, lower_inclusive=False), "neither band"),
        (band(1, upper_inclusive=False), "neither band"),
        (band(0, upper_inclusive=True), "both bands"),
        (band(0, lower=0.5), "no lower limit"),
        (band(2, upper=9.0), "no upper limit"),
        (band(1, upper=None), "only the first/last"),
        (band(1, change_percent="5"), r"bands\[1\].change_percent must be float"),
        (band(1, change_percent=True), "must be float"),
        (band(1, hold_doses=1.5), "whole number"),
        (band(1, contact_clinic=1), "must be bool"),
        (band(1, colour="red"), "unknown keys"),
        (band(1, change_percent=-100), "above -100"),
        (band(2, contact_clinic=True), "change_percent must be 0"),
        (band(2, hold_doses=-1), "hold_doses"),
        (band(2, retest_in_days=0), "retest_in_days"),
        (band(1, upper={"anchor": "target_mid", "offset": 0}), "anchor"),
        (simple_table(bands=[{"lower": None}]), "lower and upper"),
        (simple_table(dose_step_mg=0), "dose_step_mg"),
        (simple_table(min_weekly_dose_mg=50, max_weekly_dose_mg=40), "min_weekly_dose_mg"),
        (simple_table(retest_after_change_days=21), "retest_after_change_days"),
        (simple_table(retest_in_range_increment_days=-7), "increment"),
        (simple_table(stable_after_in_range=0), "stable_after_in_range"),
    ],
)
def test_invalid_tables_are_rejected_with_the_reason(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nomogram_from_dict(data)


def test_relative_table_must_fit_the_mitral_target_too() -> None:
    # (target_high, 3.3): 3.0–3.3 for a 2.0–3.0 target, but 3.5–3.3 (inverted) for 2.5–3.5.
    high = {"anchor": "target_high", "offset": 0}
    data = band(2, lower=high, upper=3.3)
    data["bands"][1]["upper"] = high
    data["bands"].append({"lower": 3.3, "upper": None, "change_percent": -20})
    with pytest.raises(ValueError, match="bands\\[2\\] is empty or inverted .* 2.5–3.5"):
        nomogram_from_dict(data)
    data["bands"][2]["upper"] = 3.6
    data["bands"][3]["lower"] = 3.6
    assert nomogram_from_dict(data).bands[2].lower == Limit("target_high", 0.0)


def test_nomogram_built_in_code_is_validated_too() -> None:
    with pytest.raises(ValueError, match="gap"):
        Nomogram("broken", (Band(None, Limit("inr", 2.0)), Band(Limit("inr", 2.5), None)))
