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
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from telemon import audit
from telemon.extensions import db
from telemon.fhir import entries, intake_kept, mapping
from telemon.fhir.entries import Entry, References
from telemon.fhir.mapping import DeviceSpec, ObservationPlan, PatientMatch
from telemon.fhir.model import information
from telemon.fhir.outcome import FhirError, Issue
from telemon.fhir.upload_state import FIELD_PATHS, READING_NAMESPACE, RFC3986, Answer, Upload
from telemon.http.ids import id_from_text
from telemon.ingest import service
from telemon.ingest.schemas import ObservationItem
from telemon.models import Device, Patient, User
from telemon.patients.cpr import normalise_cpr
from telemon.questionnaires.service import published_here


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
# Provenance, QuestionnaireResponse and Media beside the readings: Provenance and Media kept as
# sent (until the photo pipeline takes Media); a QuestionnaireResponse to one of telemon's
# questionnaires is not read here but recorded through the questionnaire path
# (telemon.fhir.questionnaire_responses), one to another platform's is kept as sent.
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
        if entry.resource_type == "QuestionnaireResponse" and published_here(
            entry.resource.get("questionnaire")
        ):
            state.responses.append(entry.index)  # telemon.fhir.questionnaire_responses records
            continue
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
                device = _device_of(state, references, entry, plan)
                state.kept.append(
                    intake_kept.kept_item(state, references, entry, plan, patient_id, device)
                )
                continue
            items = _items(user, state, references, entry, plan, patient_id)
            _check_repeats(entry, items, seen)
            state.items.extend(items)
        except FhirError as error:
            state.fail(index, error)
    intake_kept.keep_others(state)


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
            _sent=intake_kept.sent_as(entry, reading, performer_given=bool(plan.performers)),
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
