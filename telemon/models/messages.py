"""Messages about a patient: one thread per patient between the patient (and the home nurses and
GPs the enrolment is shared with) and the responsible care team (telemon.messages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import UTCDateTime

MESSAGE_MAX_LENGTH = 4000
MESSAGE_SOURCES = ("telemon", "carecommunication")


class Message(db.Model):
    """One message of a patient's thread.

    A message from the patient or from someone outside the responsible care team is work for
    that team (`work_status` open, `due_at` in its working hours) until a member answers it or
    marks it handled. A message the team writes is no work; its readers are the patient
    (`read_by_patient_at`) and, when it answers someone of another organisation (a home
    nurse), that organisation (`to_organisation_id`, `read_by_organisation_at`).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # The enrolment whose responsible care team the thread is with (the team when sent).
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    care_team_id: Mapped[int] = mapped_column(ForeignKey("care_team.id"), index=True)
    # Idempotency: a client's id, unique per sending user (received ones: external_id).
    client_id: Mapped[str] = mapped_column(String(64))
    # The sending user; None for a message received from another system (CareCommunication).
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sender_role: Mapped[str] = mapped_column(String(20))
    sender_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # Who sent a received message, as it named itself (author and organisation, no CPR).
    sender_display: Mapped[str | None] = mapped_column(String(200))
    from_team: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    to_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_by_team_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by_patient_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by_organisation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    work_status: Mapped[str] = mapped_column(String(10), default="none")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Where it came from: typed in telemon, or a MedCom CareCommunication received.
    source: Mapped[str] = mapped_column(String(20), default="telemon")
    # A received message's MessageHeader id: the same message delivered twice is stored once.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)

    sender: Mapped[Any] = relationship("User", foreign_keys=[sender_id])
    care_team: Mapped[Any] = relationship("CareTeam")

    __table_args__ = (
        UniqueConstraint("sender_id", "client_id", name="uq_message_sender_client"),
        # The thread, newest first; the team's queue: open messages by due time.
        Index("ix_message_thread", "patient_id", "sent_at", "id"),
        Index("ix_message_work", "work_status", "due_at"),
    )
