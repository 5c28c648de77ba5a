"""Reading alerts for GET /api/v1/alerts: most severe first, then oldest.

The web's work list (alerts and review requests together, with per-team counts) is
telemon.worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, case, literal_column, select
from sqlalchemy.orm import selectinload

from telemon import access, audit
from telemon.extensions import db
from telemon.http import paging
from telemon.models import Alert, Observation, User
from telemon.models.alerts import alert_observation
from telemon.transactions import use_case
from telemon.vocabulary import SEVERITY_RANK, AlertStatus

# Severity as a sortable number (red first): rules.SEVERITY_RANK in SQL, its values written into
# the statement (not bound) so that it is the expression of the index ix_alert_list_order
# (migration 0010), which serves the list's order on PostgreSQL and SQLite alike.
SEVERITY_ORDER = case(
    {
        literal_column(f"'{severity}'"): literal_column(str(rank))
        for severity, rank in SEVERITY_RANK.items()
    },
    value=Alert.severity,
    else_=literal_column("0"),
)
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


def _filtered(user: User, f: AlertFilter, *columns: Any) -> Select[Any]:
    # access.sees rather than IN (visible_patient_ids): the list is read off ix_alert_list_order.
    query = select(*(columns or (Alert,))).where(access.sees(user, Alert.patient_id))
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


def sort_key(alert: Alert | Row[Any]) -> paging.Key:
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


# What GET /api/v1/alerts shows of an alert (schemas.AlertOut), read as rows: no ORM objects,
# no relationships; the readings' ids come in one query for the page (alert_rows).
LIST_COLUMNS = (
    Alert.id,
    Alert.patient_id,
    Alert.enrollment_id,
    Alert.programme,
    Alert.care_team_id,
    Alert.severity,
    Alert.rule,
    Alert.measurement,
    Alert.reasons,
    Alert.status,
    Alert.raised_at,
    Alert.updated_at,
    Alert.first_seen_at,
    Alert.acknowledged_at,
    Alert.acknowledged_by_id,
    Alert.acknowledge_note,
    Alert.resolved_at,
    Alert.resolved_by_id,
    Alert.resolution_note,
    Alert.visible_to_patient,
    Alert.escalated_at,
)


@dataclass(frozen=True)
class AlertRows:
    """A page of the alert list as rows (LIST_COLUMNS), the ids of each alert's readings
    (oldest first), and the cursor of the next page (None on the last)."""

    rows: list[Row[Any]]
    observation_ids: dict[int, list[int]]
    next: str | None


@use_case
def alert_rows(
    user: User, f: AlertFilter, limit: int, after: paging.Key | None = None
) -> AlertRows:
    """The page alert_list reads, as rows (GET /api/v1/alerts): two queries, the page and its
    readings' ids; every patient shown audited (alert.list)."""
    query = _filtered(user, f, *LIST_COLUMNS).order_by(*paging.order(*SORT_COLUMNS))
    if after is not None:
        query = query.where(paging.after(after, *SORT_COLUMNS))
    page = paging.page(list(db.session.execute(query.limit(limit + 1))), limit, sort_key)
    observation_ids: dict[int, list[int]] = {row.id: [] for row in page.items}
    if observation_ids:
        linked = (
            select(alert_observation.c.alert_id, alert_observation.c.observation_id)
            .join(Observation, Observation.id == alert_observation.c.observation_id)
            .where(alert_observation.c.alert_id.in_(list(observation_ids)))
            .order_by(Observation.effective_at, Observation.id)
        )
        for alert_id, observation_id in db.session.execute(linked):
            observation_ids[alert_id].append(observation_id)
    audit.record_many(user, sorted({row.patient_id for row in page.items}), "alert.list", "alert")
    return AlertRows(page.items, observation_ids, page.next)
