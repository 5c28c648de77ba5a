"""What an upload keeps as sent, beside its readings (telemon.fhir.intake calls these): the
Observations that are no reading to evaluate, the other resources FUT's Bundles bring, and how
each reading was sent (to read it back so). Plain values, no database."""

from __future__ import annotations

import json
import uuid
from typing import Any

from telemon.fhir import mapping
from telemon.fhir.entries import Entry, References
from telemon.fhir.mapping import DeviceSpec, ObservationPlan
from telemon.fhir.upload_state import DEVICE_ENTRY, READING_NAMESPACE, Upload


def keep_others(state: Upload) -> None:
    """The resources kept as sent, each with the upload's patient when it has exactly one
    (FUT's measurement Bundle is one patient's), and its identity: its identifier, else its
    content."""
    patients = {*state.patients.values(), *(i["patient_id"] for i in state.items)}
    patients |= {i["patient_id"] for i in state.kept}
    if not patients and state.caller_patient in state.recordable:
        patients = {state.caller_patient}
    patient_id = next(iter(patients)) if len(patients) == 1 else None
    for index, resource in state.others.items():
        if index in state.failures:
            continue
        identifier = resource.get("identifier")
        if isinstance(identifier, list):
            identifier = identifier[0] if identifier else None
        key = (
            f"identifier|{identifier.get('system')}|{identifier.get('value')}"
            if isinstance(identifier, dict) and identifier.get("value")
            else "content|" + json.dumps(resource, sort_keys=True)
        )
        kind = str(resource.get("resourceType"))
        state.kept_others.append(
            {
                "_entry": index,
                "client_id": uuid.uuid5(READING_NAMESPACE, f"{patient_id}|{kind}|{key}"),
                "patient_id": patient_id,
                "resource_type": kind,
                "resource": resource,
            }
        )


def kept_item(
    state: Upload,
    references: References,
    entry: Entry,
    plan: ObservationPlan,
    patient_id: int,
    device: tuple[DeviceSpec | None, int | None, str | None, str],
) -> dict[str, Any]:
    """What telemon.fhir.kept stores for an Observation kept as sent. Its identity, like a
    reading's, is the upload's own or its content; never who carried it."""
    assert plan.kept is not None and plan.effective_at is not None
    device_spec, device_id, _, device_key = device
    codings = sorted(
        f"{c.get('system')}|{c.get('code')}"
        for c in (entry.resource.get("code") or {}).get("coding") or []
    )
    key = plan.key or (
        f"content|{plan.effective_at.timestamp()!r}|{plan.kept.value_text}|"
        f"{plan.kept.status}|{device_key}"
    )
    identity = f"{patient_id}|{key}|kept|{','.join(codings) or plan.kept.label}"
    return {
        "_entry": entry.index,
        "_device_spec": device_spec,
        "device_id": device_id,
        "client_id": uuid.uuid5(READING_NAMESPACE, identity),
        "patient_id": patient_id,
        "effective_at": plan.effective_at,
        "kept": plan.kept,
        "_resource": _as_kept(state, references, entry, patient_id),
    }


def _as_kept(
    state: Upload, references: References, entry: Entry, patient_id: int
) -> dict[str, Any]:
    """The Observation as it is kept: references to this Bundle's Patient entries made
    Patient/{id}, to its Device entries marked for their device's id (telemon.fhir.upload
    fills them in), to other entries dropped (they are not kept); the rest as sent."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (walk(v) for v in value) if v != {}]
        if not isinstance(value, dict):
            return value
        out = {k: walk(v) for k, v in value.items()}
        reference = value.get("reference")
        if isinstance(reference, str):
            target = references.resolve(reference, entry)
            if target.entry is not None:
                kind = state.entries[target.entry].resource_type
                out.pop("reference")
                if kind == "Patient":
                    out["reference"] = f"Patient/{patient_id}"
                elif kind == "Device" and target.entry not in state.failures:
                    out["reference"] = f"{DEVICE_ENTRY}{target.entry}"
        return {k: v for k, v in out.items() if v not in ({}, [])}

    resource: dict[str, Any] = walk(entry.resource)
    resource.pop("id", None)
    resource["subject"] = {"reference": f"Patient/{patient_id}"}
    meta = {k: v for k, v in (resource.pop("meta", None) or {}).items() if k == "profile"}
    if meta:
        resource["meta"] = meta
    return resource


def sent_as(entry: Entry, reading: mapping.Reading, performer_given: bool) -> dict[str, Any]:
    """How the reading was sent, to read it back so (telemon.models.ReadingSource): the
    Observation's identifiers and categories, the coding of its code (a panel component's
    for a panel's reading), whether it named a performer."""
    resource = entry.resource
    code = resource.get("code") or {}
    if reading.component is not None:
        code = (resource.get("component") or [])[reading.component].get("code") or {}
    return {
        "identifier": list(resource.get("identifier") or []),
        "code": code,
        "category": list(resource.get("category") or []),
        "performer_given": performer_given,
    }
