"""One reading, one finding: what different rules found about one measurement joins one alert.

Plain Python over plain values (no Flask, no database). A patient has at most one unresolved
alert per programme and *measurement*: SpO2 85 that is both below the alert limit (red) and
ten points below the patient's 14-day median (yellow) is one red alert giving both reasons,
handled once. What a finding is about (its measurement key):

    a reading's rules (limits, baseline)    the measurement code: "spo2", "weight", "inr"
    missing COPD measurements               "missing"
    a missed INR test / poor INR control    "inr.missed_test" / "inr.poor_control"
    a wound's infection / healing           "wound.<wound id>"
    a questionnaire response (its answers   "questionnaire"
      and readings: "questionnaire.<...>")

Reasons are data, never sentences: {"code", "params", "severity", "rule"}
(telemon.clinical_text.reasons documents each code and renders it in the reader's language).
Each rule gives one reason: the limits rule says "below the alert limit" or "below the warning
limit", whichever is worse, never both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telemon.vocabulary import SEVERITY_RANK, worse

Reason = dict[str, Any]  # {"code": str, "params": {...}, "severity": str, "rule": str}


def reason(code: str, params: Mapping[str, Any], severity: str, rule: str | None = None) -> Reason:
    """One reason as it is stored (plain JSON); `rule` is the rule that found it."""
    stored = {"code": code, "params": dict(params), "severity": severity}
    return stored if rule is None else {**stored, "rule": rule}


def _key(r: Mapping[str, Any]) -> str:
    # Reasons from before they named their rule (migrated alerts) are told apart by code.
    return str(r.get("rule") or r["code"])


def measurement_of(rule: str) -> str:
    """The measurement key a rule's findings are about: rules on the same key join one alert.

    "threshold.spo2" and "spo2.drop_from_baseline" -> "spo2"; "weight.gain" -> "weight";
    "cat_score.rise" -> "cat_score"; "inr.out_of_range" -> "inr"; "missing_measurement" ->
    "missing"; "wound.7.infection" and "wound.7.not_healing" -> "wound.7"; any other rule
    (inr.poor_control, inr.missed_test) is its own key."""
    if rule.startswith("questionnaire."):
        return "questionnaire"
    if rule.startswith("threshold."):
        return rule.removeprefix("threshold.")
    if rule in _BY_RULE:
        return _BY_RULE[rule]
    parts = rule.split(".")
    if parts[0] == "wound" and len(parts) == 3:
        return f"wound.{parts[1]}"
    return rule


_BY_RULE = {
    "spo2.drop_from_baseline": "spo2",
    "weight.gain": "weight",
    "cat_score.rise": "cat_score",
    "inr.out_of_range": "inr",
    "missing_measurement": "missing",
}


@dataclass(frozen=True)
class Joined:
    """An alert's state after a finding joined it."""

    severity: str
    reasons: list[Reason]
    severity_raised: bool  # the finding made the alert more severe than it was
    headline_changed: bool  # the first (worst) reason is another than before
    reason_added: Reason | None  # a reason of a rule the alert did not give before


def join(
    severity: str | None, reasons: Sequence[Reason], new_severity: str, new: Sequence[Reason]
) -> Joined:
    """Join a finding (its severity and reasons) to an alert's (None, []: no alert yet).

    The severity is the worst of the two: severity only rises. Every rule's reason is listed
    once: a reason of a rule already listed replaces it when at least as severe (the newest
    reading of the same severity says it best), so running the same finding twice changes
    nothing. Reasons are ordered worst first, then in the order they were first found; the first
    is the alert's headline.
    """
    merged = [dict(r) for r in reasons]
    added: Reason | None = None
    for r in new:
        at = next((i for i, old in enumerate(merged) if _key(old) == _key(r)), None)
        if at is None:
            merged.append(dict(r))
            added = added or dict(r)
        elif _rank(r) >= _rank(merged[at]):
            merged[at] = dict(r)
    merged.sort(key=lambda r: -_rank(r))  # stable: equal ranks keep their order
    worst = new_severity if severity is None else worse(severity, new_severity)
    before = _key(reasons[0]) if reasons else None
    return Joined(
        severity=worst,
        reasons=merged,
        severity_raised=severity is not None and SEVERITY_RANK[worst] > SEVERITY_RANK[severity],
        headline_changed=before is not None and _key(merged[0]) != before,
        reason_added=added if severity is not None else None,
    )


def _rank(r: Mapping[str, Any]) -> int:
    return SEVERITY_RANK.get(r.get("severity") or "", 0)
