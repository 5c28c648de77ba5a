"""A hospital stay as its notifications say it is, replayed from all of them.

Messages of one stay (one episode of care) may arrive late, twice, or be cancelled or
corrected by later ones. Rather than patch the stay message by message, telemon keeps every
notification and replays the stay's from the start each time one arrives: a cancellation
(AN_) removes the message it names, a correction (RE_) takes its place, and what remains, in
the order received, says where the patient is. The same messages give the same stay whatever
the order of cancellations and corrections.

Plain values in, plain values out: no framework, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from telemon.medcom.hospitalnotification import ADMISSIONS, Action, Event, Notification


class Status(StrEnum):
    """Where the patient is in the stay."""

    ADMITTED = "admitted"  # in hospital (also back from leave)
    ON_LEAVE = "on_leave"  # at home on leave, still admitted
    DISCHARGED = "discharged"
    DIED = "died"
    CANCELLED = "cancelled"  # every message of the stay was cancelled: there was no stay


@dataclass(frozen=True)
class Stay:
    status: Status
    department: str | None
    department_sor: str | None
    admitted_at: datetime | None
    ended_at: datetime | None  # discharged or died
    leave_since: datetime | None  # while on leave
    # Leaves taken, each (start, end or None while under way): the patient was at home.
    leaves: tuple[tuple[datetime, datetime | None], ...]

    @property
    def in_hospital(self) -> bool:
        """The stay is under way: admitted or on leave (monitoring stays paused)."""
        return self.status in (Status.ADMITTED, Status.ON_LEAVE)


def effective(notifications: Iterable[Notification]) -> list[Notification]:
    """The stay's notifications that still stand, in the order received: each cancellation
    removes the message it names, each correction replaces it (keeping its place); cancelling a
    correction undoes the correction and the corrected message alike (MedCom corrects by
    replacing, so the corrected message no longer stands on its own).

    A cancellation or correction naming a message that was not received here (telemon joined
    mid-stay, or a sender's test fixtures whose ids do not link) concerns the latest standing
    message of the same event (an admission: STIN or STAA); with none, it changes nothing."""
    standing: dict[str, Notification] = {}
    replaced_by: dict[str, str] = {}  # a correction's id -> the message id it replaced
    for note in notifications:
        if note.action == Action.NEW:
            standing.setdefault(note.message_id, note)
            continue
        target: str | None = note.refers_to or ""
        target = replaced_by.get(target or "", target)
        if target not in standing:
            target = _latest_of_event(standing, note.event)
        if target is None:
            continue
        if note.action == Action.CANCEL:
            del standing[target]
        else:
            standing[target] = replace(note, action=Action.NEW, message_id=target)
            replaced_by[note.message_id] = target
    return list(standing.values())


def _latest_of_event(standing: dict[str, Notification], event: Event) -> str | None:
    kinds = ADMISSIONS if event in ADMISSIONS else (event,)
    found = [message_id for message_id, n in standing.items() if n.event in kinds]
    return found[-1] if found else None


def replay(notifications: Iterable[Notification]) -> Stay:
    """The stay the standing notifications describe (see `effective`).

    The admission time is the admission message's (STIN/STAA) Encounter start, else the
    earliest standing message's; the department the latest standing message's serviceProvider.
    The latest standing event (by when it happened) says where the patient is: admitted after
    an admission or a leave's end, on leave after a leave's start, discharged, or died. A
    death is final: later messages of the stay do not bring the patient back. Nothing
    standing: cancelled.
    """
    # In the order things happened, not the order received: a discharge delivered before the
    # admission (a broker's retry) still ends the stay.
    notes = sorted(effective(notifications), key=_moment)
    if not notes:
        return Stay(Status.CANCELLED, None, None, None, None, None, ())
    admissions = [n for n in notes if n.event in ADMISSIONS]
    admitted_at = admissions[-1].started_at if admissions else min(n.started_at for n in notes)
    status = Status.ADMITTED
    ended_at: datetime | None = None
    leaves: list[tuple[datetime, datetime | None]] = []
    for note in notes:
        if status == Status.DIED:
            break
        if note.event == Event.LEAVE_START and note.leave_start is not None:
            status = Status.ON_LEAVE
            leaves.append((note.leave_start, note.leave_end))
        elif note.event == Event.LEAVE_END:
            status = Status.ADMITTED
            start = note.leave_start or (leaves[-1][0] if leaves else None)
            end = note.leave_end or note.occurred_at
            if start is not None:
                if leaves and leaves[-1][0] == start:
                    leaves[-1] = (start, end)
                else:
                    leaves.append((start, end))
        elif note.event == Event.DISCHARGED:
            status, ended_at = Status.DISCHARGED, note.ended_at
        elif note.event == Event.DIED:
            status, ended_at = Status.DIED, note.ended_at
        else:  # an admission (again): in hospital
            status, ended_at = Status.ADMITTED, None
    latest = notes[-1]
    return Stay(
        status=status,
        department=latest.department,
        department_sor=latest.department_sor,
        admitted_at=admitted_at,
        ended_at=ended_at,
        leave_since=leaves[-1][0] if status == Status.ON_LEAVE and leaves else None,
        leaves=tuple(leaves),
    )


def in_hospital_at(stay: Stay, moment: datetime) -> bool:
    """Whether the patient was in hospital at this moment of the stay: from the admission until
    the discharge or death (excluded; open while under way), outside the leaves (a leave's
    start included, its end excluded). A cancelled stay never was."""
    if stay.admitted_at is None or stay.status == Status.CANCELLED:
        return False
    if moment < stay.admitted_at or (stay.ended_at is not None and moment >= stay.ended_at):
        return False
    return not any(start <= moment and (end is None or moment < end) for start, end in stay.leaves)


def _moment(note: Notification) -> datetime:
    """When the notification's event happened."""
    if note.event == Event.LEAVE_START and note.leave_start is not None:
        return note.leave_start
    if note.event == Event.LEAVE_END:
        return note.leave_end or note.occurred_at or note.started_at
    if note.event in (Event.DISCHARGED, Event.DIED) and note.ended_at is not None:
        return note.ended_at
    return note.started_at
