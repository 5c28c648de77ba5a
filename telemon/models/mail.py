"""The mail outbox: every message is written here in the transaction that caused it, then sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime


class OutgoingMail(db.Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # One message per event ("alert:17:red", "digest:3:2026-11-22"): never mailed twice.
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    care_team_id: Mapped[int | None] = mapped_column(ForeignKey("care_team.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The retry chain's schedule: when the next delivery attempt is due. A task that arrives
    # before it belongs to no chain and stops; the sweep hands over only mail long overdue.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender's claim, taken in a short transaction of its own before talking to SMTP and
    # cleared when the outcome is recorded. A claim found expired and never cleared means an
    # attempt whose outcome is unknown (the process or the database went away meanwhile).
    claim_id: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_outgoing_mail_unsent",
            "created_at",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )
