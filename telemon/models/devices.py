"""Measuring devices (pulse oximeters, blood-pressure monitors, scales, gateways) as FHIR uploads
name them. Readings that came with a device link to it; the JSON API's free-text `device` stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from telemon.extensions import db
from telemon.models.types import UTCDateTime


class Device(db.Model):
    """One physical device, known by its identifier (system + value: an IEEE EUI-64 system id,
    say). The same device sent again is the same row: the unique constraint settles races."""

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_system: Mapped[str] = mapped_column(String(200))
    identifier_value: Mapped[str] = mapped_column(String(200))
    # The device type as a coding (e.g. MDC 65573 "personal health device", 531981 "gateway").
    type_system: Mapped[str | None] = mapped_column(String(200))
    type_code: Mapped[str | None] = mapped_column(String(64))
    type_text: Mapped[str | None] = mapped_column(String(200))
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("identifier_system", "identifier_value", name="uq_device_identifier"),
    )
