"""Reading devices back as FHIR: Device (read, and search by identifier) and DeviceMetric.

A device is shown to those who may see a patient whose readings (evaluated or kept) it took.
A device that took no reading yet carries nothing about a patient: any caller with a token
may find it by its identifier, as a gateway does before it uploads ("mix and match").
Each read is one read use case (telemon.transactions).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select

from telemon import access
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.fhir import resources, search
from telemon.fhir.outcome import FhirError, Issue
from telemon.http import links
from telemon.http.ids import id_from_text
from telemon.models import Device, DeviceMetric, KeptObservation, Observation, User
from telemon.transactions import use_case


def _int_id(rid: str) -> int:
    value = id_from_text(rid)
    if value is None:
        raise NotFound("No such resource.")
    return value


@use_case
def read_device(user: User, rid: str) -> dict[str, Any]:
    found = db.session.get(Device, _int_id(rid))
    if found is None or not visible(user, found.id):
        raise NotFound("No such device, or none of your patients'.")
    return resources.device(found)


@use_case
def read_device_metric(user: User, rid: str) -> dict[str, Any]:
    """A device's metric, for those who may see the device."""
    found = db.session.get(DeviceMetric, _int_id(rid))
    if found is None or not visible(user, found.device_id):
        raise NotFound("No such device metric, or none of your patients' devices'.")
    return resources.device_metric(found)


@use_case
def search_devices(user: User, params: list[tuple[str, str]], url: str) -> dict[str, Any]:
    """Device?identifier=system|value (or value alone): the device, if the caller may see it."""
    token = search.one(params, "identifier")
    if not token:
        raise FhirError(400, [Issue("Search devices by identifier=system|value.")])
    system, bar, value = token.rpartition("|")
    query = select(Device).where(Device.identifier_value == value)
    if bar and system:
        query = query.where(Device.identifier_system == system)
    entries = [
        ("Device", resources.device(d))
        for d in db.session.scalars(query.order_by(Device.id).limit(search.MAX_COUNT))
        if visible(user, d.id)
    ]
    base = links.base_url()
    return resources.searchset(entries, base, f"{url}?identifier={token}", None)


@use_case
def created_device(user: User, device_id: int) -> dict[str, Any]:
    """The device an upload of this caller just kept (POST /fhir/Device's representation)."""
    found = db.session.get(Device, device_id)
    if found is None:
        raise NotFound("No such device.")
    return resources.device(found)


def visible(user: User, device_id: int) -> bool:
    """Whether the user may see the device: it took a reading (evaluated or kept) of a patient
    the user may see, or no reading at all."""
    patients = select(access.visible_patient_ids(user).subquery().c.patient_id)
    readings = exists().where(Observation.device_id == device_id)
    kept = exists().where(KeptObservation.device_id == device_id)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    and_(Observation.device_id == device_id, Observation.patient_id.in_(patients))
                )
                | exists().where(
                    and_(
                        KeptObservation.device_id == device_id,
                        KeptObservation.patient_id.in_(patients),
                    )
                )
                | ~(readings | kept)
            )
        )
    )
