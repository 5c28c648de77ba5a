"""What FHIR uploads bring beside telemon's readings, kept as they were sent: Observations that
are no reading to evaluate (a measurement telemon does not monitor, a value the device could
not give, a preliminary result)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime


class KeptObservation(db.Model):
    """A clinical Observation kept as sent, shown on the patient's page and read back over
    FHIR (Observation/kept-{id}), never evaluated. Stored once per client_id, as readings are
    (the same identity derived from the upload), content_hash telling a retry from a
    conflicting re-use."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    # The telemon code, where it is a monitored measurement that is no result to act on.
    code: Mapped[str | None] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    # Why a monitored measurement is not evaluated ("absent:not-a-number", the
    # dataAbsentReason; "status:preliminary"); None for a measurement telemon does not monitor.
    reason: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    value_text: Mapped[str | None] = mapped_column(String(200))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    effective_offset_minutes: Mapped[int] = mapped_column(Integer)
    # The Observation as sent (extensions removed), for reading back with its own codings.
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_kept_observation_patient_time", "patient_id", "effective_at"),)


class DeviceMetric(db.Model):
    """What a device measures and how it stands (PHD's DeviceMetric): its type (an MDC code),
    unit, category, operational status and calibrations, kept for a clinician judging its
    readings. One per device and type: a later upload's description replaces the earlier."""

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    type_system: Mapped[str] = mapped_column(String(200))
    type_code: Mapped[str] = mapped_column(String(64))
    operational_status: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    # The DeviceMetric as sent (extensions removed; source made Device/{id}).
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("device_id", "type_system", "type_code", name="uq_device_metric_type"),
    )


class ReadingSource(db.Model):
    """How a reading stored from FHIR was sent, to read it back as sent: the sender's
    identifiers, codings and categories, and whether it named a performer. Keyed by the
    reading's client_id (Observation.client_id), written in the reading's own transaction."""

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # {"identifier": [...], "code": {...}, "category": [...], "performer_given": bool}
    sent: Mapped[dict[str, Any]] = mapped_column(JSON)


class KeptResource(db.Model):
    """Another resource an upload brings beside its readings, kept as sent (FUT's Provenance;
    a QuestionnaireResponse until the questionnaire path takes it; a Media until the photo
    pipeline does), once per client_id, linked to the upload's patient where there is one."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    resource_type: Mapped[str] = mapped_column(String(40))
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
