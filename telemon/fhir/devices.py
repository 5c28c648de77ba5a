"""Keeping the devices an upload names: the same identifier is the same device, however many
uploads race to store it (INSERT ... ON CONFLICT DO NOTHING on the unique identifier); and
their DeviceMetrics, one per device and type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from telemon import clock
from telemon.extensions import db
from telemon.fhir.mapping import DeviceSpec, MetricSpec
from telemon.models import Device, DeviceMetric


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


def keep_metric(spec: MetricSpec, device_id: int) -> tuple[int, bool]:
    """The id of the device's metric of this type, stored or (when described before) brought
    up to date with this description; and whether it was new. Runs in the caller's
    transaction; a concurrent first store of the same metric raises IntegrityError, which the
    caller settles by trying again (as for readings)."""
    now = clock.now()
    resource = {**spec.resource, "source": {"reference": f"Device/{device_id}"}}
    found = db.session.scalar(
        select(DeviceMetric).where(
            DeviceMetric.device_id == device_id,
            DeviceMetric.type_system == spec.type_system,
            DeviceMetric.type_code == spec.type_code,
        )
    )
    if found is not None:
        if found.resource != resource:
            found.resource = resource
            found.category = spec.category
            found.operational_status = spec.operational_status
            found.updated_at = now
            db.session.flush()
        return found.id, False
    metric = DeviceMetric(
        device_id=device_id,
        type_system=spec.type_system,
        type_code=spec.type_code,
        category=spec.category,
        operational_status=spec.operational_status,
        resource=resource,
        created_at=now,
        updated_at=now,
    )
    db.session.add(metric)
    db.session.flush()
    return metric.id, True
