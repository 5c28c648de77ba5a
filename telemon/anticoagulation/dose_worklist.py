"""The anticoagulation clinic's worklist: every dose suggestion waiting for a clinician of the
caller's care teams, oldest first.

A pending suggestion waits for a clinician unless its patient decides it herself
(decision.patient_decides; decision_sql says the same in SQL). Only the enrolments whose
responsible care team the caller is a member of are listed: nobody else's. The list pages by
keyset (created_at, id), as GET /api/v1/alerts does; every patient on a page is audited. A page
is a read use case (telemon.transactions): `waiting` for the API, `worklist_page` for the
clinic's web page (with the patients' names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, exists, func, select

from telemon import audit
from telemon.anticoagulation import decision_sql
from telemon.extensions import db
from telemon.http import paging
from telemon.models import (
    AnticoagulationPlan,
    DoseSuggestion,
    Enrollment,
    Observation,
    Patient,
    User,
    care_team_member,
)
from telemon.monitoring import ACTIVE
from telemon.transactions import use_case
from telemon.vocabulary import DoseStatus

CURSOR_SHAPE = (datetime, int)


@dataclass(frozen=True)
class WorklistItem:
    """One suggestion waiting for a clinician (GET /api/v1/dose-suggestions's item)."""

    id: int
    patient_id: int
    enrollment_id: int
    inr: float
    inr_qualifier: str | None
    inr_measured_at: datetime
    weekly_dose_mg: float
    current_weekly_dose_mg: float
    previous_weekly_dose_mg: float
    change_percent: float
    hold_days: int
    contact_clinic: bool
    action: str
    created_at: datetime

    @property
    def hold_doses(self) -> int:
        """As a suggestion names it (the dose_action filter reads it)."""
        return self.hold_days


def _waiting(user: User) -> Select[tuple[DoseSuggestion, Observation, float]]:
    """Pending suggestions of active enrolments of the user's care teams that the patient does
    not decide herself."""
    in_team = exists().where(
        care_team_member.c.care_team_id == Enrollment.care_team_id,
        care_team_member.c.user_id == user.id,
    )
    return (
        select(DoseSuggestion, Observation, AnticoagulationPlan.weekly_dose_mg)
        .join(Enrollment, Enrollment.id == DoseSuggestion.enrollment_id)
        .join(AnticoagulationPlan, AnticoagulationPlan.enrollment_id == Enrollment.id)
        .join(Observation, Observation.id == DoseSuggestion.observation_id)
        .where(
            DoseSuggestion.status == DoseStatus.PENDING,
            Enrollment.status == ACTIVE,
            in_team,
            ~decision_sql.patient_decides(),
        )
    )


def waiting_count(user: User) -> int | None:
    """How many suggestions wait for the user's care teams (the start pages' count); None when
    no team of hers is responsible for an anticoagulation enrolment (no worklist to show)."""
    responsible = db.session.scalar(
        select(Enrollment.id)
        .where(
            Enrollment.programme == "anticoagulation",
            Enrollment.status == ACTIVE,
            exists().where(
                care_team_member.c.care_team_id == Enrollment.care_team_id,
                care_team_member.c.user_id == user.id,
            ),
        )
        .limit(1)
    )
    if responsible is None:
        return None
    query = _waiting(user).with_only_columns(func.count()).order_by(None)
    return int(db.session.scalar(query) or 0)


@use_case
def waiting(user: User, limit: int, after: paging.Key | None = None) -> paging.Page[WorklistItem]:
    """One page of the worklist, oldest first; audited per patient (dose_suggestion.list)."""
    query = _waiting(user)
    if after is not None:
        query = query.where(
            paging.after_ascending(after, DoseSuggestion.created_at, DoseSuggestion.id)
        )
    rows = db.session.execute(
        query.order_by(DoseSuggestion.created_at, DoseSuggestion.id).limit(limit + 1)
    ).all()
    items = [_item(s, o, in_force) for s, o, in_force in rows]
    page = paging.page(items, limit, lambda i: (i.created_at, i.id))
    audit.record_many(
        user, sorted({i.patient_id for i in page.items}), "dose_suggestion.list", "dose_suggestion"
    )
    return page


@dataclass(frozen=True)
class WorklistPage:
    """The clinic's dose worklist page: a page of the worklist and its patients' names."""

    page: paging.Page[WorklistItem]
    names: dict[int, str] = field(default_factory=dict)


@use_case
def worklist_page(user: User, limit: int, after: paging.Key | None = None) -> WorklistPage:
    """A page of the worklist (`waiting`, audited) with the names of the patients it shows."""
    page = waiting(user, limit, after)
    ids = {item.patient_id for item in page.items}
    names = (
        dict(db.session.execute(select(Patient.id, Patient.name).where(Patient.id.in_(ids))).all())
        if ids
        else {}
    )
    return WorklistPage(page, names)


def _item(s: DoseSuggestion, reading: Observation, in_force: float) -> WorklistItem:
    return WorklistItem(
        id=s.id,
        patient_id=s.patient_id,
        enrollment_id=s.enrollment_id,
        inr=s.inr,
        inr_qualifier=reading.value_qualifier,
        inr_measured_at=reading.effective_at,
        weekly_dose_mg=s.weekly_dose_mg,
        current_weekly_dose_mg=in_force,
        previous_weekly_dose_mg=s.previous_weekly_dose_mg,
        change_percent=s.change_percent,
        hold_days=s.hold_doses,
        contact_clinic=s.contact_clinic,
        action=s.action,
        created_at=s.created_at,
    )
