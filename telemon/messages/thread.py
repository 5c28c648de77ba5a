"""The rules of a patient's message thread, on plain values (PURE: no Flask, no database).

- A body is 1-4,000 characters once surrounding white space is cut.
- A message from a member of the responsible care team is no work; any other (the patient,
  a home nurse, a GP, a received CareCommunication) is open work for the team until a member
  answers it or marks it handled.
- A team message answers the message it replies to; without `reply_to`, the patient's own
  open messages (the team writing into the thread answers her).
- A team message replying to someone of another organisation (a home nurse) is addressed to
  that organisation too: its users see it among their unread answers.
- Who reads what: the team reads messages to it, the patient the team's messages, the
  addressed organisation the team's answers to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from telemon.vocabulary import MessageWork

MAX_LENGTH = 4000


def clean_body(text: str) -> str:
    """The body as stored; ValueError when it is empty or longer than MAX_LENGTH."""
    body = text.strip()
    if not body:
        raise ValueError("A message needs some text.")
    if len(body) > MAX_LENGTH:
        raise ValueError(f"A message holds at most {MAX_LENGTH} characters.")
    return body


def work_for(sender_in_team: bool) -> MessageWork:
    """A new message's work status: open for the team, unless a member wrote it."""
    return MessageWork.NONE if sender_in_team else MessageWork.OPEN


@dataclass(frozen=True)
class Sent:
    """What the rules need of a message already in the thread."""

    id: int
    from_team: bool
    sender_is_patient: bool
    sender_organisation_id: int | None
    work_status: str


def answered_by(reply_to: Sent | None, thread_open: list[Sent]) -> list[int]:
    """The ids of the open messages a new team message answers."""
    if reply_to is not None:
        return [reply_to.id] if reply_to.work_status == MessageWork.OPEN else []
    return [m.id for m in thread_open if m.work_status == MessageWork.OPEN and m.sender_is_patient]


def addressed_to(reply_to: Sent | None, team_organisation_id: int) -> int | None:
    """The organisation a team message is addressed to: the replied-to sender's, when that is
    another organisation than the team's (a home nurse's municipality, a GP's practice)."""
    if reply_to is None or reply_to.from_team or reply_to.sender_is_patient:
        return None
    if reply_to.sender_organisation_id == team_organisation_id:
        return None
    return reply_to.sender_organisation_id


@dataclass(frozen=True)
class Reader:
    is_patient: bool
    in_team: bool
    organisation_id: int | None


def read_mark(reader: Reader, from_team: bool, to_organisation_id: int | None) -> str | None:
    """Which of the message's read times this reader sets (None: the reader is no addressee)."""
    if reader.in_team:
        return None if from_team else "read_by_team_at"
    if not from_team:
        return None
    if reader.is_patient:
        return "read_by_patient_at"
    if reader.organisation_id is not None and reader.organisation_id == to_organisation_id:
        return "read_by_organisation_at"
    return None
