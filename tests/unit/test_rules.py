"""The COPD rules, worked by hand. No Flask, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telemon.alerts.rules import (
    DEFAULT_COPD_THRESHOLDS,
    BaselineSettings,
    Limits,
    Reading,
    baseline_settings_from,
    classify,
    escalation_due,
    evaluate_readings,
    limits_problems,
    worse,
)

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SPO2 = Limits(warning_low=92, alert_low=90)
DEFAULTS = BaselineSettings()


def r(id: int, code: str, value: float, days: float = 0) -> Reading:
    return Reading(id, code, value, T0 + timedelta(days=days))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(95, None), (92, None), (91.9, "yellow"), (90, "yellow"), (89.9, "red"), (85, "red")],
)
def test_spo2_against_default_limits(value: float, expected: str | None) -> None:
    assert classify(value, DEFAULT_COPD_THRESHOLDS["spo2"]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(37.0, None), (37.1, "yellow"), (38.0, "yellow"), (38.1, "red")],
)
def test_temperature_on_the_limit_is_not_past_it(value: float, expected: str | None) -> None:
    assert classify(value, DEFAULT_COPD_THRESHOLDS["temperature"]) == expected


def test_high_and_low_limits() -> None:
    pulse = DEFAULT_COPD_THRESHOLDS["pulse"]
    assert [classify(v, pulse) for v in (39, 45, 50, 100, 101, 121)] == [
        "red",
        "yellow",
        None,
        None,
        "yellow",
        "red",
    ]


def test_limits_must_be_strictly_ordered() -> None:
    assert limits_problems(Limits(120, 100, 50, 40)) == []
    assert limits_problems(Limits(alert_high=100, alert_low=90)) == []
    assert limits_problems(Limits()) == []
    assert limits_problems(Limits(warning_low=90, alert_low=92)) == [
        "warning_low (90) must be above alert_low (92)."
    ]
    assert len(limits_problems(Limits(alert_high=100, warning_high=100))) == 1


def test_worse() -> None:
    assert worse("yellow", "red") == "red"
    assert worse("blue", "yellow") == "yellow"


def test_threshold_finding_names_the_limit() -> None:
    (finding,) = evaluate_readings([r(1, "spo2", 85)], [], {"spo2": SPO2}, DEFAULTS)
    assert finding.rule == "threshold.spo2" and finding.severity == "red"
    assert finding.observation_ids == (1,)
    assert finding.reason == "SpO2 85 % is below the alert limit 90"


def test_codes_without_limits_are_not_judged_on_limits() -> None:
    assert evaluate_readings([r(1, "pulse", 200)], [], {"spo2": SPO2}, DEFAULTS) == []


def test_spo2_drop_of_four_from_the_14_day_median_is_yellow() -> None:
    history = [r(1, "spo2", 96, -3), r(2, "spo2", 97, -2), r(3, "spo2", 95, -1)]  # median 96
    (finding,) = evaluate_readings([r(9, "spo2", 92)], history, {}, DEFAULTS)
    assert finding.rule == "spo2.drop_from_baseline" and finding.severity == "yellow"
    assert finding.reason == "SpO2 92 % is 4 points below the patient's 14-day median 96 %"
    assert evaluate_readings([r(9, "spo2", 92.5)], history, {}, DEFAULTS) == []  # 3.5 points


def test_spo2_baseline_needs_three_earlier_readings_within_14_days() -> None:
    history = [r(1, "spo2", 97, -15), r(2, "spo2", 97, -2), r(3, "spo2", 97, -1)]
    assert evaluate_readings([r(9, "spo2", 90)], history, {}, DEFAULTS) == []


def test_a_patient_living_at_88_is_judged_by_her_own_baseline() -> None:
    own = {"spo2": Limits(warning_low=86, alert_low=84)}
    history = [r(i, "spo2", 88, -i) for i in range(1, 6)]
    assert evaluate_readings([r(9, "spo2", 87)], history, own, DEFAULTS) == []
    findings = evaluate_readings([r(9, "spo2", 84)], history, own, DEFAULTS)
    assert [(f.rule, f.severity) for f in findings] == [
        ("spo2.drop_from_baseline", "yellow"),
        ("threshold.spo2", "yellow"),  # 84 is on her alert limit, not past it
    ]


def test_readings_later_than_the_new_one_are_not_its_baseline() -> None:
    later = [r(1, "spo2", 98, 1), r(2, "spo2", 98, 2), r(3, "spo2", 98, 3)]
    assert evaluate_readings([r(9, "spo2", 93)], later, {}, DEFAULTS) == []


def test_readings_of_one_batch_form_each_others_baseline() -> None:
    batch = [r(1, "spo2", 97, -3), r(2, "spo2", 97, -2), r(3, "spo2", 97, -1), r(4, "spo2", 93)]
    (finding,) = evaluate_readings(batch, [], {}, DEFAULTS)
    assert finding.observation_ids == (4,)


def test_weight_gain_of_2_kg_in_3_days() -> None:
    history = [r(1, "weight", 80.0, -4), r(2, "weight", 80.5, -2.5), r(3, "weight", 81.0, -1)]
    (finding,) = evaluate_readings([r(9, "weight", 82.5)], history, {}, DEFAULTS)
    assert finding.rule == "weight.gain"
    assert finding.reason == "Weight 82.5 kg is up 2 kg within 3 days"  # from 80.5, not 80.0
    assert evaluate_readings([r(9, "weight", 82.4)], history, {}, DEFAULTS) == []


def test_cat_rise_of_two_over_the_median() -> None:
    history = [r(1, "cat_score", 12, -60), r(2, "cat_score", 14, -30), r(3, "cat_score", 13, -7)]
    (finding,) = evaluate_readings([r(9, "cat_score", 15)], history, {}, DEFAULTS)
    assert finding.rule == "cat_score.rise" and finding.severity == "yellow"
    assert evaluate_readings([r(9, "cat_score", 14)], history, {}, DEFAULTS) == []
    assert evaluate_readings([r(9, "cat_score", 30)], [], {}, DEFAULTS) == []  # no baseline yet


def test_one_finding_per_rule_with_the_worst_severity_and_all_readings() -> None:
    batch = [r(1, "spo2", 91, -0.2), r(2, "spo2", 88, -0.1), r(3, "spo2", 91)]
    (finding,) = evaluate_readings(batch, [], {"spo2": SPO2}, DEFAULTS)
    assert finding.severity == "red" and finding.observation_ids == (1, 2, 3)
    assert "88" in finding.reason


def test_findings_are_sorted_most_severe_first() -> None:
    thresholds = {"spo2": SPO2, "pulse": DEFAULT_COPD_THRESHOLDS["pulse"]}
    findings = evaluate_readings([r(1, "pulse", 105), r(2, "spo2", 85)], [], thresholds, DEFAULTS)
    assert [(f.rule, f.severity) for f in findings] == [
        ("threshold.spo2", "red"),
        ("threshold.pulse", "yellow"),
    ]


def test_settings_overrides_are_checked() -> None:
    assert baseline_settings_from({"spo2_drop_points": 3}).spo2_drop_points == 3.0
    assert baseline_settings_from(None) == DEFAULTS
    with pytest.raises(ValueError, match="spo2_drop"):
        baseline_settings_from({"spo2_drop": 3})
    with pytest.raises(ValueError, match="positive"):
        baseline_settings_from({"weight_gain_kg": "2"})
    with pytest.raises(ValueError, match="whole"):
        baseline_settings_from({"spo2_baseline_days": 7.5})


def test_escalation_is_due_once_after_the_delay() -> None:
    after = timedelta(minutes=30)
    assert not escalation_due(T0, None, None, T0 + timedelta(minutes=29), after)
    assert escalation_due(T0, None, None, T0 + after, after)
    assert not escalation_due(T0, T0 + timedelta(minutes=5), None, T0 + after, after)
    assert not escalation_due(T0, None, T0 + after, T0 + 2 * after, after)
