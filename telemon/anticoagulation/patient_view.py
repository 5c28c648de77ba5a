"""A patient's anticoagulation as it is read: by her clinic, and by the patient herself.

One service function, `summary`, behind GET /api/v1/patients/{id}/anticoagulation, the
patient's own page and the clinician's patient page: the plan, the latest INR, TTR, the newest
suggestion and (when it waits) the one instruction for it at this hour, the clinic's latest
decision, and the week's tablets agreeing with both. The patient reads only the notes the
clinic chose to show her, and who decided by role and care team, never a user name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from telemon import access, clock
from telemon.anticoagulation import decision, inr_rules, instructions
from telemon.anticoagulation.decisions import earlier_open_inrs, suggested_of
from telemon.anticoagulation.inr_evaluation import inr_history, ttr_of
from telemon.anticoagulation.plans import limits_of, load_nomogram, self_management_of
from telemon.anticoagulation.tablet_plan import DayPlan, week_days, weekly_tablet_plan
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.models import (
    AnticoagulationPlan,
    CareTeam,
    DoseSuggestion,
    Enrollment,
    IngestBatch,
    Observation,
    User,
)
from telemon.monitoring import ACTIVE
from telemon.transactions import use_case
from telemon.vocabulary import DECIDED, DoseStatus, Role
from telemon.woundcare.reviews import working_calendar

HISTORY = 20  # decisions listed


@dataclass(frozen=True)
class SuggestionView:
    """A suggestion as its reader may see it (DoseSuggestionOut): for the patient, the note only
    when shown to her, and the decider only by role and care team."""

    id: int
    observation_id: int
    nomogram_version: str
    inr: float
    tested_on: date
    previous_weekly_dose_mg: float
    weekly_dose_mg: float
    change_percent: float
    hold_doses: int
    contact_clinic: bool
    action: str
    next_test_on: date
    notes: list[str]
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_by_id: int | None
    decided_by_role: str | None
    decided_by_team: str | None
    decided_weekly_dose_mg: float | None
    decided_hold_days: int | None
    decided_held_from: date | None
    decision_note: str | None
    note_visible_to_patient: bool


def _view(
    s: DoseSuggestion, for_patient: bool, roles: dict[int, str], teams: dict[int, str]
) -> SuggestionView:
    shown_note = s.decision_note if not for_patient or s.note_visible_to_patient else None
    return SuggestionView(
        id=s.id,
        observation_id=s.observation_id,
        nomogram_version=s.nomogram_version,
        inr=s.inr,
        tested_on=s.tested_on,
        previous_weekly_dose_mg=s.previous_weekly_dose_mg,
        weekly_dose_mg=s.weekly_dose_mg,
        change_percent=s.change_percent,
        hold_doses=s.hold_doses,
        contact_clinic=s.contact_clinic,
        action=s.action,
        next_test_on=s.next_test_on,
        notes=list(s.notes or []),
        status=s.status,
        created_at=s.created_at,
        decided_at=s.decided_at,
        decided_by_id=None if for_patient else s.decided_by_id,
        decided_by_role=roles.get(s.decided_by_id or 0),
        decided_by_team=teams.get(s.decided_care_team_id or 0),
        decided_weekly_dose_mg=s.decided_weekly_dose_mg,
        decided_hold_days=s.decided_hold_days,
        decided_held_from=s.decided_held_from,
        decision_note=shown_note,
        note_visible_to_patient=s.note_visible_to_patient,
    )


def active_plan(patient_id: int) -> tuple[Enrollment, AnticoagulationPlan]:
    """The patient's active anticoagulation enrolment and plan, or NotFound."""
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.patient_id == patient_id,
            Enrollment.programme == "anticoagulation",
            Enrollment.status == ACTIVE,
        )
    )
    if enrollment is None or enrollment.anticoagulation is None:
        raise NotFound("The patient is not in the anticoagulation programme.")
    return enrollment, enrollment.anticoagulation


@use_case
def summary(user: User, patient_id: int) -> dict[str, Any]:
    """The patient's anticoagulation at a glance (contract: GET .../anticoagulation), the read
    audited (a read use case).

    `instruction` is the one instruction for a pending suggestion (None without one), with the
    care team's `out_of_hours_text`; `patient_decides` whether the patient decides that
    suggestion herself; `latest_decision` the newest decision; `week` the days of this week
    (telemon.anticoagulation.tablet_plan.DayPlan) as the instruction and the decision have them,
    `week_kind` what the table shows: "in_force", "if_accepted" or "paused"."""
    access.patient_for(user, patient_id, "anticoagulation.read", "anticoagulation")
    enrollment, plan = active_plan(patient_id)
    for_patient = user.role == Role.PATIENT
    now = clock.now()
    today = clock.local(now).date()
    history = inr_history(patient_id)
    ttr = ttr_of(plan, history, today) if history else None
    latest = db.session.scalar(
        select(DoseSuggestion)
        .where(DoseSuggestion.enrollment_id == enrollment.id)
        .order_by(DoseSuggestion.id.desc())
        .limit(1)
    )
    decided = db.session.scalars(
        select(DoseSuggestion)
        .where(
            DoseSuggestion.enrollment_id == enrollment.id,
            DoseSuggestion.status.in_(DECIDED),
        )
        .order_by(DoseSuggestion.decided_at.desc(), DoseSuggestion.id.desc())
        .limit(HISTORY)
    ).all()
    roles, teams = _deciders(decided)
    history_views = [_view(s, for_patient, roles, teams) for s in decided]
    pending = latest if latest is not None and latest.status == DoseStatus.PENDING else None
    patient_decides = pending is not None and decision.patient_decides(
        suggested_of(pending), limits_of(plan), plan.self_managing, earlier_open_inrs(pending)
    )
    team = enrollment.care_team
    instruction = None
    if pending is not None:
        clinic = instructions.clinic_hours(now, working_calendar(team.opening_hours))
        instruction = instructions.instruction_for(
            suggested_of(pending),
            pending.tested_on,
            plan.weekly_dose_mg,
            patient_decides,
            clinic,
            load_nomogram(pending.nomogram_version).instructions,
        )
    latest_decision = history_views[0] if history_views else None
    week, week_kind, tablets = _week(today, plan, instruction, latest_decision)
    return {
        "enrollment_id": enrollment.id,
        "target_low": plan.target_low,
        "target_high": plan.target_high,
        "weekly_dose_mg": plan.weekly_dose_mg,
        "tablet_strength_mg": plan.tablet_strength_mg,
        "indication": plan.indication,
        "self_managing": plan.self_managing,
        "self_management": self_management_of(plan),
        "device": plan.device,
        "nomogram_version": plan.nomogram_version,
        "latest_inr": _latest_inr(history),
        "ttr_percent": None if ttr is None or ttr.percent is None else round(ttr.percent, 1),
        "ttr_window_days": inr_rules.inr_settings_from(plan.alert_settings).ttr_window_days,
        "next_test_due": plan.next_test_due,
        "dose_suggestion": None if latest is None else _view(latest, for_patient, roles, teams),
        "patient_decides": patient_decides,
        "instruction": instruction,
        "out_of_hours_text": team.out_of_hours_text,
        "latest_decision": latest_decision,
        "dose_history": history_views,
        "week": week,
        "week_kind": week_kind,
        "week_plan": tablets,
    }


@dataclass(frozen=True)
class OwnAnticoagulation:
    """The self-managing patient's own page: the summary, her plan, and whether her newest INR
    is still being evaluated (its suggestion is on its way: the page reloads)."""

    summary: dict[str, Any]
    plan: AnticoagulationPlan
    awaiting_evaluation: bool


@use_case
def own_anticoagulation(user: User) -> OwnAnticoagulation:
    """What the patient's own anticoagulation page shows: her record read (patient.read) and
    her summary (anticoagulation.read). 404 for a patient not in the programme."""
    own_id = user.patient_id if user.role == Role.PATIENT else None
    patient_id = access.patient_for(user, own_id or 0, "patient.read").id
    found = summary(user, patient_id)
    _, plan = active_plan(patient_id)
    return OwnAnticoagulation(found, plan, _awaiting_evaluation(found["latest_inr"]))


def _awaiting_evaluation(latest: dict[str, Any] | None) -> bool:
    if latest is None:
        return False
    evaluated = db.session.scalar(
        select(IngestBatch.evaluated_at)
        .join(Observation, Observation.batch_id == IngestBatch.id)
        .where(Observation.id == latest["observation_id"])
    )
    return evaluated is None


def suggestion_view(user: User, suggestion: DoseSuggestion) -> SuggestionView:
    """One suggestion as this user may read it (the answer to a decision)."""
    roles, teams = _deciders([suggestion])
    return _view(suggestion, user.role == Role.PATIENT, roles, teams)


def _deciders(decided: list[DoseSuggestion]) -> tuple[dict[int, str], dict[int, str]]:
    """The deciders' roles and the care teams they decided for (two small queries)."""
    user_ids = {s.decided_by_id for s in decided if s.decided_by_id is not None}
    team_ids = {s.decided_care_team_id for s in decided if s.decided_care_team_id is not None}
    roles = (
        dict(db.session.execute(select(User.id, User.role).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    teams = (
        dict(
            db.session.execute(
                select(CareTeam.id, CareTeam.name).where(CareTeam.id.in_(team_ids))
            ).all()
        )
        if team_ids
        else {}
    )
    return roles, teams


def _week(
    today: date,
    plan: AnticoagulationPlan,
    instruction: instructions.Instruction | None,
    latest_decision: SuggestionView | None,
) -> tuple[tuple[DayPlan, ...], str, Any]:
    """This week's days as the instruction and the latest decision have them."""
    held: list[tuple[date, int]] = []
    if latest_decision is not None and latest_decision.decided_held_from is not None:
        held.append((latest_decision.decided_held_from, latest_decision.decided_hold_days or 0))
    dose, paused_from, kind = plan.weekly_dose_mg, None, "in_force"
    if instruction is not None:
        week = instruction.week
        dose, paused_from = week.weekly_dose_mg, week.paused_from
        if week.held_from is not None:
            held.append((week.held_from, week.hold_days))
        if instruction.situation == "self":
            kind = "if_accepted"
        elif paused_from is not None:
            kind = "paused"
    tablets = weekly_tablet_plan(dose, plan.tablet_strength_mg)
    return week_days(today, tablets, held, paused_from), kind, tablets


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
