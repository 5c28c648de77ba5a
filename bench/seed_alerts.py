"""The seeded open alerts, as telemon raises them: bench data built by the product's own rules.

Each alert is about one measurement of one patient. Its severity and reasons are what the COPD
rules (telemon.copd.rules) find in a reading that crosses a limit or the patient's baseline,
stored the way telemon.alerts.service raises a new alert (telemon.alerts.joining: the reason
tagged with its rule, the measurement it is about); a missing measurement's reason is the one
the missing-measurement check gives for the enrolment's schedule. Should the rules stop finding
what a seeded alert claims, the seed stops and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telemon.alerts import joining
from telemon.copd import rules, schedule
from telemon.copd.evaluation import MISSING_RULE
from telemon.ingest.codes import CODES

# The rules the alerts are spread over, one round of patients per rule (each a measurement of
# its own, so a patient holds at most one unresolved alert per rule, as telemon allows).
ALERT_RULES = (
    "threshold.pulse",
    MISSING_RULE,
    "threshold.systolic_bp",
    "weight.gain",
    "threshold.respiratory_rate",
)

# The reading that makes a rule fire at a severity: (code, value, the reading a day earlier
# that a baseline rule compares it with, or None). Every fifth alert is red where its rule can
# be red; the weight rule is yellow only.
FIRING_READINGS: dict[tuple[str, str], tuple[str, float, float | None]] = {
    ("threshold.pulse", "red"): ("pulse", 131.0, None),
    ("threshold.pulse", "yellow"): ("pulse", 108.0, None),
    ("threshold.systolic_bp", "red"): ("systolic_bp", 192.0, None),
    ("threshold.systolic_bp", "yellow"): ("systolic_bp", 167.0, None),
    ("threshold.respiratory_rate", "red"): ("respiratory_rate", 33.0, None),
    ("threshold.respiratory_rate", "yellow"): ("respiratory_rate", 26.0, None),
    ("weight.gain", "yellow"): ("weight", 77.8, 75.2),
}
# Raised over the last 30 days, one a minute.
RAISED_WITHIN_MINUTES = 30 * 24 * 60


@dataclass(frozen=True)
class Enrolled:
    """A seeded patient's enrolment."""

    patient_id: int
    enrollment_id: int
    care_team_id: int
    programme: str


def alert_rows(
    enrolled: Sequence[Enrolled],
    count: int,
    limits: Mapping[str, rules.Limits],
    schedule_settings: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """`count` open alerts as rows of the alert table: round r of the patients gets
    ALERT_RULES[r], so alert j is about patient j % len(enrolled)."""
    now = datetime.now(UTC)
    expected = schedule.schedule_from(schedule_settings).expected_codes
    missing_codes = [code for code in expected if code in CODES]  # as the check names them
    found: dict[tuple[str, str], list[joining.Reason]] = {}
    rows = []
    for j in range(count):
        e = enrolled[j % len(enrolled)]
        rule = ALERT_RULES[j // len(enrolled)]
        raised_at = now - timedelta(minutes=j % RAISED_WITHIN_MINUTES)
        if rule == MISSING_RULE:
            severity = "blue"
            day = raised_at.astimezone(schedule.COPENHAGEN).date() - timedelta(days=1)
            params = {"codes": missing_codes, "day": day.isoformat()}
            reasons = _stored([joining.reason(rule, params, severity, rule)], severity)
        else:
            severity = "red" if j % 5 == 0 and (rule, "red") in FIRING_READINGS else "yellow"
            key = (rule, severity)
            if key not in found:
                found[key] = _finding(rule, severity, limits, now)
            reasons = found[key]
        rows.append(
            {
                "patient_id": e.patient_id,
                "enrollment_id": e.enrollment_id,
                "programme": e.programme,
                "care_team_id": e.care_team_id,
                "rule": rule,
                "measurement": joining.measurement_of(rule),
                "severity": severity,
                "status": "open",
                "reasons": reasons,
                "raised_at": raised_at,
                "updated_at": raised_at,
                "visible_to_patient": False,
            }
        )
    return rows


def _finding(
    rule: str, severity: str, limits: Mapping[str, rules.Limits], at: datetime
) -> list[joining.Reason]:
    """The stored reasons of the alert the COPD rules raise for FIRING_READINGS[rule, severity]
    against the enrolment's limits and the default baseline settings."""
    code, value, previous = FIRING_READINGS[(rule, severity)]
    history = []
    if previous is not None:
        history.append(rules.Reading(1, code, previous, at - timedelta(days=1)))
    findings = rules.evaluate_readings(
        [rules.Reading(2, code, value, at)], history, limits, rules.BaselineSettings()
    )
    if [(f.rule, f.severity) for f in findings] != [(rule, severity)]:
        raise RuntimeError(
            f"seed: the COPD rules no longer find {rule} ({severity}) in {code} {value:g} "
            f"(they find {[(f.rule, f.severity) for f in findings]}); update "
            "bench/seed_alerts.py's FIRING_READINGS"
        )
    (f,) = findings
    return _stored([joining.reason(f.reason_code, f.reason_params, f.severity, f.rule)], severity)


def _stored(reasons: list[joining.Reason], severity: str) -> list[joining.Reason]:
    """A new alert's reasons as telemon.alerts.service stores them: joined to nothing."""
    return list(joining.join(None, [], severity, reasons).reasons)
