"""Anticoagulation use cases: plans, evaluation of INR readings, dose decisions, missed tests.

The decisions themselves live in the pure modules (nomogram, ttr, inr_rules); this module loads
what they need, stores what they return and raises alerts through the alert machinery.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from telemon import access, alerts, audit, clock, monitoring
from telemon.alerts import raise_or_update, resolve_automatically, resolve_by_decision, route
from telemon.anticoagulation import inr_rules
from telemon.anticoagulation.nomogram import (
    DEFAULT_NOMOGRAM,
    Nomogram,
    consecutive_in_range,
    suggest_dose,
)
from telemon.anticoagulation.nomogram_config import nomogram_from_dict, nomogram_to_dict
from telemon.anticoagulation.ttr import InrTest, time_in_therapeutic_range
from telemon.background import work
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
    StoredNomogram,
    User,
    alert_observation,
)
from telemon.monitoring_sql import is_monitored

log = logging.getLogger(__name__)

RULE_RANGE = "inr.out_of_range"
RULE_POOR_CONTROL = "inr.poor_control"
RULE_MISSED_TEST = "inr.missed_test"
DEFAULT_TARGET = (2.0, 3.0)
DEFAULT_TABLET_STRENGTH_MG = 2.5  # warfarin's usual Danish tablet


def ensure_default_nomogram() -> None:
    """Store the shipped nomogram version if it is not stored yet (never overwrite a version)."""
    if db.session.get(StoredNomogram, DEFAULT_NOMOGRAM.version) is None:
        db.session.add(
            StoredNomogram(
                version=DEFAULT_NOMOGRAM.version,
                definition=nomogram_to_dict(DEFAULT_NOMOGRAM),
                created_at=clock.now(),
                current=_current_row() is None,
            )
        )
        db.session.commit()


def _current_row() -> StoredNomogram | None:
    return db.session.scalar(select(StoredNomogram).where(StoredNomogram.current.is_(True)))


def current_nomogram_version() -> str:
    """The version new plans start on and new suggestions use: the one added last."""
    current = _current_row()
    return current.version if current is not None else DEFAULT_NOMOGRAM.version


def store_nomogram(actor: User, definition: dict[str, Any]) -> StoredNomogram:
    """Add a new nomogram version (system administrator). A version, once stored, is fixed.

    It applies to new suggestions from now on: new plans start on it, and plans on the version
    that was current move to it (a plan deliberately kept on an older version stays there).
    Suggestions already made keep the version that made them."""
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator adds nomogram versions.")
    try:
        nomogram = nomogram_from_dict(definition)
    except ValueError as error:
        raise Invalid("The nomogram is not valid.", {"definition": [str(error)]}) from None
    if db.session.get(StoredNomogram, nomogram.version) is not None:
        raise Conflict(f"Nomogram version {nomogram.version} exists; versions are never changed.")
    previous = current_nomogram_version()
    db.session.execute(update(StoredNomogram).values(current=False))
    stored = StoredNomogram(
        version=nomogram.version,
        definition=nomogram_to_dict(nomogram),
        created_at=clock.now(),
        current=True,
    )
    db.session.add(stored)
    db.session.flush()
    moved = db.session.execute(
        update(AnticoagulationPlan)
        .where(AnticoagulationPlan.nomogram_version == previous)
        .values(nomogram_version=nomogram.version)
    ).rowcount
    audit.record_change(
        actor,
        "nomogram.add",
        "nomogram",
        nomogram.version,
        {"current_version": previous, "plans_moved": 0},
        {"current_version": nomogram.version, "plans_moved": moved},
    )
    db.session.commit()
    return stored


def load_nomogram(version: str) -> Nomogram:
    stored = db.session.get(StoredNomogram, version)
    if stored is None:
        raise NotFound(f"No nomogram version {version}.")
    return nomogram_from_dict(stored.definition)


def plan_from_input(data: dict[str, Any]) -> AnticoagulationPlan:
    """The plan for a new anticoagulation enrolment, checked (ValueError-free: Invalid)."""
    low = data.get("inr_target_low") or DEFAULT_TARGET[0]
    high = data.get("inr_target_high") or DEFAULT_TARGET[1]
    errors: dict[str, list[str]] = {
        field: [problem] for field, problem in inr_rules.target_range_problems(low, high).items()
    }
    if data.get("weekly_dose_mg") is None:
        errors["weekly_dose_mg"] = ["Required for anticoagulation: the weekly dose in force."]
    elif problem := inr_rules.weekly_dose_problem(data["weekly_dose_mg"]):
        errors["weekly_dose_mg"] = [problem]
    version = data.get("nomogram_version") or current_nomogram_version()
    if db.session.get(StoredNomogram, version) is None:
        errors["nomogram_version"] = [f"No nomogram version {version}."]
    settings = data.get("inr_alert_settings") or {}
    try:
        inr_rules.inr_settings_from(settings)
    except ValueError as error:
        errors["inr_alert_settings"] = [str(error)]
    if errors:
        raise Invalid("Invalid anticoagulation plan.", errors)
    return AnticoagulationPlan(
        target_low=low,
        target_high=high,
        weekly_dose_mg=data["weekly_dose_mg"],
        tablet_strength_mg=data.get("tablet_strength_mg") or DEFAULT_TABLET_STRENGTH_MG,
        indication=data.get("indication"),
        self_managing=bool(data.get("self_managing")),
        device=data.get("device"),
        nomogram_version=version,
        alert_settings=settings,
    )


def _inr_history(patient_id: int) -> list[Observation]:
    """Every INR of the patient, oldest first."""
    query = select(Observation).where(
        Observation.patient_id == patient_id, Observation.code == "inr"
    )
    return list(db.session.scalars(query.order_by(Observation.effective_at, Observation.id)))


def _tested_on(observation: Observation) -> date:
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
    history = _inr_history(enrollment.patient_id)
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
        _tested_on(reading),
        consecutive_in_range([o.value for o in earlier], plan.target_low, plan.target_high),
        load_nomogram(plan.nomogram_version),
        above_measuring_range=reading.value_qualifier == ">",
    )
    db.session.execute(
        update(DoseSuggestion)
        .where(DoseSuggestion.enrollment_id == enrollment.id, DoseSuggestion.status == "pending")
        .values(status="superseded")
    )
    db.session.add(
        DoseSuggestion(
            enrollment_id=enrollment.id,
            patient_id=enrollment.patient_id,
            observation_id=reading.id,
            nomogram_version=suggestion.nomogram_version,
            inr=suggestion.inr,
            tested_on=_tested_on(reading),
            previous_weekly_dose_mg=suggestion.previous_weekly_dose_mg,
            weekly_dose_mg=suggestion.weekly_dose_mg,
            change_percent=suggestion.change_percent,
            hold_doses=suggestion.hold_doses,
            contact_clinic=suggestion.contact_clinic,
            action=suggestion.action,
            next_test_on=suggestion.next_test_on,
            notes=list(suggestion.notes),
            status="pending",
            created_at=clock.now(),
        )
    )
    # The reminder date follows the suggestion; the dose in force waits for a decision.
    plan.next_test_due = suggestion.next_test_on


def ttr_of(plan: AnticoagulationPlan, history: list[Observation], until: date) -> Any:
    settings = inr_rules.inr_settings_from(plan.alert_settings)
    return time_in_therapeutic_range(
        [InrTest(_tested_on(o), o.value) for o in history],
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
    ttr = ttr_of(plan, history, _tested_on(history[-1]))
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
    reason = alerts.reason(RULE_POOR_CONTROL, params, "yellow")
    route(raise_or_update(enrollment, RULE_POOR_CONTROL, "yellow", [reason]))
    return 1


def _open_alert(enrollment: Enrollment, rule: str) -> Alert | None:
    return db.session.scalar(
        select(Alert).where(
            Alert.patient_id == enrollment.patient_id,
            Alert.programme == "anticoagulation",
            Alert.measurement == alerts.measurement_of(rule),
            Alert.status != "resolved",
        )
    )


def _resolve_missed_test(enrollment: Enrollment) -> None:
    alert = _open_alert(enrollment, RULE_MISSED_TEST)
    if alert is not None:
        resolve_automatically(alert, "inr_received")


def check_missed_tests() -> int:
    """Raise a blue alert for each monitored plan (active, not paused today) whose next test is
    overdue (periodic job); a test due during a pause is due the day after it.

    Two queries for all plans (the plans, each patient's latest INR), not one per plan; a plan
    whose stored settings cannot be used is logged and skipped, never stopping the others."""
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
                RULE_MISSED_TEST, {"due_on": plan.next_test_due.isoformat()}, "blue"
            )
            with db.session.begin_nested():
                raised += raise_or_update(enrollment, RULE_MISSED_TEST, "blue", [reason]).created
        except Exception:
            log.exception("missed-test check failed for enrolment %s", enrollment.id)
    work.commit()
    return raised


def decide(
    user: User, suggestion_id: int, weekly_dose_mg: float, note: str | None
) -> DoseSuggestion:
    """Confirm or override a suggestion: only now does the dose in force change.

    A member of the patient's responsible care team (a clinician or a nurse of the
    anticoagulation clinic) confirms (the suggested dose) or overrides (another dose); a
    trained self-managing patient may accept the suggested dose for themselves only
    (telemon.access.may_act). Repeating the same decision is harmless; a different decision on
    a decided one is 409.
    """
    suggestion = db.session.get(DoseSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("No such dose suggestion.")
    access.patient_for(
        user, suggestion.patient_id, access.DECIDE_DOSE, "dose_suggestion", suggestion_id
    )
    enrollment = db.session.get(Enrollment, suggestion.enrollment_id)
    assert enrollment is not None
    access.require_act(user, enrollment, access.DECIDE_DOSE, "dose_suggestion", suggestion_id)
    plan: AnticoagulationPlan = enrollment.anticoagulation
    if user.role == "patient" and abs(weekly_dose_mg - suggestion.weekly_dose_mg) > 1e-9:
        raise Invalid(
            "A self-managing patient accepts the suggested dose.",
            {"weekly_dose_mg": [f"Must be {suggestion.weekly_dose_mg:g}."]},
        )
    if suggestion.status != "pending":
        if (
            suggestion.decided_weekly_dose_mg == weekly_dose_mg
            and suggestion.decided_by_id == user.id
        ):
            return suggestion
        raise Conflict(f"The suggestion is {suggestion.status}; decide on the newest one.")
    if problem := inr_rules.weekly_dose_problem(weekly_dose_mg):
        raise Invalid("The weekly dose cannot be put in force.", {"weekly_dose_mg": [problem]})
    if user.role == "patient":
        suggestion.status = "accepted"
    elif abs(weekly_dose_mg - suggestion.weekly_dose_mg) <= 1e-9:
        suggestion.status = "confirmed"
    else:
        suggestion.status = "overridden"
    suggestion.decided_at = clock.now()
    suggestion.decided_by_id = user.id
    suggestion.decided_weekly_dose_mg = weekly_dose_mg
    suggestion.decision_note = note
    plan.weekly_dose_mg = weekly_dose_mg
    _resolve_inr_alert(suggestion, user)
    db.session.commit()
    log.info("dose suggestion %s %s", suggestion_id, suggestion.status)
    return suggestion


def _resolve_inr_alert(suggestion: DoseSuggestion, user: User) -> None:
    """The decision on an INR's dose answers the alert that INR raised: resolved, naming who."""
    alert = db.session.scalar(
        select(Alert)
        .join(alert_observation, alert_observation.c.alert_id == Alert.id)
        .where(
            Alert.patient_id == suggestion.patient_id,
            Alert.measurement == alerts.measurement_of(RULE_RANGE),
            Alert.status != "resolved",
            alert_observation.c.observation_id == suggestion.observation_id,
        )
        .with_for_update(of=Alert)
    )
    if alert is not None:
        params = {
            "because": "dose_decided",
            "decision": suggestion.status,
            "weekly_dose_mg": suggestion.decided_weekly_dose_mg,
        }
        resolve_by_decision(alert, user, params, suggestion.decision_note)


def summary(user: User, patient_id: int) -> dict[str, Any]:
    """The patient's anticoagulation at a glance (contract: GET .../anticoagulation)."""
    access.patient_for(user, patient_id, "anticoagulation.read", "anticoagulation")
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.patient_id == patient_id,
            Enrollment.programme == "anticoagulation",
            Enrollment.status == "active",
        )
    )
    if enrollment is None or enrollment.anticoagulation is None:
        raise NotFound("The patient is not in the anticoagulation programme.")
    plan: AnticoagulationPlan = enrollment.anticoagulation
    history = _inr_history(patient_id)
    today = clock.local(clock.now()).date()
    ttr = ttr_of(plan, history, today) if history else None
    latest = db.session.scalar(
        select(DoseSuggestion)
        .where(DoseSuggestion.enrollment_id == enrollment.id)
        .order_by(DoseSuggestion.id.desc())
        .limit(1)
    )
    decisions = db.session.scalars(
        select(DoseSuggestion)
        .where(
            DoseSuggestion.enrollment_id == enrollment.id,
            DoseSuggestion.status.in_(("confirmed", "overridden", "accepted")),
        )
        .order_by(DoseSuggestion.decided_at.desc())
        .limit(20)
    ).all()
    db.session.commit()
    return {
        "enrollment_id": enrollment.id,
        "target_low": plan.target_low,
        "target_high": plan.target_high,
        "weekly_dose_mg": plan.weekly_dose_mg,
        "indication": plan.indication,
        "self_managing": plan.self_managing,
        "device": plan.device,
        "nomogram_version": plan.nomogram_version,
        "latest_inr": _latest_inr(history),
        "ttr_percent": None if ttr is None or ttr.percent is None else round(ttr.percent, 1),
        "ttr_window_days": inr_rules.inr_settings_from(plan.alert_settings).ttr_window_days,
        "next_test_due": plan.next_test_due,
        "dose_suggestion": latest,
        "dose_history": decisions,
    }


def _latest_inr(history: list[Observation]) -> dict[str, Any] | None:
    if not history:
        return None
    last = history[-1]
    return {
        "value": last.value,
        "value_qualifier": last.value_qualifier,
        "effective_at": last.effective_at,
        "observation_id": last.id,
        "performer": last.performer,
        "location": last.location,
        "device": last.device,
    }
