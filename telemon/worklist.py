"""The clinician's work list: alerts, wound review requests and messages to the team in one
list, one query path.

The kinds are ranked on one scale, most urgent first, then oldest:
    3  red alert  = urgent review request
    2  yellow alert = routine review request = a message to the team (telemon.messages)
    1  blue alert (missing measurement)
The list and the counts per team come from the same UNION below, so the list a clinician
works and the numbers a team sees cannot disagree. GET /api/v1/alerts keeps its own
alert-only list (telemon.alerts.queries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, case, cast, func, literal, null, or_, select

from telemon import access, audit
from telemon.extensions import db
from telemon.http import paging
from telemon.models import Alert, CareTeam, Enrollment, Message, Patient, ReviewRequest, User
from telemon.models.types import UTCDateTime
from telemon.transactions import use_case
from telemon.vocabulary import SEVERITY_RANK

# The alerts' scale (telemon.vocabulary.SEVERITY_RANK); an urgent review request ranks with a
# red alert, a routine one with a yellow.
RANK_NAMES = {rank: name for name, rank in SEVERITY_RANK.items()}
_REVIEW_RANK = {"urgent": SEVERITY_RANK["red"], "routine": SEVERITY_RANK["yellow"]}

_alert_rank = case(SEVERITY_RANK, value=Alert.severity, else_=0)
_review_rank = case(_REVIEW_RANK, value=ReviewRequest.urgency, else_=0)
# A message from the patient or a home nurse waits like a routine review request.
MESSAGE_RANK = SEVERITY_RANK["yellow"]
# The types of a cursor's values (telemon.http.paging): rank, since, kind, id.
CURSOR_SHAPE = (int, datetime, str, int)


@dataclass(frozen=True)
class WorkListFilter:
    # "open": alerts nobody took yet and review requests not yet answered;
    # "acknowledged": alerts taken but not resolved (review requests have no such state).
    status: str = "open"
    programme: str | None = None
    rank: str | None = None  # "red" | "yellow" | "blue", on the shared scale
    care_team_id: int | None = None


@dataclass(frozen=True)
class WorkItem:
    kind: str  # "alert" | "review" | "message"
    id: int
    patient_id: int
    programme: str
    enrollment_id: int
    care_team_id: int
    rank: int
    label: str  # the alert's severity, the request's urgency, or "message"
    summary: str | None  # the nurse's question, the message (an alert's is in `reasons`)
    since: datetime  # raised_at / requested_at / sent_at
    due_at: datetime | None
    status: str
    reasons: list[dict[str, Any]] | None = None  # the alert's reasons (Alert.reasons)

    @property
    def rank_name(self) -> str:
        return RANK_NAMES.get(self.rank, "")


def _union(user: User, f: WorkListFilter) -> Any:
    visible = access.visible_patient_ids(user)
    alerts = select(
        literal("alert", String).label("kind"),
        cast(Alert.id, Integer).label("id"),
        Alert.patient_id.label("patient_id"),
        Alert.programme.label("programme"),
        Alert.enrollment_id.label("enrollment_id"),
        Alert.care_team_id.label("care_team_id"),
        _alert_rank.label("rank"),
        Alert.severity.label("label"),
        cast(null(), Text).label("summary"),
        Alert.raised_at.label("since"),
        cast(null(), UTCDateTime).label("due_at"),
        Alert.status.label("status"),
        Alert.reasons.label("reasons"),
    ).where(Alert.patient_id.in_(visible), Alert.status == f.status)
    reviews = select(
        literal("review", String).label("kind"),
        ReviewRequest.id.label("id"),
        ReviewRequest.patient_id.label("patient_id"),
        literal("wound", String).label("programme"),
        ReviewRequest.enrollment_id.label("enrollment_id"),
        ReviewRequest.care_team_id.label("care_team_id"),
        _review_rank.label("rank"),
        ReviewRequest.urgency.label("label"),
        ReviewRequest.question.label("summary"),
        ReviewRequest.requested_at.label("since"),
        ReviewRequest.due_at.label("due_at"),
        ReviewRequest.status.label("status"),
        cast(null(), JSON).label("reasons"),
    ).where(ReviewRequest.patient_id.in_(visible), ReviewRequest.status == "open")
    messages = (
        select(
            literal("message", String).label("kind"),
            Message.id.label("id"),
            Message.patient_id.label("patient_id"),
            Enrollment.programme.label("programme"),
            Message.enrollment_id.label("enrollment_id"),
            Message.care_team_id.label("care_team_id"),
            literal(MESSAGE_RANK, Integer).label("rank"),
            literal("message", String).label("label"),
            Message.body.label("summary"),
            Message.sent_at.label("since"),
            Message.due_at.label("due_at"),
            Message.work_status.label("status"),
            cast(null(), JSON).label("reasons"),
        )
        .join(Enrollment, Enrollment.id == Message.enrollment_id)
        .where(Message.patient_id.in_(visible), Message.work_status == "open")
    )
    if f.status != "open":
        reviews = reviews.where(literal(False))
        messages = messages.where(literal(False))
    if f.care_team_id is not None:
        alerts = alerts.where(Alert.care_team_id == f.care_team_id)
        reviews = reviews.where(ReviewRequest.care_team_id == f.care_team_id)
        messages = messages.where(Message.care_team_id == f.care_team_id)
    if f.programme is not None:
        alerts = alerts.where(Alert.programme == f.programme)
        messages = messages.where(Enrollment.programme == f.programme)
        if f.programme != "wound":
            reviews = reviews.where(literal(False))
    if f.rank is not None:
        alerts = alerts.where(_alert_rank == SEVERITY_RANK.get(f.rank, 0))
        reviews = reviews.where(_review_rank == SEVERITY_RANK.get(f.rank, 0))
        if SEVERITY_RANK.get(f.rank, 0) != MESSAGE_RANK:
            messages = messages.where(literal(False))
    return alerts.union_all(reviews, messages).subquery("worklist")


def work_list(
    user: User, f: WorkListFilter, limit: int = 200, after: paging.Key | None = None
) -> list[WorkItem]:
    """The user's work list: most urgent first, then oldest; with `after`, the items past it."""
    q = _union(user, f)
    sort_columns = (q.c.rank, q.c.since, q.c.kind, q.c.id)
    query = select(q).order_by(*paging.order(*sort_columns))
    if after is not None:
        query = query.where(paging.after(after, *sort_columns))
    rows = db.session.execute(query.limit(limit)).all()
    return [WorkItem(**row._mapping) for row in rows]


def work_page(
    user: User, f: WorkListFilter, limit: int, after: paging.Key | None = None
) -> paging.Page[WorkItem]:
    """One page of work_list, with the cursor of the next page when there is one."""
    return paging.page(work_list(user, f, limit + 1, after), limit, sort_key)


def sort_key(item: WorkItem) -> paging.Key:
    return (item.rank, item.since, item.kind, item.id)


def counts_by_team(user: User, f: WorkListFilter | None = None) -> dict[int, dict[str, int]]:
    """Per care team, how many items wait on each rank: {team_id: {"red": n, …}}."""
    q = _union(user, f or WorkListFilter())
    rows = db.session.execute(
        select(q.c.care_team_id, q.c.rank, func.count()).group_by(q.c.care_team_id, q.c.rank)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for team_id, rank, count in rows:
        counts.setdefault(team_id, {})[RANK_NAMES.get(rank, "other")] = count
    return counts


def total_counts(per_team: dict[int, dict[str, int]]) -> dict[str, int]:
    """The per-team counts added up over the teams."""
    totals: dict[str, int] = {}
    for team_counts in per_team.values():
        for name, count in team_counts.items():
            totals[name] = totals.get(name, 0) + count
    return totals


def patient_ids(items: Sequence[WorkItem]) -> list[int]:
    return sorted({item.patient_id for item in items})


@dataclass
class WorkListPage:
    """One page of the work list as the clinician reads it."""

    page: paging.Page[WorkItem]
    team_counts: dict[int, dict[str, int]]  # open items per team and rank
    teams: list[CareTeam]  # the teams with open items, and the user's own, by name
    patients: dict[int, Patient]  # the patients of the page's items
    may_acknowledge: set[int]  # enrolments whose alerts the user may acknowledge

    @property
    def counts(self) -> dict[str, int]:
        return total_counts(self.team_counts)


@use_case
def work_list_page(
    user: User, f: WorkListFilter, limit: int, after: paging.Key | None = None
) -> WorkListPage:
    """A page of the user's work list with what the page shows beside it; every patient shown
    audited (queue.read)."""
    page = work_page(user, f, limit, after)
    team_counts = counts_by_team(user, WorkListFilter(status="open"))
    audit.record_many(user, patient_ids(page.items), "queue.read", "queue")
    patients = {
        p.id: p
        for p in db.session.scalars(
            select(Patient).where(Patient.id.in_({item.patient_id for item in page.items}))
        )
    }
    teams = db.session.scalars(
        select(CareTeam)
        .where(or_(CareTeam.id.in_(list(team_counts)), CareTeam.members.any(User.id == user.id)))
        .order_by(CareTeam.name)
    ).all()
    may_acknowledge = access.acting_on(
        user,
        {item.enrollment_id for item in page.items if item.kind == "alert"},
        access.ACKNOWLEDGE_ALERT,
    )
    return WorkListPage(page, team_counts, list(teams), patients, may_acknowledge)
