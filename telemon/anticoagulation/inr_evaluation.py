"""INR readings judged: alerts for each INR out of range, a dose suggestion for the newest,
poor control by time in therapeutic range, and missed tests (the periodic check).

The rules are pure (inr_rules, nomogram, ttr); this module loads what they need, stores what
they return and raises alerts through the alert machinery. Called by the alert evaluation of a
batch (telemon.alerts.evaluation), in its transaction, and by the periodic job, which commits
plan by plan.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from telemon import alerts, clock, monitoring
from telemon.alerts import raise_or_update, resolve_automatically, route
from telemon.anticoagulation import inr_rules
from telemon.anticoagulation.nomogram import consecutive_in_range, suggest_dose
from telemon.anticoagulation.plans import load_nomogram
from telemon.anticoagulation.ttr import InrTest, time_in_therapeutic_range
from telemon.extensions import db
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
)
from telemon.monitoring_sql import is_monitored
from telemon.transactions import transaction
from telemon.vocabulary import AlertStatus, DoseStatus, Severity

log = logging.getLogger(__name__)

RULE_RANGE = "inr.out_of_range"
RULE_POOR_CONTROL = "inr.poor_control"
RULE_MISSED_TEST = "inr.missed_test"


def inr_history(patient_id: int) -> list[Observation]:
    """Every INR of the patient, oldest first."""
    query = select(Observation).where(
        Observation.patient_id == patient_id, Observation.code == "inr"
    )
    return list(db.session.scalars(query.order_by(Observation.effective_at, Observation.id)))


def measured_on(observation: Observation) -> date:
    """The local (Copenhagen) day the INR was measured."""
    return clock.local(observation.effective_at).date()


def evaluate_inr(enrollment: Enrollment, readings: list[Observation]) -> int:
    """Alerts for each INR, a dose suggestion for the newest, TTR-based poor control.

    Returns the number of alert findings. Safe to run twice for the same readings: one
    suggestion per reading (unique), one open alert per rule.
    """
    plan: AnticoagulationPlan | None = enrollment.anticoagulation
    if plan is None:
        return 0
    settings = inr_rules.inr_settings_from(plan.alert_settings)
    findings = 0
    for reading in sorted(readings, key=lambda o: o.effective_at):
        above = reading.value_qualifier == ">"
        severity = inr_rules.inr_severity(
            reading.value, plan.target_low, plan.target_high, settings
        )
        if severity is not None:
            code, params = inr_rules.inr_reason(
                reading.value, plan.target_low, plan.target_high, above
            )
            reason = alerts.reason(code, params, severity)
            route(raise_or_update(enrollment, RULE_RANGE, severity, [reason], (reading.id,)))
            findings += 1
    _resolve_missed_test(enrollment)
    history = inr_history(enrollment.patient_id)
    newest = max(readings, key=lambda o: (o.effective_at, o.id))
    if history and history[-1].id == newest.id:
        _suggest(enrollment, plan, newest, history[:-1])
    findings += _check_control(enrollment, plan, history, settings)
    return findings


def _suggest(
    enrollment: Enrollment,
    plan: AnticoagulationPlan,
    reading: Observation,
    earlier: list[Observation],
) -> None:
    if db.session.scalar(
        select(DoseSuggestion.id).where(DoseSuggestion.observation_id == reading.id)
    ):
        return
    suggestion = suggest_dose(
        reading.value,
        plan.target_low,
        plan.target_high,
        plan.weekly_dose_mg,
        measured_on(reading),
        consecutive_in_range([o.value for o in earlier], plan.target_low, plan.target_high),
        load_nomogram(plan.nomogram_version),
        above_measuring_range=reading.value_qualifier == ">",
    )
    db.session.execute(
        update(DoseSuggestion)
        .where(
            DoseSuggestion.enrollment_id == enrollment.id,
            DoseSuggestion.status == DoseStatus.PENDING,
        )
        .values(status=DoseStatus.SUPERSEDED)
    )
    db.session.add(
        DoseSuggestion(
            enrollment_id=enrollment.id,
            patient_id=enrollment.patient_id,
            observation_id=reading.id,
            nomogram_version=suggestion.nomogram_version,
            inr=suggestion.inr,
            tested_on=measured_on(reading),
            previous_weekly_dose_mg=suggestion.previous_weekly_dose_mg,
            weekly_dose_mg=suggestion.weekly_dose_mg,
            change_percent=suggestion.change_percent,
            hold_doses=suggestion.hold_doses,
            contact_clinic=suggestion.contact_clinic,
            action=suggestion.action,
            next_test_on=suggestion.next_test_on,
            notes=list(suggestion.notes),
            status=DoseStatus.PENDING,
            created_at=clock.now(),
        )
    )
    # The reminder date follows the suggestion; the dose in force waits for a decision.
    plan.next_test_due = suggestion.next_test_on


def ttr_of(plan: AnticoagulationPlan, history: list[Observation], until: date) -> Any:
    settings = inr_rules.inr_settings_from(plan.alert_settings)
    return time_in_therapeutic_range(
        [InrTest(measured_on(o), o.value) for o in history],
        plan.target_low,
        plan.target_high,
        window_end=until,
        window_days=settings.ttr_window_days,
    )


def _check_control(
    enrollment: Enrollment,
    plan: AnticoagulationPlan,
    history: list[Observation],
    settings: inr_rules.InrAlertSettings,
) -> int:
    if not history:
        return 0
    ttr = ttr_of(plan, history, measured_on(history[-1]))
    if not inr_rules.poor_control(ttr.percent, ttr.days_total, ttr.tests_used, settings):
        open_alert = _open_alert(enrollment, RULE_POOR_CONTROL)
        if open_alert is not None and ttr.percent is not None:
            resolve_automatically(open_alert, "in_control", {"ttr_percent": round(ttr.percent)})
        return 0
    params = {
        "ttr_percent": round(ttr.percent),
        "window_days": settings.ttr_window_days,
        "limit_percent": settings.poor_control_ttr_percent,
    }
    reason = alerts.reason(RULE_POOR_CONTROL, params, Severity.YELLOW)
    route(raise_or_update(enrollment, RULE_POOR_CONTROL, Severity.YELLOW, [reason]))
    return 1


def _open_alert(enrollment: Enrollment, rule: str) -> Alert | None:
    return db.session.scalar(
        select(Alert).where(
            Alert.patient_id == enrollment.patient_id,
            Alert.programme == "anticoagulation",
            Alert.measurement == alerts.measurement_of(rule),
            Alert.status != AlertStatus.RESOLVED,
        )
    )


def _resolve_missed_test(enrollment: Enrollment) -> None:
    alert = _open_alert(enrollment, RULE_MISSED_TEST)
    if alert is not None:
        resolve_automatically(alert, "inr_received")


def check_missed_tests() -> int:
    """Raise a blue alert for each monitored plan (active, not paused today) whose next test is
    overdue (periodic job); a test due during a pause is due the day after it.

    Two queries for all plans (the plans, each patient's latest INR), not one per plan; each
    alert raised is committed on its own (telemon.transactions.transaction), so a plan whose
    stored settings cannot be used, or whose alert cannot be stored, is logged and skipped,
    never stopping or undoing the others."""
    today = clock.local(clock.now()).date()
    raised = 0
    plans = db.session.scalars(
        select(AnticoagulationPlan)
        .join(Enrollment)
        .where(is_monitored(), AnticoagulationPlan.next_test_due.is_not(None))
        .options(contains_eager(AnticoagulationPlan.enrollment))
    ).all()
    latest = (
        dict(
            db.session.execute(
                select(Observation.patient_id, func.max(Observation.effective_at))
                .where(
                    Observation.code == "inr",
                    Observation.patient_id.in_([plan.enrollment.patient_id for plan in plans]),
                )
                .group_by(Observation.patient_id)
            ).all()
        )
        if plans
        else {}
    )
    for plan in plans:
        enrollment = plan.enrollment
        enrollment_id = enrollment.id  # a failed transaction expires what the session holds
        last_at = latest.get(enrollment.patient_id)
        try:
            settings = inr_rules.inr_settings_from(plan.alert_settings)
            last = clock.local(last_at).date() if last_at is not None else None
            due = monitoring.due_after_pause(
                plan.next_test_due, enrollment.paused_from, enrollment.paused_until
            )
            if not inr_rules.is_test_missed(due, last, today, settings):
                continue
            reason = alerts.reason(
                RULE_MISSED_TEST, {"due_on": plan.next_test_due.isoformat()}, Severity.BLUE
            )
            with transaction():
                outcome = raise_or_update(enrollment, RULE_MISSED_TEST, Severity.BLUE, [reason])
            raised += outcome.created
        except Exception:
            log.exception("missed-test check failed for enrolment %s", enrollment_id)
    return raised
