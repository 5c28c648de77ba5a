"""One reading, one finding: how what different rules find joins one alert, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telemon.alerts.joining import join, measurement_of, reason
from telemon.clinical_text import reasons_text
from telemon.copd.rules import DEFAULT_COPD_THRESHOLDS, BaselineSettings, Reading
from telemon.copd.rules import evaluate_readings as evaluate

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
LIMIT_85 = reason(
    "threshold.below_alert_limit",
    {"code": "spo2", "value": 85, "limit": 90},
    "red",
    "threshold.spo2",
)
DROP_85 = reason(
    "spo2.drop_from_baseline",
    {"code": "spo2", "value": 85, "drop": 11, "median": 96, "days": 14},
    "yellow",
    "spo2.drop_from_baseline",
)


def test_rules_on_one_measurement_share_its_key() -> None:
    assert measurement_of("threshold.spo2") == measurement_of("spo2.drop_from_baseline") == "spo2"
    assert measurement_of("threshold.weight") == measurement_of("weight.gain") == "weight"
    assert measurement_of("threshold.cat_score") == measurement_of("cat_score.rise")
    assert measurement_of("wound.7.infection") == measurement_of("wound.7.not_healing")
    assert measurement_of("wound.7.infection") != measurement_of("wound.8.infection")
    assert measurement_of("inr.out_of_range") == "inr"
    # What is not about one reading stays apart from the readings' alert.
    assert measurement_of("inr.poor_control") != "inr"
    assert measurement_of("inr.missed_test") != "inr"
    assert measurement_of("missing_measurement") == "missing"


def test_spo2_85_below_the_limit_and_the_baseline_is_one_red_finding_with_two_reasons() -> None:
    history = [
        Reading(i, "spo2", 96, NOW - timedelta(days=i)) for i in range(1, 15)
    ]  # a 14-day median of 96
    findings = evaluate(
        [Reading(99, "spo2", 85, NOW)], history, DEFAULT_COPD_THRESHOLDS, BaselineSettings()
    )
    assert [(f.rule, f.severity) for f in findings] == [
        ("threshold.spo2", "red"),
        ("spo2.drop_from_baseline", "yellow"),
    ]
    assert {measurement_of(f.rule) for f in findings} == {"spo2"}
    severity, reasons = None, []
    for f in findings:
        state = join(
            severity,
            reasons,
            f.severity,
            [reason(f.reason_code, f.reason_params, f.severity, f.rule)],
        )
        severity, reasons = state.severity, state.reasons
    assert severity == "red"
    assert [r["code"] for r in reasons] == [
        "threshold.below_alert_limit",
        "spo2.drop_from_baseline",
    ]
    assert reasons_text(reasons, "en")[0] == "SpO2 85\xa0% is below the alert limit 90\xa0%"


def test_the_worst_reason_leads_whatever_came_first() -> None:
    first = join(None, [], "yellow", [DROP_85])
    assert (first.severity, first.severity_raised, first.reason_added) == ("yellow", False, None)
    joined = join(first.severity, first.reasons, "red", [LIMIT_85])
    assert joined.severity == "red" and joined.severity_raised and joined.headline_changed
    assert [r["code"] for r in joined.reasons] == [
        "threshold.below_alert_limit",
        "spo2.drop_from_baseline",
    ]
    assert joined.reason_added == LIMIT_85


def test_joining_the_same_finding_again_changes_nothing() -> None:
    once = join(None, [], "red", [LIMIT_85])
    twice = join(once.severity, once.reasons, "yellow", [DROP_85])
    again = join(twice.severity, twice.reasons, "yellow", [DROP_85])
    assert again.reasons == twice.reasons and len(again.reasons) == 2
    assert not again.severity_raised and again.reason_added is None
    again = join(again.severity, again.reasons, "red", [LIMIT_85])
    assert again.reasons == twice.reasons and again.reason_added is None


def test_severity_never_falls_and_a_milder_reading_of_a_rule_keeps_its_worse_reason() -> None:
    red = join(None, [], "red", [LIMIT_85])
    warning_91 = reason(
        "threshold.below_warning_limit",
        {"code": "spo2", "value": 91, "limit": 92},
        "yellow",
        "threshold.spo2",
    )
    later = join(red.severity, red.reasons, "yellow", [warning_91])
    assert later.severity == "red" and later.reasons == red.reasons  # one reason per rule


def test_a_newer_reading_of_the_same_severity_says_it_best() -> None:
    red = join(None, [], "red", [LIMIT_85])
    limit_84 = reason(
        "threshold.below_alert_limit",
        {"code": "spo2", "value": 84, "limit": 90},
        "red",
        "threshold.spo2",
    )
    later = join(red.severity, red.reasons, "red", [limit_84])
    assert [r["params"]["value"] for r in later.reasons] == [84]
    assert later.reason_added is None and not later.severity_raised


def test_a_yellow_warning_raised_to_red_by_the_same_rule_is_one_reason() -> None:
    warning_91 = reason(
        "threshold.below_warning_limit",
        {"code": "spo2", "value": 91, "limit": 92},
        "yellow",
        "threshold.spo2",
    )
    yellow = join(None, [], "yellow", [warning_91])
    red = join(yellow.severity, yellow.reasons, "red", [LIMIT_85])
    assert [r["code"] for r in red.reasons] == ["threshold.below_alert_limit"]
    assert red.severity_raised and red.reason_added is None


def test_migrated_reasons_without_a_rule_are_told_apart_by_code() -> None:
    old = [{"code": "text", "params": {"text": "SpO2 85 is past the red limit"}, "severity": "red"}]
    joined = join("red", old, "yellow", [DROP_85])
    assert [r["code"] for r in joined.reasons] == ["text", "spo2.drop_from_baseline"]
