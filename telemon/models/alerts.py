"""Alerts raised by evaluation, and what happened to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime
from telemon.vocabulary import SEVERITY_RANK, AlertStatus, Severity

# The values, for validators and menus (telemon.vocabulary names them).
ALERT_STATUSES: tuple[str, ...] = tuple(AlertStatus)
SEVERITIES: tuple[str, ...] = tuple(Severity)

alert_observation = Table(
    "alert_observation",
    db.metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True),
    Column("observation_id", BigId, ForeignKey("observation.id"), primary_key=True, index=True),
)


# The severity rank (telemon.vocabulary.SEVERITY_RANK) as SQL, as telemon.alerts.queries
# writes it in the list's ORDER BY: the expression of ix_alert_list_order.
SEVERITY_RANK_SQL = (
    "(CASE severity "
    + " ".join(f"WHEN '{severity}' THEN {rank}" for severity, rank in SEVERITY_RANK.items())
    + " ELSE 0 END)"
)


class Alert(db.Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    # The care team responsible when the alert was raised: where it is routed.
    care_team_id: Mapped[int] = mapped_column(ForeignKey("care_team.id"), index=True)
    # The rule of the worst reason (its headline); the other rules' are in `reasons`.
    rule: Mapped[str] = mapped_column(String(60))
    # What the finding is about: a measurement code ("spo2"), or "missing", "inr.missed_test",
    # "inr.poor_control", "wound.<id>" (telemon.alerts.joining.measurement_of).
    measurement: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), default=AlertStatus.OPEN)
    # Why it was raised, as data: [{"code", "params", "severity"}], worst first, each code once
    # (telemon.clinical_text.reason_text writes them in the reader's language; they hold values:
    # never mailed or logged).
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it reached its present severity, if later than raised_at (a yellow alert turned red):
    # escalation counts from here, so an old yellow alert turning red is not escalated at once.
    severity_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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

    @property
    def reason_code(self) -> str:
        """The headline reason's code: the worst of what was found."""
        return str(self.reasons[0]["code"]) if self.reasons else "text"

    @property
    def reason_params(self) -> dict[str, Any]:
        return dict(self.reasons[0]["params"]) if self.reasons else {"text": ""}

    __table_args__ = (
        # One reading, one finding: one unresolved alert per patient, programme and measurement;
        # what other rules find about it, and new readings, join that alert.
        Index(
            "uq_alert_unresolved_measurement",
            "patient_id",
            "programme",
            "measurement",
            unique=True,
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        # The work list: unresolved alerts by severity and age.
        Index(
            "ix_alert_queue",
            "status",
            "severity",
            "raised_at",
        ),
        # GET /api/v1/alerts: the list's own order (telemon.alerts.queries.SORT_COLUMNS: the
        # severity rank, then oldest, then id) over the unresolved alerts, so that a page is
        # read off the index rather than sorted out of every open alert (migration 0010).
        Index(
            "ix_alert_list_order",
            text(SEVERITY_RANK_SQL + " DESC"),
            "raised_at",
            "id",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
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
    # What telemon did by itself, as data for telemon.clinical_text.event_text: {"count": 2},
    # {"minutes": 30}, {"reason": {...}}, {"because": "dose_decided", ...}. None for the rest.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What a person wrote, shown as written.
    note: Mapped[str | None] = mapped_column(Text)

    alert: Mapped[Alert] = relationship(back_populates="events")
