"""The COPD rules, worked by hand. No Flask, no database.

Expected values are worked out in the comments, not computed with the code under test.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from telemon.alerts.timing import escalation_due
from telemon.clinical_text import reason_text
from telemon.copd.rules import (
    DEFAULT_COPD_THRESHOLDS,
    BaselineSettings,
    Finding,
    Limits,
    Reading,
    baseline_settings_from,
    classify,
    evaluate_readings,
    limits_problems,
)
from telemon.vocabulary import SEVERITY_RANK, worse

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SPO2 = Limits(warning_low=92, alert_low=90)
DEFAULTS = BaselineSettings()


def r(id: int, code: str, value: float, days: float = 0) -> Reading:
    return Reading(id, code, value, T0 + timedelta(days=days))


def what(finding: Finding) -> tuple[str, str, tuple[int, ...]]:
    return finding.rule, finding.severity, finding.observation_ids


def said(finding: Finding, language: str = "en") -> str:
    """The finding's reason as a clinician reads it (no-break spaces as plain ones)."""
    return reason_text(finding.reason_code, finding.reason_params, language).replace("\xa0", " ")


def rules_and_severities(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in findings]


# --- severities and limits ---------------------------------------------------------------------


def test_severity_order() -> None:
    assert SEVERITY_RANK["red"] > SEVERITY_RANK["yellow"] > SEVERITY_RANK["blue"]
    assert worse("yellow", "red") == "red"
    assert worse("red", "blue") == "red"
    assert worse("blue", "yellow") == "yellow"
    assert worse("yellow", "yellow") == "yellow"


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        # SpO2: below 92 yellow, below 90 red; on a limit is not past it.
        ("spo2", 95, None),
        ("spo2", 92, None),
        ("spo2", 91.9, "yellow"),
        ("spo2", 90, "yellow"),
        ("spo2", 89.9, "red"),
        ("spo2", 100, None),  # no upper SpO2 limit
        # Pulse: 50-100 fine, 40/120 alert.
        ("pulse", 39, "red"),
        ("pulse", 40, "yellow"),
        ("pulse", 49, "yellow"),
        ("pulse", 50, None),
        ("pulse", 100, None),
        ("pulse", 101, "yellow"),
        ("pulse", 120, "yellow"),
        ("pulse", 121, "red"),
        # Respiratory rate: 12-24 fine, 8/30 alert.
        ("respiratory_rate", 7, "red"),
        ("respiratory_rate", 8, "yellow"),
        ("respiratory_rate", 11, "yellow"),
        ("respiratory_rate", 12, None),
        ("respiratory_rate", 24, None),
        ("respiratory_rate", 25, "yellow"),
        ("respiratory_rate", 31, "red"),
        # Blood pressure: systolic 100-160 (90/180), diastolic 60-95 (50/110).
        ("systolic_bp", 89, "red"),
        ("systolic_bp", 99, "yellow"),
        ("systolic_bp", 160, None),
        ("systolic_bp", 161, "yellow"),
        ("systolic_bp", 181, "red"),
        ("diastolic_bp", 49, "red"),
        ("diastolic_bp", 59, "yellow"),
        ("diastolic_bp", 95, None),
        ("diastolic_bp", 96, "yellow"),
        ("diastolic_bp", 111, "red"),
        # Temperature: from 38.0 (the fever line) yellow, from 39.0 red; 37.2 is normal.
        ("temperature", 37.0, None),
        ("temperature", 37.2, None),
        ("temperature", 37.9, None),
        ("temperature", 38.0, "yellow"),
        ("temperature", 38.9, "yellow"),
        ("temperature", 39.0, "red"),
        ("temperature", 35.0, None),  # no low limit
        # CAT: bands 21-30 yellow, 31-40 red.
        ("cat_score", 20, None),
        ("cat_score", 21, "yellow"),
        ("cat_score", 30, "yellow"),
        ("cat_score", 31, "red"),
    ],
)
def test_programme_default_limits(code: str, value: float, expected: str | None) -> None:
    assert classify(value, DEFAULT_COPD_THRESHOLDS[code]) == expected


def test_defaults_cover_the_programme_codes_and_are_valid() -> None:
    assert set(DEFAULT_COPD_THRESHOLDS) == {
        "spo2",
        "pulse",
        "respiratory_rate",
        "systolic_bp",
        "diastolic_bp",
        "temperature",
        "cat_score",
    }  # fev1, peak_flow and weight are set per patient
    for limits in DEFAULT_COPD_THRESHOLDS.values():
        assert limits_problems(limits) == []


def test_a_region_that_wants_38_red_sets_37_9() -> None:
    assert classify(38.0, Limits(alert_high=37.9, warning_high=37.0)) == "red"


def test_a_value_a_rounding_error_past_a_limit_is_on_it() -> None:
    assert classify(90 - 1e-9, SPO2) == "yellow"
    assert classify(92 - 1e-9, SPO2) is None
    assert classify(0.1 + 0.2, Limits(warning_high=0.3)) is None  # 0.30000000000000004


def test_no_limits_never_fire() -> None:
    assert classify(1000, Limits()) is None


def test_limits_must_be_strictly_ordered() -> None:
    assert limits_problems(Limits(120, 100, 50, 40)) == []
    assert limits_problems(Limits(alert_high=100, alert_low=90)) == []
    assert limits_problems(Limits()) == []
    assert limits_problems(Limits(warning_low=90, alert_low=92)) == [
        "warning_low (90) must be above alert_low (92)."
    ]
    # Equal is not strictly ordered: a warning band of zero width.
    assert limits_problems(Limits(alert_high=100, warning_high=100)) == [
        "alert_high (100) must be above warning_high (100)."
    ]
    # Only the limits that are set are compared, across the gaps.
    assert limits_problems(Limits(alert_high=90, alert_low=95)) == [
        "alert_high (90) must be above alert_low (95)."
    ]
    # Every neighbour pair that is out of order is reported.
    assert limits_problems(Limits(40, 50, 100, 120)) == [
        "alert_high (40) must be above warning_high (50).",
        "warning_high (50) must be above warning_low (100).",
        "warning_low (100) must be above alert_low (120).",
    ]


# --- absolute limits in a batch ----------------------------------------------------------------


def test_threshold_finding_names_the_value_and_the_limit() -> None:
    (finding,) = evaluate_readings([r(1, "spo2", 85)], [], {"spo2": SPO2}, DEFAULTS)
    assert what(finding) == (
        "threshold.spo2",
        "red",
        (1,),
    )
    assert finding.reason_code == "threshold.below_alert_limit"
    assert finding.reason_params == {"code": "spo2", "value": 85, "limit": 90}
    assert said(finding) == "SpO2 85 % is below the alert limit 90 %"
    assert said(finding, "da") == "SpO2 85 % er under alarmgrænsen 90 %"


@pytest.mark.parametrize(
    ("reading", "reason"),
    [
        (r(1, "pulse", 105), "Pulse 105/min is above the warning limit 100/min"),
        (r(1, "temperature", 39.4), "Temperature 39.4 °C is above the alert limit 38.9 °C"),
        (r(1, "systolic_bp", 95), "Systolic BP 95 mmHg is below the warning limit 100 mmHg"),
        (r(1, "cat_score", 31), "CAT score 31 is above the alert limit 30"),
    ],
)
def test_threshold_reasons(reading: Reading, reason: str) -> None:
    (finding,) = evaluate_readings([reading], [], DEFAULT_COPD_THRESHOLDS, DEFAULTS)
    assert finding.rule == f"threshold.{reading.code}"
    assert said(finding) == reason


def test_a_reading_on_its_limit_gives_nothing() -> None:
    assert evaluate_readings([r(1, "spo2", 92)], [], {"spo2": SPO2}, DEFAULTS) == []


def test_codes_without_limits_are_not_judged_on_limits() -> None:
    assert evaluate_readings([r(1, "pulse", 200)], [], {"spo2": SPO2}, DEFAULTS) == []
    assert evaluate_readings([], [], DEFAULT_COPD_THRESHOLDS, DEFAULTS) == []


def test_per_patient_limits_for_weight() -> None:
    (finding,) = evaluate_readings(
        [r(1, "weight", 91)], [], {"weight": Limits(warning_high=90)}, DEFAULTS
    )
    assert said(finding) == "Weight 91 kg is above the warning limit 90 kg"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Reading(1, "spo2", 95, datetime(2026, 11, 20, 8, 0))


# --- SpO2 against the patient's own baseline ---------------------------------------------------


def test_spo2_drop_of_four_from_the_14_day_median_is_yellow() -> None:
    history = [r(1, "spo2", 96, -3), r(2, "spo2", 97, -2), r(3, "spo2", 95, -1)]  # median 96
    (finding,) = evaluate_readings([r(9, "spo2", 92)], history, {}, DEFAULTS)  # 96 - 92 = 4
    assert finding == Finding(
        "spo2.drop_from_baseline",
        "yellow",
        (9,),
        "spo2.drop_from_baseline",
        {"code": "spo2", "value": 92, "drop": 4, "median": 96, "days": 14},
    )
    assert evaluate_readings([r(9, "spo2", 92.5)], history, {}, DEFAULTS) == []  # 3.5 points


def test_spo2_baseline_needs_three_earlier_readings_within_14_days() -> None:
    # Only two readings are within the 14 days: no baseline, although 97 - 90 = 7.
    history = [r(1, "spo2", 97, -14.01), r(2, "spo2", 97, -2), r(3, "spo2", 97, -1)]
    assert evaluate_readings([r(9, "spo2", 90)], history, {}, DEFAULTS) == []
    # A reading exactly 14 days earlier is inside the window: median 97, drop 7.
    history[0] = r(1, "spo2", 97, -14)
    (finding,) = evaluate_readings([r(9, "spo2", 90)], history, {}, DEFAULTS)
    assert finding.rule == "spo2.drop_from_baseline"


def test_the_spo2_median_resists_one_odd_reading() -> None:
    # 97, 97, 97, 85: median (97 + 97) / 2 = 97; a mean would be 94 and hide the drop.
    history = [
        r(1, "spo2", 97, -4),
        r(2, "spo2", 85, -3),
        r(3, "spo2", 97, -2),
        r(4, "spo2", 97, -1),
    ]
    (finding,) = evaluate_readings([r(9, "spo2", 93)], history, {}, DEFAULTS)
    assert finding.reason_params == {
        "code": "spo2",
        "value": 93,
        "drop": 4,
        "median": 97,
        "days": 14,
    }
    assert said(finding) == (
        "SpO2 93 % is 4 percentage points below the patient's median of the last 14 days (97 %)"
    )


def test_a_patient_living_at_88_is_judged_by_her_own_baseline() -> None:
    own = {"spo2": Limits(warning_low=86, alert_low=84)}
    history = [r(i, "spo2", 88, -i) for i in range(1, 6)]
    assert evaluate_readings([r(9, "spo2", 87)], history, own, DEFAULTS) == []
    findings = evaluate_readings([r(9, "spo2", 84)], history, own, DEFAULTS)
    assert rules_and_severities(findings) == [
        ("spo2.drop_from_baseline", "yellow"),
        ("threshold.spo2", "yellow"),  # 84 is on her alert limit, not past it
    ]


def test_readings_at_or_after_the_new_one_are_not_its_baseline() -> None:
    later = [r(1, "spo2", 98, 1), r(2, "spo2", 98, 2), r(3, "spo2", 98, 0)]
    assert evaluate_readings([r(9, "spo2", 93)], later, {}, DEFAULTS) == []


def test_readings_of_one_batch_form_each_others_baseline() -> None:
    batch = [r(1, "spo2", 97, -3), r(2, "spo2", 97, -2), r(3, "spo2", 97, -1), r(4, "spo2", 93)]
    (finding,) = evaluate_readings(batch, [], {}, DEFAULTS)
    assert finding.observation_ids == (4,)  # 1-3 had too few earlier readings


def test_each_reading_of_a_batch_has_its_own_baseline() -> None:
    # Reading 4: median of 97, 97, 97 = 97, drop 4. Reading 5: median of 97, 97, 97, 93 = 97,
    # drop 5. One finding; the reason is the latest of the two equally severe readings.
    batch = [
        r(5, "spo2", 92, 0.5),
        r(1, "spo2", 97, -3),
        r(2, "spo2", 97, -2),
        r(3, "spo2", 97, -1),
        r(4, "spo2", 93, 0),
    ]
    (finding,) = evaluate_readings(batch, [], {}, DEFAULTS)
    assert finding.observation_ids == (4, 5)
    assert said(finding) == (
        "SpO2 92 % is 5 percentage points below the patient's median of the last 14 days (97 %)"
    )


def test_a_reading_in_both_batch_and_history_counts_once() -> None:
    # Distinct earlier readings: 1 and 2 only, fewer than three: no baseline.
    history = [r(1, "spo2", 96, -3), r(2, "spo2", 96, -2)]
    batch = [r(2, "spo2", 96, -2), r(9, "spo2", 90)]
    assert evaluate_readings(batch, history, {}, DEFAULTS) == []


def test_spo2_drop_setting_per_patient() -> None:
    history = [r(1, "spo2", 96, -3), r(2, "spo2", 96, -2), r(3, "spo2", 96, -1)]
    settings = BaselineSettings(spo2_drop_points=3, spo2_min_baseline_readings=2)
    (finding,) = evaluate_readings([r(9, "spo2", 93)], history, {}, settings)  # 96 - 93 = 3
    assert finding.rule == "spo2.drop_from_baseline"


# --- weight ------------------------------------------------------------------------------------


def test_weight_gain_of_2_kg_in_3_days_from_the_lowest() -> None:
    history = [r(1, "weight", 79.0, -4), r(2, "weight", 80.5, -2.5), r(3, "weight", 81.0, -1)]
    # 79.0 is outside the 3 days; the lowest inside is 80.5: 82.5 - 80.5 = 2.0.
    (finding,) = evaluate_readings([r(9, "weight", 82.5)], history, {}, DEFAULTS)
    assert what(finding) == (
        "weight.gain",
        "yellow",
        (9,),
    )
    assert said(finding) == "Weight 82.5 kg is up 2 kg within 3 days"
    assert evaluate_readings([r(9, "weight", 82.4)], history, {}, DEFAULTS) == []  # 1.9 kg


def test_a_2_kg_gain_counts_despite_float_rounding() -> None:
    # In binary floats 64.1 - 62.1 is 1.999999999999993; a clinician reads 2.0 kg.
    (finding,) = evaluate_readings([r(9, "weight", 64.1)], [r(1, "weight", 62.1, -1)], {}, DEFAULTS)
    assert finding.reason_params["gain"] == 2
    assert said(finding) == "Weight 64.1 kg is up 2 kg within 3 days"


def test_weight_without_an_earlier_weight_is_silent() -> None:
    assert evaluate_readings([r(9, "weight", 120)], [r(1, "weight", 80, -3.1)], {}, DEFAULTS) == []


# --- CAT -------------------------------------------------------------------------------------


def test_cat_rise_of_two_over_the_median() -> None:
    history = [r(1, "cat_score", 12, -60), r(2, "cat_score", 14, -30), r(3, "cat_score", 13, -7)]
    # Median of 12, 13, 14 = 13.
    (finding,) = evaluate_readings([r(9, "cat_score", 15)], history, {}, DEFAULTS)
    assert what(finding) == (
        "cat_score.rise",
        "yellow",
        (9,),
    )
    assert said(finding) == "CAT score 15 is 2 points above the patient's baseline 13"
    assert evaluate_readings([r(9, "cat_score", 14)], history, {}, DEFAULTS) == []


def test_cat_needs_a_baseline_within_90_days() -> None:
    assert evaluate_readings([r(9, "cat_score", 30)], [], {}, DEFAULTS) == []
    old = [r(1, "cat_score", 10, -91)]
    assert evaluate_readings([r(9, "cat_score", 30)], old, {}, DEFAULTS) == []
    two = BaselineSettings(cat_min_baseline_readings=2)
    one = [r(1, "cat_score", 10, -10)]
    assert evaluate_readings([r(9, "cat_score", 30)], one, {}, two) == []


def test_cat_rise_and_cat_band_are_separate_findings() -> None:
    findings = evaluate_readings(
        [r(9, "cat_score", 25)], [r(1, "cat_score", 18, -30)], DEFAULT_COPD_THRESHOLDS, DEFAULTS
    )
    assert rules_and_severities(findings) == [
        ("cat_score.rise", "yellow"),
        ("threshold.cat_score", "yellow"),
    ]


# --- merging and order -------------------------------------------------------------------------


def test_one_finding_per_rule_with_the_worst_severity_and_all_readings() -> None:
    batch = [r(3, "spo2", 91), r(1, "spo2", 91, -0.2), r(2, "spo2", 88, -0.1)]
    (finding,) = evaluate_readings(batch, [], {"spo2": SPO2}, DEFAULTS)
    assert finding == Finding(
        "threshold.spo2",
        "red",
        (1, 2, 3),
        "threshold.below_alert_limit",
        {"code": "spo2", "value": 88, "limit": 90},
    )


def test_the_reason_is_the_latest_of_the_worst() -> None:
    batch = [r(1, "spo2", 85, -0.1), r(2, "spo2", 89, 0)]
    (finding,) = evaluate_readings(batch, [], {"spo2": SPO2}, DEFAULTS)
    assert said(finding) == "SpO2 89 % is below the alert limit 90 %"


def test_findings_are_sorted_most_severe_first_then_by_rule() -> None:
    history = [r(1, "spo2", 97, -3), r(2, "spo2", 97, -2), r(3, "spo2", 97, -1)]
    batch = [r(10, "pulse", 105), r(11, "spo2", 91), r(12, "temperature", 39.5)]
    findings = evaluate_readings(batch, history, DEFAULT_COPD_THRESHOLDS, DEFAULTS)
    assert rules_and_severities(findings) == [
        ("threshold.temperature", "red"),
        ("spo2.drop_from_baseline", "yellow"),  # 97 - 91 = 6
        ("threshold.pulse", "yellow"),
        ("threshold.spo2", "yellow"),
    ]
    reordered = evaluate_readings(batch[::-1], history[::-1], DEFAULT_COPD_THRESHOLDS, DEFAULTS)
    assert reordered == findings


# --- settings ----------------------------------------------------------------------------------


def test_settings_overrides() -> None:
    assert baseline_settings_from(None) == DEFAULTS
    assert baseline_settings_from({}) == DEFAULTS
    settings = baseline_settings_from({"spo2_drop_points": 3, "spo2_baseline_days": 7.0})
    assert settings.spo2_drop_points == 3.0 and isinstance(settings.spo2_drop_points, float)
    assert settings.spo2_baseline_days == 7 and isinstance(settings.spo2_baseline_days, int)
    assert settings.weight_gain_kg == 2.0  # untouched


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"spo2_drop": 3}, "Unknown rule setting 'spo2_drop'"),
        ({"weight_gain_kg": "2"}, "'weight_gain_kg' must be a positive number"),
        ({"weight_gain_kg": True}, "'weight_gain_kg' must be a positive number"),
        ({"weight_gain_kg": None}, "'weight_gain_kg' must be a positive number"),
        ({"cat_rise_points": 0}, "'cat_rise_points' must be a positive number"),
        ({"cat_rise_points": -2}, "'cat_rise_points' must be a positive number"),
        ({"spo2_drop_points": math.nan}, "'spo2_drop_points' must be a positive number"),
        ({"spo2_drop_points": math.inf}, "'spo2_drop_points' must be a positive number"),
        ({"spo2_baseline_days": 7.5}, "'spo2_baseline_days' must be a whole number"),
        ({"cat_min_baseline_readings": 0}, "'cat_min_baseline_readings' must be a positive"),
    ],
)
def test_settings_overrides_are_checked(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        baseline_settings_from(overrides)


# --- escalation --------------------------------------------------------------------------------


def test_escalation_is_due_once_after_the_delay() -> None:
    after = timedelta(minutes=30)
    assert not escalation_due(T0, None, None, T0 + timedelta(minutes=29), after)
    assert escalation_due(T0, None, None, T0 + after, after)  # exactly 30 minutes
    assert escalation_due(T0, None, None, T0 + timedelta(hours=5), after)
    assert not escalation_due(T0, T0 + timedelta(minutes=5), None, T0 + after, after)
    assert not escalation_due(T0, None, T0 + after, T0 + 2 * after, after)
