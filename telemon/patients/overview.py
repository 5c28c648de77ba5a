"""The patient overview: one list of patients for every staff role, one row per patient.

What a clinician sees as "my team's patients" and a home nurse as "my organisation's patients"
is the same list with another scope, so that both read the same severities, readings and due
dates. As in OpenTele's overview, the worst severity of the patient's open alerts (alerts nobody
has acknowledged yet) decides the order; a patient with nothing open is "green".

API (for web pages and other services; plain dataclasses out):

    page = overview.patient_page(user, OverviewFilter(search="Hansen"), limit=50)
    for row in page.items: row.severity, row.name, row.last_reading, row.next_due, ...
    following = overview.patient_page(user, f, 50, overview.decode_cursor(page.next))

- `patient_page(user, f, limit, after)` → `paging.Page[OverviewRow]`: worst open severity first
  (red, yellow, blue, then green), then the patient whose oldest open alert has waited longest
  (green rows: the earliest registered), then the patient id. Keyset paging as in
  telemon.http.paging: `page.next` is a cursor (no patient data in it) to pass back through
  `decode_cursor` (ValueError for anything that is not one).
- Who sees what (`OverviewFilter.scope`):
  - "mine" (default): a clinician's patients with an active enrolment in one of her care teams;
    a nurse's or GP's patients are those shared with her organisation or in her teams, i.e. her
    organisation's patients.
  - "all": every patient the user may see (telemon.access.visible_patient_ids), which for a
    clinician adds the patients her organisation registered (also those not yet enrolled).
  Administrators and patients get Forbidden: the list holds names and CPR numbers.
- Filters: `search` (part of the name, case-insensitive; or the start of a CPR number, with or
  without the dash), `programme` (an active enrolment in it), `care_team_id` (an active
  enrolment of that team).
- `patient_page` is a read use case (telemon.transactions): every patient on the page is
  audited ("patient.list") and committed with it. `overview_page` is the clinician's web page:
  the same page with the care teams its filter offers.

Per row: the patient's name, CPR number and birth date; the worst open severity and counts of
open alerts and of those the responsible care team has not yet opened (`alerts_seen`: "the
hospital has seen them"); the last reading of any code; per active programme whether it is
paused and when the next measurement or INR test is due; and the earliest due date over the
programmes being monitored today (`next_due`, None when nothing is expected, e.g. all paused).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, Subquery, case, exists, func, select

from telemon import access, audit, clock, monitoring
from telemon.copd import schedule
from telemon.errors import Forbidden
from telemon.extensions import db
from telemon.http import paging
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    CareTeam,
    Enrollment,
    Observation,
    Patient,
    User,
    care_team_member,
)
from telemon.transactions import use_case
from telemon.vocabulary import SEVERITY_RANK, Role

SCOPES = ("mine", "all")
GREEN = "green"
# The types of a cursor's values: severity rank, waiting since, patient id.
CURSOR_SHAPE = (int, datetime, int)
_RANK_NAMES = {rank: name for name, rank in SEVERITY_RANK.items()}
_CPR_START = re.compile(r"^\d{2,6}(-?\d{0,4})?$")


@dataclass(frozen=True)
class OverviewFilter:
    search: str | None = None
    programme: str | None = None
    care_team_id: int | None = None
    scope: str = "mine"  # "mine" | "all"


@dataclass(frozen=True)
class LastReading:
    code: str
    value: float
    unit: str
    value_qualifier: str | None
    effective_at: datetime


@dataclass(frozen=True)
class ProgrammeState:
    enrollment_id: int
    programme: str
    care_team_id: int
    paused: bool  # paused today
    paused_from: date | None
    paused_until: date | None  # None while paused: until resumed
    pause_reason: str | None
    next_due: date | None  # the next measurement (COPD) or INR test (anticoagulation)


@dataclass(frozen=True)
class OverviewRow:
    patient_id: int
    name: str
    cpr: str
    birth_date: date
    severity: str  # "red" | "yellow" | "blue" | "green"
    open_alerts: int
    unseen_alerts: int  # open alerts the responsible care team has not opened yet
    waiting_since: datetime | None  # the oldest open alert
    last_reading: LastReading | None
    next_due: date | None
    programmes: tuple[ProgrammeState, ...]
    sort_since: datetime  # the list's second sort key (waiting_since, else registered)
    # Acknowledged alerts not yet resolved: still the patient's state, though no longer waiting
    # (the list's order stays by what waits: `severity`; the colour shown is `colour`).
    acknowledged_alerts: int = 0
    handled_severity: str | None = None

    @property
    def colour(self) -> str:
        """What the row shows: its severity, or, with nothing unacknowledged, the worst of the
        acknowledged alerts still open (not resolved): acknowledged is not over."""
        if self.severity == GREEN and self.handled_severity is not None:
            return self.handled_severity
        return self.severity

    @property
    def alerts_seen(self) -> bool:
        """The responsible care team has opened every open alert (vacuously so with none)."""
        return self.unseen_alerts == 0

    @property
    def paused(self) -> bool:
        """Every active programme is paused today."""
        return bool(self.programmes) and all(p.paused for p in self.programmes)


def decode_cursor(raw: str) -> paging.Key:
    """The key in a page's `next` cursor; ValueError when it is not one of this list's."""
    return paging.decode(raw, CURSOR_SHAPE)


@use_case
def patient_page(
    user: User, f: OverviewFilter, limit: int = 50, after: paging.Key | None = None
) -> paging.Page[OverviewRow]:
    """One page of the user's patient overview (see the module's docstring)."""
    if user.role not in access.CARE_ROLES:
        raise Forbidden("The patient overview is for care staff.")
    if f.scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    today = clock.local(clock.now()).date()
    alerts = _open_alerts(_candidates(user, f))
    rank = func.coalesce(alerts.c.rank, 0)
    since = func.coalesce(alerts.c.since, Patient.created_at)
    query = (
        select(
            Patient,
            rank.label("rank"),
            since.label("sort_since"),
            alerts.c.since,
            func.coalesce(alerts.c.open, 0).label("open"),
            func.coalesce(alerts.c.unseen, 0).label("unseen"),
            func.coalesce(alerts.c.acknowledged, 0).label("acknowledged"),
            alerts.c.handled_rank,
        )
        .outerjoin(alerts, alerts.c.patient_id == Patient.id)
        .where(Patient.id.in_(_candidates(user, f)))
        .order_by(*paging.order(rank, since, Patient.id))
    )
    if after is not None:
        query = query.where(paging.after(after, rank, since, Patient.id))
    rows = db.session.execute(query.limit(limit + 1)).all()
    patient_ids = [row.Patient.id for row in rows[:limit]]
    programmes = _programmes(patient_ids, today)
    last = _last_readings(patient_ids)
    items = [
        OverviewRow(
            patient_id=row.Patient.id,
            name=row.Patient.name,
            cpr=row.Patient.cpr,
            birth_date=row.Patient.birth_date,
            severity=_RANK_NAMES.get(row.rank, GREEN),
            open_alerts=int(row.open),
            unseen_alerts=int(row.unseen),
            waiting_since=row.since,
            last_reading=last.get(row.Patient.id),
            next_due=_earliest(
                p.next_due for p in programmes.get(row.Patient.id, ()) if not p.paused
            ),
            programmes=tuple(programmes.get(row.Patient.id, ())),
            sort_since=row.sort_since,
            acknowledged_alerts=int(row.acknowledged),
            handled_severity=_RANK_NAMES.get(row.handled_rank or 0),
        )
        for row in rows
    ]
    audit.record_many(user, patient_ids, "patient.list", "patient_overview")
    return paging.page(items, limit, sort_key)


@dataclass(frozen=True)
class OverviewPage:
    """The clinician's patient list page: a page of the overview, the user's own care teams
    (the team filter), and every team's name (the rows name the responsible teams)."""

    page: paging.Page[OverviewRow]
    teams: list[CareTeam]
    team_names: dict[int, str]


@use_case
def overview_page(
    user: User, f: OverviewFilter, limit: int, after: paging.Key | None = None
) -> OverviewPage:
    """The clinician's patient list page (patient_page, audited, with its teams)."""
    page = patient_page(user, f, limit, after)
    teams = db.session.scalars(
        select(CareTeam).where(CareTeam.members.any(User.id == user.id)).order_by(CareTeam.name)
    ).all()
    names = dict(db.session.execute(select(CareTeam.id, CareTeam.name)).all())
    return OverviewPage(page, list(teams), names)


def sort_key(row: OverviewRow) -> paging.Key:
    """The row's place in the list, as patient_page computes it in the database."""
    return (SEVERITY_RANK.get(row.severity, 0), row.sort_since, row.patient_id)


# ---- the query ------------------------------------------------------------------------------


def _candidates(user: User, f: OverviewFilter) -> Select[tuple[int]]:
    """The ids of the patients on the user's list, filtered."""
    query = select(Patient.id).where(Patient.id.in_(access.visible_patient_ids(user)))
    team_enrolment = [Enrollment.patient_id == Patient.id, Enrollment.status == "active"]
    if f.scope == "mine" and user.role == Role.CLINICIAN:
        query = query.where(
            exists().where(
                *team_enrolment,
                care_team_member.c.care_team_id == Enrollment.care_team_id,
                care_team_member.c.user_id == user.id,
            )
        )
    if f.programme is not None:
        query = query.where(exists().where(*team_enrolment, Enrollment.programme == f.programme))
    if f.care_team_id is not None:
        query = query.where(
            exists().where(*team_enrolment, Enrollment.care_team_id == f.care_team_id)
        )
    if f.search and f.search.strip():
        query = query.where(_matches(f.search.strip()))
    return query


def _matches(text: str) -> ColumnElement[bool]:
    """A name containing the text, or a CPR number starting with it."""
    if _CPR_START.match(text):
        return Patient.cpr.startswith(text.replace("-", ""), autoescape=True)
    return func.lower(Patient.name).contains(text.lower(), autoescape=True)


def _open_alerts(candidates: Select[tuple[int]]) -> Subquery:
    """Per patient: the worst open severity, the oldest open alert, how many are open and how
    many of those the responsible team has not opened."""
    alert_rank = case(SEVERITY_RANK, value=Alert.severity, else_=0)
    is_open = Alert.status == "open"
    is_acknowledged = Alert.status == "acknowledged"
    return (
        select(
            Alert.patient_id.label("patient_id"),
            func.max(case((is_open, alert_rank), else_=0)).label("rank"),
            func.min(case((is_open, Alert.raised_at), else_=None)).label("since"),
            func.sum(case((is_open, 1), else_=0)).label("open"),
            func.sum(case((is_open & Alert.team_seen_at.is_(None), 1), else_=0)).label("unseen"),
            func.sum(case((is_acknowledged, 1), else_=0)).label("acknowledged"),
            func.max(case((is_acknowledged, alert_rank), else_=0)).label("handled_rank"),
        )
        .where(Alert.status.in_(("open", "acknowledged")), Alert.patient_id.in_(candidates))
        .group_by(Alert.patient_id)
        .subquery("open_alerts")
    )


# ---- what each row shows --------------------------------------------------------------------


def _last_readings(patient_ids: list[int]) -> dict[int, LastReading]:
    if not patient_ids:
        return {}
    newest = (
        select(Observation.patient_id, func.max(Observation.effective_at).label("at"))
        .where(Observation.patient_id.in_(patient_ids))
        .group_by(Observation.patient_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Observation)
        .join(
            newest,
            (Observation.patient_id == newest.c.patient_id)
            & (Observation.effective_at == newest.c.at),
        )
        .order_by(Observation.patient_id, Observation.id.desc())
    ).scalars()
    found: dict[int, LastReading] = {}
    for o in rows:
        found.setdefault(
            o.patient_id, LastReading(o.code, o.value, o.unit, o.value_qualifier, o.effective_at)
        )
    return found


def _programmes(patient_ids: list[int], today: date) -> dict[int, list[ProgrammeState]]:
    """The active enrolments of these patients with their pause and next due day."""
    if not patient_ids:
        return {}
    enrolments = db.session.execute(
        select(Enrollment, AnticoagulationPlan.next_test_due)
        .outerjoin(AnticoagulationPlan, AnticoagulationPlan.enrollment_id == Enrollment.id)
        .where(Enrollment.patient_id.in_(patient_ids), Enrollment.status == "active")
        .order_by(Enrollment.patient_id, Enrollment.programme)
    ).all()
    last_measured = _last_measured(
        (e.patient_id, code)
        for e, _ in enrolments
        if e.programme == "copd"
        for code in schedule.schedule_from(e.schedule).expected_codes
    )
    states: dict[int, list[ProgrammeState]] = {}
    for enrollment, next_test_due in enrolments:
        paused = monitoring.is_paused(enrollment.paused_from, enrollment.paused_until, today)
        if enrollment.programme == "copd":
            plan = schedule.schedule_from(enrollment.schedule)
            measured = [
                last_measured[(enrollment.patient_id, c)]
                for c in plan.expected_codes
                if (enrollment.patient_id, c) in last_measured
            ]
            due = monitoring.next_measurement_due(
                plan.interval_days,
                monitoring.counting_from(
                    enrollment.enrolled_at,
                    monitoring.ended_pause_until(
                        enrollment.paused_from, enrollment.paused_until, today
                    ),
                    restarted_at=enrollment.monitoring_restarted_at,
                ),
                max(measured) if measured else None,
            )
        elif enrollment.programme == "anticoagulation":
            due = next_test_due
        else:
            due = None
        states.setdefault(enrollment.patient_id, []).append(
            ProgrammeState(
                enrollment_id=enrollment.id,
                programme=enrollment.programme,
                care_team_id=enrollment.care_team_id,
                paused=paused,
                paused_from=enrollment.paused_from,
                paused_until=enrollment.paused_until,
                pause_reason=enrollment.pause_reason,
                next_due=_after_pause(due, enrollment, today),
            )
        )
    return states


def _after_pause(due: date | None, enrollment: Enrollment, today: date) -> date | None:
    """The due day moved past a pause under way or to come."""
    if enrollment.paused_until is not None and enrollment.paused_until < today:
        return due  # the pause is over
    return monitoring.due_after_pause(due, enrollment.paused_from, enrollment.paused_until)


def _last_measured(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], datetime]:
    wanted = set(keys)
    if not wanted:
        return {}
    patients = {p for p, _ in wanted}
    codes = {c for _, c in wanted}
    rows = db.session.execute(
        select(Observation.patient_id, Observation.code, func.max(Observation.effective_at))
        .where(Observation.patient_id.in_(patients), Observation.code.in_(codes))
        .group_by(Observation.patient_id, Observation.code)
    ).all()
    return {(p, c): at for p, c, at in rows}


def _earliest(days: Iterable[date | None]) -> date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None
