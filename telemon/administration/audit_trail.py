"""The audit trail viewer's queries: who read or changed a patient's data, what a user did.

What a data-protection officer needs when a patient asks who has looked at her record: every
access (allowed or refused) with who, role, organisation, when, what, from where, and for
changes what changed. The entries name patients by id only; a patient is looked up by her CPR
number without showing anything of her record.

Who may ask: telemon.access.may_read_patient_audit / may_read_user_audit (the registering
organisation's administrators, or a system administrator; for a user, her organisation's).
Reading a patient's trail is itself recorded in it ("audit.read").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select

from telemon import access, audit
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.http import paging
from telemon.models import AuditEvent, Organisation, Patient, User
from telemon.patients.cpr import normalise_cpr
from telemon.transactions import use_case

# Newest first: the id grows with time. A cursor holds one id.
CURSOR_SHAPE = (int,)


@dataclass(frozen=True)
class TrailEntry:
    event: AuditEvent
    organisation_name: str | None

    def __getattr__(self, name: str) -> object:
        return getattr(self.event, name)


@dataclass(frozen=True)
class Period:
    since: datetime | None = None
    until: datetime | None = None
    action: str | None = None  # an action, or its family: "patient" matches "patient.read"


def find_patient(actor: User, cpr: str) -> int:
    """The id of the patient with this CPR number, if the actor may read her trail; else 404
    (unknown and not yours look the same)."""
    try:
        digits = normalise_cpr(cpr)
    except ValueError:
        raise NotFound("No such patient, or not one whose trail you may read.") from None
    patient = db.session.scalar(select(Patient).where(Patient.cpr == digits))
    if patient is None or not access.may_read_patient_audit(actor, patient):
        raise NotFound("No such patient, or not one whose trail you may read.")
    return patient.id


@use_case
def patient_trail(
    actor: User, patient_id: int, period: Period, limit: int = 100, after: paging.Key | None = None
) -> paging.Page[TrailEntry]:
    """Every access to the patient's data, newest first; this read is recorded in it (a read
    use case: the API and the console's page alike)."""
    patient = db.session.get(Patient, patient_id)
    if patient is None or not access.may_read_patient_audit(actor, patient):
        raise NotFound("No such patient, or not one whose trail you may read.")
    page = _page(
        select(AuditEvent).where(AuditEvent.patient_id == patient_id), period, limit, after
    )
    audit.record(actor, patient_id, "audit.read", "audit_trail")
    return page


def user_trail(
    actor: User, user_id: int, period: Period, limit: int = 100, after: paging.Key | None = None
) -> paging.Page[TrailEntry]:
    """Everything the user did, newest first."""
    user = db.session.get(User, user_id)
    if user is None or not access.may_read_user_audit(actor, user):
        raise NotFound("No such user, or not one whose trail you may read.")
    return _page(select(AuditEvent).where(AuditEvent.user_id == user_id), period, limit, after)


def _page(
    query: Select[tuple[AuditEvent]], period: Period, limit: int, after: paging.Key | None
) -> paging.Page[TrailEntry]:
    if period.since is not None:
        query = query.where(AuditEvent.at >= period.since)
    if period.until is not None:
        query = query.where(AuditEvent.at < period.until)
    if period.action:
        query = query.where(
            (AuditEvent.action == period.action)
            | AuditEvent.action.startswith(period.action.rstrip(".") + ".", autoescape=True)
        )
    query = query.order_by(*paging.order(AuditEvent.id))
    if after is not None:
        query = query.where(paging.after(after, AuditEvent.id))
    events = list(db.session.scalars(query.limit(limit + 1)))
    wanted = {e.organisation_id for e in events if e.organisation_id is not None}
    names = {
        oid: name
        for oid, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
        )
    }
    entries = [TrailEntry(e, names.get(e.organisation_id or -1)) for e in events]
    return paging.page(entries, limit, lambda entry: (entry.event.id,))


@dataclass(frozen=True)
class TrailRow:
    """One row of the viewer: an entry, and how many like it it stands for (the same user,
    action, patient, outcome and address, nothing changed, within REPEAT_WINDOW of each other:
    a patient page opened three times a minute is one row per action, "3 times")."""

    entry: TrailEntry
    times: int = 1
    earliest: datetime | None = None  # the first of the repeats (entries are newest first)


# Repeats further apart than this are rows of their own: a read in the morning and one in the
# afternoon are two visits, not one.
REPEAT_WINDOW = timedelta(minutes=10)


def collapse_repeats(entries: list[TrailEntry]) -> list[TrailRow]:
    """Repeated reads as one row each, in the entries' order (newest first): an entry joins the
    row of the newest like it when it is within REPEAT_WINDOW of that row's earliest. Entries
    with changes are never collapsed: each change is its own row."""
    rows: list[TrailRow] = []
    open_rows: dict[tuple[object, ...], int] = {}
    for entry in entries:
        event = entry.event
        key = (event.user_id, event.action, event.patient_id, event.outcome, event.client_address)
        index = open_rows.get(key)
        if not event.changes and index is not None:
            row = rows[index]
            if row.earliest is not None and row.earliest - event.at <= REPEAT_WINDOW:
                rows[index] = TrailRow(row.entry, row.times + 1, event.at)
                continue
        rows.append(TrailRow(entry, 1, event.at))
        if not event.changes:
            open_rows[key] = len(rows) - 1
    return rows
