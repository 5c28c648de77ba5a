"""Alerts raised by evaluation, and what happened to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime

ALERT_STATUSES = ("open", "acknowledged", "resolved")
SEVERITIES = ("red", "yellow", "blue")

alert_observation = Table(
    "alert_observation",
    db.metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True),
    Column("observation_id", BigId, ForeignKey("observation.id"), primary_key=True, index=True),
)


class Alert(db.Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    # The care team responsible when the alert was raised: where it is routed.
    care_team_id: Mapped[int] = mapped_column(ForeignKey("care_team.id"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), default="open")
    # Why the rule fired, in words a clinician reads (holds values: never mailed or logged).
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first time a member of the responsible care team opened it: "the hospital has seen
    # it", even when a home nurse looked first.
    team_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    visible_to_patient: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    care_team = relationship("CareTeam")
    observations = relationship(
        "Observation", secondary=alert_observation, order_by="Observation.effective_at"
    )
    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", order_by="AlertEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # One unresolved alert per patient, programme and rule: new readings attach to it.
        Index(
            "uq_alert_unresolved_rule",
            "patient_id",
            "programme",
            "rule",
            unique=True,
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        # The queue: unresolved alerts by severity and age.
        Index(
            "ix_alert_queue",
            "status",
            "severity",
            "raised_at",
        ),
    )


class AlertEvent(db.Model):
    """The alert's timeline: raised, reading attached, severity raised, seen, acknowledged,
    escalated, resolved. `by_id` is empty for what telemon did by itself."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    severity: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)

    alert: Mapped[Alert] = relationship(back_populates="events")
