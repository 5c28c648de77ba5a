"""Observations (measurements) and the batches they arrived in."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime


class IngestBatch(db.Model):
    """One accepted upload. `evaluated_at` stays empty until a worker has evaluated it, so that a
    batch accepted while Redis or the worker was down is found and handed over by the sweep."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index(
            "ix_ingest_batch_pending",
            "received_at",
            sqlite_where=text("evaluated_at IS NULL"),
            postgresql_where=text("evaluated_at IS NULL"),
        ),
    )


class Observation(db.Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The sender's idempotency key: the same client_id is stored once, whatever the retries.
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    # SHA-256 over the item's content, to tell a harmless retry from a conflicting re-use.
    content_hash: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    code: Mapped[str] = mapped_column(String(40))
    loinc: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    # The device showed "above/below its range"; value then holds the range limit.
    value_qualifier: Mapped[str | None] = mapped_column(String(2))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The offset the sender gave (minutes east of UTC), to show the time as it was taken.
    effective_offset_minutes: Mapped[int] = mapped_column(Integer)
    performer: Mapped[str] = mapped_column(String(10))
    device: Mapped[str | None] = mapped_column(String(200))
    # The device record a FHIR upload named (telemon.fhir); `device` keeps its label as text.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Taken while the patient was in hospital (a MedCom HospitalNotification said so:
    # telemon.admissions); accepted and evaluated like any other, shown as such.
    during_admission: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        # Serves history look-ups for evaluation and the patient's observation list. On
        # PostgreSQL it carries the value too, so that the baseline history is read from the
        # index alone instead of one heap page per reading.
        Index(
            "ix_observation_patient_code_time",
            "patient_id",
            "code",
            "effective_at",
            postgresql_include=["value"],
        ),
        Index("ix_observation_patient_time", "patient_id", "effective_at"),
    )
