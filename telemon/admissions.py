"""Readings taken while the patient was in hospital: marked, not refused.

A MedCom HospitalNotification tells telemon of a patient's hospital stay (telemon.medcom). A
reading that arrives for a time inside the stay -- from the admission until the discharge or
death, leaves at home excepted -- is stored, evaluated and shown like any other, and marked
`Observation.during_admission`, so that the care team reads it as a hospital-time value (the
device may have gone along to the ward). The mark follows the stay as it is now told: the
ingest path marks new readings (`mark`), and every notification that moves the stay's times
marks the patient's readings again.

Here too what the pages show of a stay (current_stays: "Indlagt på <afdeling> siden <tid>")
and the home nurse's work item after a discharge (open_follow_ups, follow_up_done), so that
the patient and home-nurse pages below telemon.medcom can read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update

from telemon import access, clock
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.models import DischargeFollowUp, HospitalStay, Observation, User
from telemon.transactions import use_case
from telemon.vocabulary import Role

# Stays that never were (every message cancelled) mark nothing.
_NO_STAY = "cancelled"


def in_hospital(
    admitted_at: datetime | None,
    ended_at: datetime | None,
    leaves: Iterable[tuple[datetime, datetime | None]],
) -> list[tuple[datetime, datetime | None]]:
    """The periods of a stay spent in hospital: [admitted_at, ended_at) (open while under way)
    without the leaves, each [start, end); None for an open end. No admission time: none."""
    if admitted_at is None:
        return []
    periods: list[tuple[datetime, datetime | None]] = [(admitted_at, ended_at)]
    for leave_start, leave_end in sorted(leaves, key=lambda leave: leave[0]):
        cut: list[tuple[datetime, datetime | None]] = []
        for start, end in periods:
            before_leave_end = leave_end is None or start < leave_end
            after_leave_start = end is None or end > leave_start
            if not (before_leave_end and after_leave_start):
                cut.append((start, end))
                continue
            if start < leave_start:
                cut.append((start, leave_start))
            if leave_end is not None and (end is None or leave_end < end):
                cut.append((leave_end, end))
        periods = cut
    return periods


def leaves_of(stay: HospitalStay) -> list[tuple[datetime, datetime | None]]:
    """The stay's leaves as times (stored as ISO 8601 strings)."""
    return [
        (datetime.fromisoformat(str(start)), datetime.fromisoformat(end) if end else None)
        for start, end in (stay.leaves or [])
        if start
    ]


def mark(patient_ids: Iterable[int], since: datetime | None = None) -> None:
    """Set `during_admission` on the patients' readings taken at or after `since` (all when
    None) from their stays as they are now: one query when none of them has a stay."""
    wanted = sorted(set(patient_ids))
    if not wanted:
        return
    stays = list(
        db.session.scalars(select(HospitalStay).where(HospitalStay.patient_id.in_(wanted)))
    )
    for patient_id in sorted({stay.patient_id for stay in stays}):
        window = [Observation.patient_id == patient_id]
        if since is not None:
            window.append(Observation.effective_at >= since)
        db.session.execute(
            update(Observation)
            .where(*window, Observation.during_admission.is_(True))
            .values(during_admission=False)
        )
        for stay in stays:
            if stay.patient_id != patient_id or stay.status == _NO_STAY:
                continue
            for start, end in in_hospital(stay.admitted_at, stay.ended_at, leaves_of(stay)):
                inside = [Observation.effective_at >= start]
                if end is not None:
                    inside.append(Observation.effective_at < end)
                db.session.execute(
                    update(Observation).where(*window, and_(*inside)).values(during_admission=True)
                )


@dataclass(frozen=True)
class StayNow:
    """A stay under way, as the pages say it: "Indlagt på <afdeling> siden <tid>" (admitted),
    or on leave from it since the leave began."""

    status: str  # admitted | on_leave
    department: str
    since: datetime


def current_stays(patient_ids: Iterable[int]) -> dict[int, StayNow]:
    """The patients' stays under way, by patient (one query; the latest admission when a
    patient has two open). Callers have shown the patients to their user (audited there)."""
    wanted = sorted(set(patient_ids))
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(HospitalStay)
        .where(
            HospitalStay.patient_id.in_(wanted),
            HospitalStay.status.in_(("admitted", "on_leave")),
        )
        .order_by(HospitalStay.admitted_at)
    )
    found: dict[int, StayNow] = {}
    for stay in rows:
        since = stay.leave_since if stay.status == "on_leave" else stay.admitted_at
        if since is not None:
            found[stay.patient_id] = StayNow(stay.status, stay.department or "?", since)
    return found


# ---- the home nurse's follow-up after a discharge -----------------------------------------


def open_follow_ups(user: User) -> list[DischargeFollowUp]:
    """Discharges not yet followed up ("udskrevet: genoptag målinger") of the patients the user
    sees, oldest discharge first. Audited in the caller's use case (each patient shown)."""
    visible = access.visible_patient_ids(user).subquery()
    return list(
        db.session.scalars(
            select(DischargeFollowUp)
            .where(
                DischargeFollowUp.done_at.is_(None),
                DischargeFollowUp.patient_id.in_(select(visible.c.patient_id)),
            )
            .order_by(DischargeFollowUp.discharged_at, DischargeFollowUp.id)
        )
    )


@use_case
def follow_up_done(user: User, follow_up_id: int) -> DischargeFollowUp:
    """Measurements resumed after the discharge: the work item is done, by a nurse who sees the
    patient (a unknown item and one of a patient not hers: 404). Done twice: done once."""
    access.require_role(user, Role.NURSE)
    item = db.session.get(DischargeFollowUp, follow_up_id, with_for_update=True)
    if item is None:
        raise NotFound("No such follow-up.")
    access.patient_for(
        user, item.patient_id, "discharge_follow_up.done", "discharge_follow_up", item.id
    )
    if item.done_at is None:
        item.done_at, item.done_by_id = clock.now(), user.id
    return item
