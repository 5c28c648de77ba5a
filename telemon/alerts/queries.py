"""Reading alerts for GET /api/v1/alerts: most severe first, then oldest.

The web's work list (alerts and review requests together, with per-team counts) is
telemon.worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from telemon import access, audit
from telemon.extensions import db
from telemon.http import paging
from telemon.models import Alert, Observation, User
from telemon.transactions import use_case
from telemon.vocabulary import SEVERITY_RANK, AlertStatus

# Severity as a sortable number (red first): rules.SEVERITY_RANK in SQL.
SEVERITY_ORDER = case(SEVERITY_RANK, value=Alert.severity, else_=0)
# The list's order (telemon.http.paging): severity rank descending, then oldest, then id.
SORT_COLUMNS = (SEVERITY_ORDER, Alert.raised_at, Alert.id)
# The types of a cursor's values: rank, raised_at, id.
CURSOR_SHAPE = (int, datetime, int)


@dataclass(frozen=True)
class AlertFilter:
    status: str | None = None  # None: everything not resolved
    programme: str | None = None
    patient_id: int | None = None
    severity: str | None = None
    care_team_id: int | None = None
    shown_to_patient: bool = False  # the patient's own view: only alerts shared with them


def _filtered(user: User, f: AlertFilter) -> Select[tuple[Alert]]:
    query = select(Alert).where(Alert.patient_id.in_(access.visible_patient_ids(user)))
    if f.status:
        query = query.where(Alert.status == f.status)
    else:
        query = query.where(Alert.status != AlertStatus.RESOLVED)
    if f.programme:
        query = query.where(Alert.programme == f.programme)
    if f.patient_id is not None:
        query = query.where(Alert.patient_id == f.patient_id)
    if f.severity:
        query = query.where(Alert.severity == f.severity)
    if f.care_team_id is not None:
        query = query.where(Alert.care_team_id == f.care_team_id)
    if f.shown_to_patient:
        query = query.where(Alert.visible_to_patient.is_(True))
    return query


def work_list(
    user: User, f: AlertFilter, limit: int = 200, after: paging.Key | None = None
) -> list[Alert]:
    """Up to `limit` alerts, most severe first, then oldest; with `after`, those past that key."""
    query = (
        _filtered(user, f)
        .options(selectinload(Alert.observations).load_only(Observation.id))
        .order_by(*paging.order(*SORT_COLUMNS))
    )
    if after is not None:
        query = query.where(paging.after(after, *SORT_COLUMNS))
    return list(db.session.scalars(query.limit(limit)))


def work_page(
    user: User, f: AlertFilter, limit: int, after: paging.Key | None = None
) -> paging.Page[Alert]:
    """One page of work_list, with the cursor of the next page when there is one."""
    return paging.page(work_list(user, f, limit + 1, after), limit, sort_key)


def sort_key(alert: Alert) -> paging.Key:
    """The alert's place in the list, as SORT_COLUMNS compute it in the database."""
    return (SEVERITY_RANK.get(alert.severity, 0), alert.raised_at, alert.id)


@use_case
def alert_list(
    user: User, f: AlertFilter, limit: int, after: paging.Key | None = None
) -> paging.Page[Alert]:
    """A page of the alert list as read by its caller (GET /api/v1/alerts, FHIR Flag search):
    every patient shown audited (alert.list)."""
    page = work_page(user, f, limit, after)
    audit.record_many(user, sorted({a.patient_id for a in page.items}), "alert.list", "alert")
    return page
