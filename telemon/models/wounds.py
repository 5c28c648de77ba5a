"""Wound records: wounds, their assessments and photos, and specialist review requests."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import UTCDateTime

WOUND_TYPES = (
    "venous_leg_ulcer",
    "diabetic_foot_ulcer",
    "pressure_ulcer",
    "surgical",
    "other",
)
WOUND_STATUSES = ("open", "healed")
REVIEW_URGENCIES = ("urgent", "routine")
REVIEW_STATUSES = ("open", "answered", "closed")


class Wound(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # The patient's wound enrolment when the record was opened: its care team (the wound
    # clinic) receives the review requests and wound alerts.
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    body_site: Mapped[str] = mapped_column(String(200))
    wound_type: Mapped[str] = mapped_column(String(30))
    onset_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    enrollment: Mapped[Any] = relationship("Enrollment")
    assessments: Mapped[list[WoundAssessment]] = relationship(
        back_populates="wound",
        order_by="(WoundAssessment.assessed_at.desc(), WoundAssessment.id.desc())",
    )

    @property
    def care_team_id(self) -> int:
        """The wound clinic: the wound enrolment's care team."""
        return int(self.enrollment.care_team_id)


class WoundAssessment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    wound_id: Mapped[int] = mapped_column(ForeignKey("wound.id"), index=True)
    # The app's id for this upload: a retry with the same id and content stores nothing new.
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assessed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    length_cm: Mapped[float] = mapped_column(Float)
    width_cm: Mapped[float] = mapped_column(Float)
    depth_cm: Mapped[float | None] = mapped_column(Float)
    area_cm2: Mapped[float] = mapped_column(Float)
    # True when area_cm2 is the ellipse estimate (length × width × π/4), not a measured area.
    area_estimated: Mapped[bool] = mapped_column(Boolean)
    tissue: Mapped[str | None] = mapped_column(String(20))
    exudate: Mapped[str | None] = mapped_column(String(20))
    odour: Mapped[str | None] = mapped_column(String(20))
    pain: Mapped[int | None] = mapped_column(Integer)
    periwound: Mapped[str | None] = mapped_column(String(200))
    infection_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    # PUSH 3.0 (0-17); empty when exudate or tissue was not recorded.
    push_score: Mapped[int | None] = mapped_column(Integer)

    wound: Mapped[Wound] = relationship(back_populates="assessments")
    photos: Mapped[list[Photo]] = relationship(back_populates="assessment", order_by="Photo.id")


class Photo(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("wound_assessment.id"), index=True)
    # Random keys (uuid4 hex) in the photo store: never patient data, never guessable.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    thumbnail_key: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    assessment: Mapped[WoundAssessment] = relationship(back_populates="photos")


class ReviewRequest(db.Model):
    """A nurse's question to the wound clinic, and the clinic's answer.

    Every step is time-stamped (requested, first seen, answered, acknowledged, escalated) so
    that the time to answer can be reported per clinic and urgency.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    wound_id: Mapped[int] = mapped_column(ForeignKey("wound.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    # The wound clinic whose work list it is in.
    care_team_id: Mapped[int] = mapped_column(ForeignKey("care_team.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("wound_assessment.id"))
    question: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    instructions: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    wound: Mapped[Wound] = relationship()
    care_team: Mapped[Any] = relationship("CareTeam")

    __table_args__ = (
        # The clinic's work list and the overdue check: open requests by due time.
        Index("ix_review_request_queue", "status", "due_at"),
    )
