"""Deciding a dose suggestion: the one use case behind the API's confirm, the patient's accept
and the clinician's confirm and override on the alert page, the patient page and the dose worklist.

decide_dose loads the suggestion, checks that the user sees the patient and may decide for the
enrolment (telemon.access), asks the pure rule (telemon.anticoagulation.decision) whether this
decider may make this decision, puts the dose in force, closes the INR alerts the decision
answers and audits, in one transaction (telemon.transactions): only when it commits does the
dose in force change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import exists, select

from telemon import access, alerts, audit, clock
from telemon.alerts import resolve_by_decision
from telemon.anticoagulation import decision
from telemon.anticoagulation.inr_evaluation import RULE_RANGE
from telemon.anticoagulation.plans import limits_of
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.i18n import N_
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
    User,
    alert_observation,
)
from telemon.transactions import use_case
from telemon.vocabulary import DECIDED, AlertStatus, DoseStatus, Role

log = logging.getLogger(__name__)

# Why the clinic decides, as the refusal says it (the web pages say it in the reader's words).
_CLINIC_DECIDES = {
    decision.CONTACT_CLINIC: "The nomogram asks for the clinic.",
    decision.INR_OUTSIDE_LIMITS: "The INR is outside the range you decide yourself.",
    decision.CHANGE_BEYOND_LIMITS: "The change is larger than you decide yourself.",
    decision.HOLD_BEYOND_LIMITS: "More doses are held than you decide yourself.",
    decision.CHANGE_NOT_MADE: "The table could not make the change it asks for.",
    decision.EARLIER_INR_WAITS: "An earlier INR outside your range waits for the clinic.",
}
# Field messages, in the catalog so that the pages show them in the reader's language.
_FIELD_PROBLEMS = {
    decision.DOSE_NOT_SUGGESTED: N_("A self-managing patient accepts the suggested dose."),
    decision.HOLD_NOT_SUGGESTED: N_("A self-managing patient accepts the suggested held days."),
    decision.DOSE_NOT_POSSIBLE: N_("Must be above 0 and at most 175 mg a week."),
    decision.HOLD_NOT_POSSIBLE: N_("Must be from 0 to 7 days."),
}


@dataclass(frozen=True)
class DoseDecision:
    """What the decider sends: the weekly dose to put in force (mg) and the days to hold from
    today (None for either: as suggested; DoseDecision() takes the suggestion as it stands), a
    note, and whether the patient may read the note."""

    weekly_dose_mg: float | None = None
    hold_days: int | None = None
    note: str | None = None
    note_visible_to_patient: bool = False


def suggested_of(suggestion: DoseSuggestion) -> decision.Suggested:
    """A stored suggestion's numbers, as the decision rule takes them."""
    return decision.Suggested(
        inr=suggestion.inr,
        weekly_dose_mg=suggestion.weekly_dose_mg,
        previous_weekly_dose_mg=suggestion.previous_weekly_dose_mg,
        change_percent=suggestion.change_percent,
        hold_doses=suggestion.hold_doses,
        contact_clinic=suggestion.contact_clinic,
    )


@use_case
def decide_dose(user: User, suggestion_id: int, asked: DoseDecision) -> DoseSuggestion:
    """Confirm, override or accept a suggestion; the dose in force changes now.

    A member of the responsible care team confirms or overrides (telemon.access.may_act); a
    self-managing patient accepts, and only a suggestion that needs no clinician
    (decision.clinic_needed): any other is refused 403, the refusal audited, and the suggestion
    and its alerts wait for the clinic. Repeating the same decision is harmless; another
    decision on a decided suggestion is 409.
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
    # One decision per suggestion: a concurrent second one waits here, then finds it decided.
    db.session.refresh(suggestion, with_for_update=True)
    if suggestion.status != DoseStatus.PENDING:
        if _same_decision(suggestion, user, asked):
            return suggestion
        raise Conflict(f"The suggestion is {suggestion.status}; decide on the newest one.")
    plan: AnticoagulationPlan = enrollment.anticoagulation
    answered = answered_alerts(suggestion, lock=True)
    outcome = decision.decide(
        suggested_of(suggestion),
        limits_of(plan),
        "patient" if user.role == Role.PATIENT else "team",
        decision.Asked(asked.weekly_dose_mg, asked.hold_days),
        [o.value for alert in answered for o in alert.observations],
    )
    if isinstance(outcome, decision.Refused):
        _refuse(user, suggestion, outcome)
    assert isinstance(outcome, decision.Decided)
    now = clock.now()
    suggestion.status = outcome.status
    suggestion.decided_at = now
    suggestion.decided_by_id = user.id
    suggestion.decided_weekly_dose_mg = outcome.weekly_dose_mg
    suggestion.decided_hold_days = outcome.hold_days
    # She was told to hold from the day of her test; the clinic's held days start today.
    suggestion.decided_held_from = (
        suggestion.tested_on if user.role == Role.PATIENT else clock.local(now).date()
    )
    suggestion.decided_care_team_id = enrollment.care_team_id
    suggestion.decision_note = asked.note
    suggestion.note_visible_to_patient = bool(asked.note) and asked.note_visible_to_patient
    plan.weekly_dose_mg = outcome.weekly_dose_mg
    for alert in answered:
        _resolve(alert, suggestion, user)
    audit.record_change(
        user,
        access.DECIDE_DOSE,
        "dose_suggestion",
        suggestion.id,
        {"status": DoseStatus.PENDING, "alerts_resolved": 0},
        {"status": outcome.status, "alerts_resolved": len(answered)},
        patient_id=suggestion.patient_id,
    )
    log.info("dose suggestion %s %s", suggestion_id, suggestion.status)
    return suggestion


def _same_decision(suggestion: DoseSuggestion, user: User, asked: DoseDecision) -> bool:
    """A retried request: the same decider, dose and held days as the decision stored."""
    hold = suggestion.hold_doses if asked.hold_days is None else asked.hold_days
    dose = suggestion.weekly_dose_mg if asked.weekly_dose_mg is None else asked.weekly_dose_mg
    return (
        suggestion.status in DECIDED
        and suggestion.decided_by_id == user.id
        and suggestion.decided_weekly_dose_mg is not None
        and decision.same_dose(suggestion.decided_weekly_dose_mg, dose)
        and suggestion.decided_hold_days == hold
    )


def _refuse(user: User, suggestion: DoseSuggestion, refused: decision.Refused) -> None:
    if refused.clinic_decides:
        audit.record_refusal(
            user, suggestion.patient_id, access.DECIDE_DOSE, "dose_suggestion", suggestion.id
        )
        raise Forbidden(
            "The clinic decides on this dose suggestion: " + _CLINIC_DECIDES[refused.reason]
        )
    assert refused.field is not None
    raise Invalid(
        "The decision cannot be made.", {refused.field: [_FIELD_PROBLEMS[refused.reason]]}
    )


def answered_alerts(suggestion: DoseSuggestion, lock: bool = False) -> list[Alert]:
    """The enrolment's INR alerts still open that a decision on the suggestion answers: those
    raised by INRs measured at or before the suggestion's INR (none of their readings is
    newer); locked for the decision when `lock`."""
    measured_at = select(Observation.effective_at).where(
        Observation.id == suggestion.observation_id
    )
    newer = exists().where(
        alert_observation.c.alert_id == Alert.id,
        alert_observation.c.observation_id == Observation.id,
        Observation.effective_at > measured_at.scalar_subquery(),
    )
    query = (
        select(Alert)
        .where(
            Alert.enrollment_id == suggestion.enrollment_id,
            Alert.measurement == alerts.measurement_of(RULE_RANGE),
            Alert.status != AlertStatus.RESOLVED,
            ~newer,
        )
        .order_by(Alert.id)
    )
    return list(db.session.scalars(query.with_for_update(of=Alert) if lock else query))


def earlier_open_inrs(suggestion: DoseSuggestion) -> list[float]:
    """The INRs behind the open alerts a decision on the suggestion would close."""
    return [o.value for alert in answered_alerts(suggestion) for o in alert.observations]


def _resolve(alert: Alert, suggestion: DoseSuggestion, user: User) -> None:
    """The decision answers the alert: resolved in the decider's name, on its timeline."""
    assert suggestion.decided_weekly_dose_mg is not None
    params = {
        "because": "dose_decided",
        "decision": suggestion.status,
        "weekly_dose_mg": suggestion.decided_weekly_dose_mg,
        "hold_days": suggestion.decided_hold_days,
        "suggestion_id": suggestion.id,
    }
    resolve_by_decision(alert, user, params, suggestion.decision_note)
    if user.role != Role.PATIENT and suggestion.note_visible_to_patient:
        alert.visible_to_patient = True
