"""Anticoagulation: the treatment plan of an enrolment, nomogram versions, dose suggestions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime
from telemon.vocabulary import DoseStatus


class AnticoagulationPlan(db.Model):
    """One per anticoagulation enrolment: target range, the weekly dose in force, how managed."""

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True
    )
    target_low: Mapped[float] = mapped_column(Float)
    target_high: Mapped[float] = mapped_column(Float)
    # Changes only when a suggestion is confirmed (or accepted by a self-managing patient).
    weekly_dose_mg: Mapped[float] = mapped_column(Float)
    # The strength of the patient's tablets (mg): the weekly dose is given in whole and half
    # tablets of this strength.
    tablet_strength_mg: Mapped[float] = mapped_column(Float, default=2.5)
    indication: Mapped[str | None] = mapped_column(String(200))
    # Trained and approved to self-dose: may accept a suggestion without a clinician.
    self_managing: Mapped[bool] = mapped_column(Boolean, default=False)
    device: Mapped[str | None] = mapped_column(String(200))
    nomogram_version: Mapped[str] = mapped_column(ForeignKey("nomogram.version"))
    next_test_due: Mapped[date | None] = mapped_column(Date)
    # Overrides of telemon.anticoagulation.inr_rules.InrAlertSettings.
    alert_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What a self-managing patient decides on her own (decision.SelfManagementLimits; the
    # defaults are its defaults): an INR strictly between the two, a change of at most this
    # percent, at most this many doses held. Everything else is the clinic's.
    self_inr_above: Mapped[float] = mapped_column(Float, default=1.5, server_default="1.5")
    self_inr_below: Mapped[float] = mapped_column(Float, default=5.0, server_default="5.0")
    self_max_change_percent: Mapped[float] = mapped_column(
        Float, default=10.0, server_default="10.0"
    )
    self_max_hold_doses: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    enrollment = relationship("Enrollment", backref=db.backref("anticoagulation", uselist=False))


class StoredNomogram(db.Model):
    """A version of the weekly-dose table (telemon.anticoagulation.nomogram's dict form).
    Versions are never changed once stored: suggestions name the version that produced them."""

    __tablename__ = "nomogram"

    version: Mapped[str] = mapped_column(String(60), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The version new plans start on and new suggestions use: the one added last.
    current: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index(
            "uq_nomogram_current",
            "current",
            unique=True,
            sqlite_where=text("current"),
            postgresql_where=text("current"),
        ),
    )


class DoseSuggestion(db.Model):
    """Decision support for one INR: what the nomogram suggests, and what was decided."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # One suggestion per INR reading: evaluating the batch twice suggests nothing twice.
    observation_id: Mapped[int] = mapped_column(BigId, ForeignKey("observation.id"), unique=True)
    nomogram_version: Mapped[str] = mapped_column(ForeignKey("nomogram.version"))
    inr: Mapped[float] = mapped_column(Float)
    tested_on: Mapped[date] = mapped_column(Date)
    previous_weekly_dose_mg: Mapped[float] = mapped_column(Float)
    weekly_dose_mg: Mapped[float] = mapped_column(Float)
    change_percent: Mapped[float] = mapped_column(Float)
    hold_doses: Mapped[int] = mapped_column(Integer)
    contact_clinic: Mapped[bool] = mapped_column(Boolean)
    action: Mapped[str] = mapped_column(String(200))
    next_test_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # pending -> confirmed | overridden | accepted (self-managing patient) | superseded
    status: Mapped[str] = mapped_column(String(12), default=DoseStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_weekly_dose_mg: Mapped[float | None] = mapped_column(Float)
    # Days without tablets the decision put in force (0-7), from decided_held_from: the day
    # of the decision (the clinic's), or of the test (the patient's, as she was told).
    decided_hold_days: Mapped[int | None] = mapped_column(Integer)
    decided_held_from: Mapped[date | None] = mapped_column(Date)
    # The responsible care team the decider decided for (the patient reads it, not a user name).
    decided_care_team_id: Mapped[int | None] = mapped_column(ForeignKey("care_team.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The decider chose to show the note to the patient (her page and her API view).
    note_visible_to_patient: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    __table_args__ = (
        # The clinic's worklist: pending suggestions, oldest first.
        Index("ix_dose_suggestion_status_created", "status", "created_at", "id"),
    )
