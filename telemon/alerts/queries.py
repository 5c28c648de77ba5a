"""Reading alerts for GET /api/v1/alerts: most severe first, then oldest.

The web queue (alerts and review requests together, with per-team counts) is telemon.queue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from telemon import access
from telemon.extensions import db
from telemon.models import Alert, Observation, User

# Severity as a sortable number (red first), matching rules.SEVERITY_RANK.
SEVERITY_ORDER = case({"red": 3, "yellow": 2, "blue": 1}, value=Alert.severity, else_=0)


@dataclass(frozen=True)
class AlertFilter:
    status: str | None = None  # None: everything not resolved
    programme: str | None = None
    patient_id: int | None = None
    severity: str | None = None
    care_team_id: int | None = None


def _filtered(user: User, f: AlertFilter) -> Select[tuple[Alert]]:
    query = select(Alert).where(Alert.patient_id.in_(access.visible_patient_ids(user)))
    if f.status:
        query = query.where(Alert.status == f.status)
    else:
        query = query.where(Alert.status != "resolved")
    if f.programme:
        query = query.where(Alert.programme == f.programme)
    if f.patient_id is not None:
        query = query.where(Alert.patient_id == f.patient_id)
    if f.severity:
        query = query.where(Alert.severity == f.severity)
    if f.care_team_id is not None:
        query = query.where(Alert.care_team_id == f.care_team_id)
    return query


def work_list(user: User, f: AlertFilter, limit: int = 200) -> list[Alert]:
    query = (
        _filtered(user, f)
        .options(selectinload(Alert.observations).load_only(Observation.id))
        .order_by(SEVERITY_ORDER.desc(), Alert.raised_at, Alert.id)
    )
    return list(db.session.scalars(query.limit(limit)))
