"""Keeping the devices an upload names: the same identifier is the same device, however many
uploads race to store it (INSERT ... ON CONFLICT DO NOTHING on the unique identifier)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from telemon import clock
from telemon.extensions import db
from telemon.fhir.mapping import DeviceSpec
from telemon.models import Device


def keep(spec: DeviceSpec) -> tuple[int, bool]:
    """The id of the device with this identifier, storing it first if it is new; and whether it
    was new. Runs in the caller's transaction; never raises for a concurrent insert. A device
    already kept (every upload after its first) costs one SELECT."""
    existing = _find(spec)
    if existing is not None:
        return existing, False
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = db.session.scalar(
        insert(Device)
        .values(
            identifier_system=spec.identifier_system,
            identifier_value=spec.identifier_value,
            type_system=spec.type_system,
            type_code=spec.type_code,
            type_text=spec.type_text,
            manufacturer=spec.manufacturer,
            model=spec.model,
            serial_number=spec.serial_number,
            created_at=clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["identifier_system", "identifier_value"])
        .returning(Device.id)
    )
    if created is not None:
        return created, True
    raced = _find(spec)  # a concurrent upload stored it first
    assert raced is not None
    return raced, False


def _find(spec: DeviceSpec) -> int | None:
    return db.session.scalar(
        select(Device.id).where(
            Device.identifier_system == spec.identifier_system,
            Device.identifier_value == spec.identifier_value,
        )
    )
