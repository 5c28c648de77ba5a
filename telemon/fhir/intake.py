"""What an upload asks to store: each entry of the Bundle read (telemon.fhir.mapping), the
patients matched by CPR and checked for the right to record (the JSON API's rule), the devices
described, and each reading turned into the JSON API's item and validated by its schema.

Idempotency: each reading's client_id is a UUID derived from the patient, the upload's own
identity for it (Observation.identifier, the entry's condition, a PUT's URL) or, without one,
its content, and the code. The unique constraint on client_id (telemon.ingest.service) makes a
repeated upload, however concurrent, store nothing new.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from telemon import audit
from telemon.extensions import db
from telemon.fhir import entries, mapping
from telemon.fhir.entries import Entry, References
from telemon.fhir.mapping import DeviceSpec, MetricSpec, ObservationPlan, PatientMatch
from telemon.fhir.model import information
from telemon.fhir.outcome import FhirError, Issue
from telemon.http.ids import id_from_text
from telemon.ingest import service
from telemon.ingest.schemas import ObservationItem
from telemon.models import Device, Patient, User
from telemon.patients.cpr import normalise_cpr

# Namespace of the client_ids derived for FHIR readings (uuid5); never change it, or repeated
# uploads would no longer be recognised.
READING_NAMESPACE = uuid.UUID("5d0f4a5e-3c1b-4f7e-9a40-6f1de8f0c113")
RFC3986 = "urn:ietf:rfc:3986"  # the identifier system of a URL
# Where a field of the JSON API's item sits in an Observation, for error messages.
FIELD_PATHS = {
    "effective_at": ".effective[x]",
    "performer": ".performer",
    "code": ".code",
    "unit": ".valueQuantity.code",
}


@dataclass
class Answer:
    """How one entry of the Bundle is answered (Bundle.entry.response)."""

    status: str
    location: str | None = None
    outcome: dict[str, Any] | None = None


@dataclass
class Upload:
    """The state of one upload: what each entry became, and what is still to store."""

    entries: list[Entry]
    failures: dict[int, FhirError] = field(default_factory=dict)
    answers: dict[int, Answer] = field(default_factory=dict)
    patients: dict[int, int] = field(default_factory=dict)  # Patient entry -> patient id
    devices: dict[int, DeviceSpec] = field(default_factory=dict)  # Device entry -> spec
    items: list[dict[str, Any]] = field(default_factory=list)  # readings, "_entry" = entry
    kept: list[dict[str, Any]] = field(
        default_factory=list
    )  # kept Observations (telemon.fhir.kept)
    metrics: dict[int, MetricSpec] = field(default_factory=dict)  # DeviceMetric entry -> spec
    # DeviceMetric entry -> its device: a Device entry's spec, or a kept device's id
    metric_sources: dict[int, DeviceSpec | int] = field(default_factory=dict)
    # The patients the uploader may record for, asked once (service.recordable_patients).
    recordable: set[int] = field(default_factory=set)
    caller_patient: int | None = None  # the uploader's own patient id, when a patient uploads
    others: dict[int, dict[str, Any]] = field(default_factory=dict)  # kept as sent (READERS)
    kept_others: list[dict[str, Any]] = field(default_factory=list)  # telemon.fhir.kept
    kept_resources: dict[int, tuple[int, bool]] = field(default_factory=dict)  # entry -> row
    # Devices named only by another server's absolute URL (FUT), by that URL.
    foreign_devices: dict[str, DeviceSpec] = field(default_factory=dict)

    def fail(self, index: int, error: FhirError) -> None:
        self.failures.setdefault(index, error)


@dataclass
class _Read:
    """What the first pass over the entries found that needs the database to resolve."""

    plans: dict[int, ObservationPlan] = field(default_factory=dict)
    matches: dict[int, PatientMatch] = field(default_factory=dict)


def _read_patient(entry: Entry, state: Upload, read: _Read) -> None:
    read.matches[entry.index] = mapping.patient_match(entry)


def _read_device(entry: Entry, state: Upload, read: _Read) -> None:
    state.devices[entry.index] = mapping.device_spec(entry)


def _read_metric(entry: Entry, state: Upload, read: _Read) -> None:
    state.metrics[entry.index] = mapping.metric_spec(entry)


def _read_observation(entry: Entry, state: Upload, read: _Read) -> None:
    plan = mapping.observation_plan(entry)
    if plan.readings or plan.kept is not None:
        read.plans[entry.index] = plan
    else:
        state.answers[entry.index] = Answer("200 OK", outcome=information(plan.note or ""))


def _read_kept(entry: Entry, state: Upload, read: _Read) -> None:
    state.others[entry.index] = entry.resource


# How each resource type of an upload is read (entries.SUPPORTED_TYPES): a new type is one
# reader here, and its storing in telemon.fhir.upload. FUT's measurement Bundles bring
# Provenance, QuestionnaireResponse and Media beside the readings: kept as sent (until the
# questionnaire path and the photo pipeline take the latter two).
READERS: dict[str, Callable[[Entry, Upload, _Read], None]] = {
    "Patient": _read_patient,
    "Device": _read_device,
    "DeviceMetric": _read_metric,
    "Observation": _read_observation,
    "Provenance": _read_kept,
    "QuestionnaireResponse": _read_kept,
    "Media": _read_kept,
}


def _resolve_metrics(state: Upload, references: References) -> None:
    """Each DeviceMetric's source: a Device entry of this Bundle, or a device kept here."""
    for index, spec in state.metrics.items():
        entry = state.entries[index]
        target = references.resolve(spec.source, entry)
        at = entry.path + ".resource.source"
        try:
            if target.entry is not None:
                if target.entry not in state.devices:
                    raise FhirError(422, [Issue("The source is not a Device.", at)])
                if target.entry in state.failures:
                    refused = f"Its device, Bundle.entry[{target.entry}], was refused."
                    raise FhirError(422, [Issue(refused, at)])
                state.metric_sources[index] = state.devices[target.entry]
                continue
            device_id = id_from_text(target.id or "") if target.resource_type == "Device" else None
            if device_id is None or db.session.get(Device, device_id) is None:
                raise FhirError(
                    422, [Issue("The source is neither in this Bundle nor known here.", at)]
                )
            state.metric_sources[index] = device_id
        except FhirError as error:
            state.fail(index, error)


def read_entries(user: User, state: Upload) -> None:
    """Read every entry; match the patients (one query for all) and check that the user may
    record for them; turn the Observations into the JSON API's items."""
    read = _Read()
    state.caller_patient = user.patient_id if user.role == "patient" else None
    for entry in state.entries:
        try:
            entries.check_request(entry)
            READERS[str(entry.resource_type)](entry, state, read)
        except FhirError as error:
            state.fail(entry.index, error)
    references = References(state.entries)
    _resolve_metrics(state, references)
    plans, matches = read.plans, read.matches
    subjects = {i: _subject(state, references, plan, i) for i, plan in plans.items()}
    found = _find_patients({*matches.values(), *(s for s in subjects.values() if s)})
    allowed = service.recordable_patients(user, {p for p in found.values() if p is not None})
    state.recordable = allowed
    for index, match in matches.items():
        patient_id = found.get(match)
        if patient_id is None or patient_id not in allowed:
            audit.record_refusal(user, patient_id, "observation.create", "fhir_bundle")
            state.fail(index, _refused(state.entries[index]))
        else:
            state.patients[index] = patient_id
    seen: dict[uuid.UUID, tuple[int, dict[str, Any]]] = {}
    for index, plan in sorted(plans.items()):
        entry = state.entries[index]
        try:
            patient_id = _patient_of(state, references, entry, plan, subjects[index], found)
            if patient_id not in allowed:
                audit.record_refusal(user, patient_id, "observation.create", "fhir_bundle")
                raise _refused(entry, ".resource.subject")
            if plan.kept is not None:
                state.kept.append(_kept_item(state, references, entry, plan, patient_id))
                continue
            items = _items(user, state, references, entry, plan, patient_id)
            _check_repeats(entry, items, seen)
            state.items.extend(items)
        except FhirError as error:
            state.fail(index, error)
    _keep_others(state)


def _keep_others(state: Upload) -> None:
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


def _check_repeats(
    entry: Entry, items: list[dict[str, Any]], seen: dict[uuid.UUID, tuple[int, dict[str, Any]]]
) -> None:
    """A reading sent twice in one Bundle is one reading; the same identity with other content
    is refused."""
    for item in items:
        first = seen.get(item["client_id"])
        if first is not None and _differs(first[1], item):
            repeated = f"Repeats the reading of Bundle.entry[{first[0]}] with other content."
            raise FhirError(422, [Issue(repeated, entry.path + ".resource.identifier")])
    for item in items:
        seen.setdefault(item["client_id"], (entry.index, item))


def _refused(entry: Entry, where: str = ".resource") -> FhirError:
    # Unknown and not-yours read alike, so that CPR numbers cannot be probed.
    return FhirError(
        403,
        [Issue("Not a registered patient you may record readings for.", entry.path + where)],
    )


def _subject(
    state: Upload, references: References, plan: ObservationPlan, index: int
) -> PatientMatch | None:
    """The patient an Observation names outside this Bundle's Patient entries, if it does."""
    subject = plan.subject if isinstance(plan.subject, dict) else {}
    reference = entries.reference_string(subject)
    foreign = False
    if reference is not None:
        target = references.resolve(reference, state.entries[index])
        if target.entry is None and target.resource_type == "Patient" and target.id:
            patient_id = id_from_text(target.id)
            return PatientMatch(patient_id=patient_id) if patient_id is not None else None
        foreign = target.entry is None and target.resource_type is None
        if not foreign:
            return None
    identifier = subject.get("identifier") or {}
    if identifier.get("system") == mapping.CPR_SYSTEM and identifier.get("value"):
        return PatientMatch(cpr=str(identifier["value"]))
    if foreign and state.caller_patient is not None:
        # Another server's patient (FUT names its own): uploaded by the patient, it is they.
        return PatientMatch(patient_id=state.caller_patient)
    return None


def _find_patients(matches: set[PatientMatch]) -> dict[PatientMatch, int | None]:
    """Registered patients by CPR or id, in two queries; None for no such patient."""
    cprs: dict[str, PatientMatch] = {}
    for match in matches:
        if match.cpr:
            with contextlib.suppress(ValueError):  # not a CPR number: no such patient
                cprs[normalise_cpr(match.cpr)] = match
    ids = {m.patient_id for m in matches if m.patient_id is not None}
    found: dict[PatientMatch, int | None] = dict.fromkeys(matches)
    if cprs:
        for pid, cpr in db.session.execute(
            select(Patient.id, Patient.cpr).where(Patient.cpr.in_(list(cprs)))
        ):
            found[cprs[cpr]] = pid
    if ids:
        known = set(db.session.scalars(select(Patient.id).where(Patient.id.in_(list(ids)))))
        for match in matches:
            if match.patient_id is not None:
                found[match] = match.patient_id if match.patient_id in known else None
    return found


def _patient_of(
    state: Upload,
    references: References,
    entry: Entry,
    plan: ObservationPlan,
    subject: PatientMatch | None,
    found: dict[PatientMatch, int | None],
) -> int:
    at = entry.path + ".resource.subject"
    reference = entries.reference_string(plan.subject)
    if reference is not None:
        target = references.resolve(reference, entry)
        if target.entry is not None:
            other = state.entries[target.entry]
            if other.resource_type != "Patient":
                raise FhirError(422, [Issue("The subject of a reading must be the patient.", at)])
            if target.entry in state.failures:
                raise FhirError(
                    state.failures[target.entry].status,
                    [Issue(f"Its patient, Bundle.entry[{target.entry}], was refused.", at)],
                )
            return state.patients[target.entry]
    if subject is not None:
        patient_id = found.get(subject)
        if patient_id is not None:
            return patient_id
        raise _refused(entry, ".resource.subject")
    if reference is not None and reference.startswith(("http://", "https://")):
        text = (
            "The subject is another server's patient; give the patient's CPR number in "
            f"subject.identifier (system {mapping.CPR_SYSTEM}), or upload as the patient."
        )
        raise FhirError(422, [Issue(text, at)])
    raise FhirError(
        422,
        [Issue("The subject must reference the patient (in this Bundle or Patient/{id}).", at)],
    )


def _items(
    user: User,
    state: Upload,
    references: References,
    entry: Entry,
    plan: ObservationPlan,
    patient_id: int,
) -> list[dict[str, Any]]:
    """The JSON API's items for an Observation's readings, validated by its schema."""
    device_spec, device_id, device_label, device_key = _device_of(state, references, entry, plan)
    performer = _performer_of(state, references, entry, plan)
    if performer is None and device_key and service.default_performer(user) is None:
        # A gateway's reading that names its device but nobody, sent by someone who did not
        # take it (a clinician's system): the device took it.
        performer = "device"
    assert plan.effective_at is not None
    items = []
    for reading in plan.readings:
        key = plan.key or (
            f"content|{plan.effective_at.timestamp()!r}|{reading.value!r}|"
            f"{reading.qualifier}|{device_key}"
        )
        item = {
            "client_id": str(uuid.uuid5(READING_NAMESPACE, f"{patient_id}|{key}|{reading.code}")),
            "patient_id": patient_id,
            "code": reading.code,
            "value": reading.value,
            "value_qualifier": reading.qualifier,
            "effective_at": plan.effective_at.isoformat(),
            "performer": performer,
            "device": device_label,
        }
        try:
            loaded: dict[str, Any] = ObservationItem().load(item)
        except ValidationError as error:
            raise FhirError(422, _schema_issues(error.messages, entry, reading)) from None
        loaded.update(
            _entry=entry.index,
            _performer_implied=performer is None,
            _sent=_sent(entry, reading, performer_given=bool(plan.performers)),
            _device_spec=device_spec,
            device_id=device_id,
            loinc=reading.loinc,
        )
        items.append(loaded)
    if len(items) > 1:  # a panel (blood pressure): read back as the one panel it was sent as
        panel = {
            "code": entry.resource.get("code") or {},
            "client_ids": [str(item["client_id"]) for item in items],
        }
        for item in items:
            item["_sent"]["panel"] = panel
    return items


def _kept_item(
    state: Upload, references: References, entry: Entry, plan: ObservationPlan, patient_id: int
) -> dict[str, Any]:
    """What telemon.fhir.kept stores for an Observation kept as sent. Its identity, like a
    reading's, is the upload's own or its content; never who carried it."""
    assert plan.kept is not None and plan.effective_at is not None
    device_spec, device_id, _, device_key = _device_of(state, references, entry, plan)
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


DEVICE_ENTRY = "urn:telemon:device-entry:"  # a Device entry's reference, until it is kept


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


def _sent(entry: Entry, reading: mapping.Reading, performer_given: bool) -> dict[str, Any]:
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


def _schema_issues(messages: Any, entry: Entry, reading: mapping.Reading) -> list[Issue]:
    issues = []
    for name, texts in messages.items() if isinstance(messages, dict) else []:
        where = (
            reading.value_path
            if name == "value"
            else entry.path + ".resource" + FIELD_PATHS.get(name, "")
        )
        for text in texts if isinstance(texts, list) else [texts]:
            issues.append(Issue(str(text), where, code="value"))
    return issues or [Issue("Not a valid reading.", entry.path + ".resource")]


def _device_of(
    state: Upload, references: References, entry: Entry, plan: ObservationPlan
) -> tuple[DeviceSpec | None, int | None, str | None, str]:
    """The reading's device: as described in this Bundle (kept when stored) or already kept
    (its id); its label for the reading's text; its identity (system|value) for the key of a
    reading that has no identifier of its own, the same whichever way the device is named."""
    if plan.device is None:
        return None, None, None, ""
    at = entry.path + ".resource.device"
    target = references.resolve(plan.device, entry)
    if target.entry is not None and target.entry in state.metric_sources:
        source = state.metric_sources[target.entry]  # a DeviceMetric: its device
        if isinstance(source, DeviceSpec):
            return (
                source,
                None,
                source.label,
                f"{source.identifier_system}|{source.identifier_value}",
            )
        target = entries.Target(resource_type="Device", id=str(source))
    if target.entry is not None:
        if target.entry in state.failures:
            refused = f"Its device, Bundle.entry[{target.entry}], was refused."
            raise FhirError(422, [Issue(refused, at)])
        spec = state.devices.get(target.entry)
        if spec is None:
            raise FhirError(422, [Issue("The device reference is not a Device.", at)])
        return spec, None, spec.label, f"{spec.identifier_system}|{spec.identifier_value}"
    device_id = id_from_text(target.id or "") if target.resource_type == "Device" else None
    if device_id is not None:
        device = db.session.get(Device, device_id)
        if device is not None:
            identity = f"{device.identifier_system}|{device.identifier_value}"
            label = mapping.device_label(device.manufacturer, device.model, device.type_text)
            return None, device.id, label, identity
    if plan.device.startswith(("http://", "https://")) and target.resource_type is None:
        # Another server's device (FUT's device service): its URL is its identity here.
        spec = state.foreign_devices.setdefault(
            plan.device, DeviceSpec(identifier_system=RFC3986, identifier_value=plan.device[:200])
        )
        return spec, None, None, f"{RFC3986}|{spec.identifier_value}"
    raise FhirError(422, [Issue("The device is neither in this Bundle nor known here.", at)])


def _performer_of(
    state: Upload, references: References, entry: Entry, plan: ObservationPlan
) -> str | None:
    for performer in plan.performers:
        type_name = entries.reference_type(performer)
        reference = entries.reference_string(performer)
        if reference is not None:
            target = references.resolve(reference, entry)
            if target.entry is not None:
                type_name = state.entries[target.entry].resource_type
        found = mapping.performer_of(type_name)
        if found is not None:
            return found
    return None


def _differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("patient_id", "code", "value", "value_qualifier", "effective_at", "performer")
    return any(a.get(k) != b.get(k) for k in keys)
