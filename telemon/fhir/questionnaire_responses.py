"""Questionnaires and their responses on /fhir: Questionnaire read and search (url, name),
QuestionnaireResponse create (alone, or as entries of a transaction or batch Bundle, as FUT
apps send them), read and search by patient.

A QuestionnaireResponse is recorded through the JSON API's use case
(telemon.questionnaires.responses.record): the same access, validation (422 naming the item),
idempotency and storing of its measurement answers as Observations. Its client_id is its
identifier's `urn:uuid:` value; without one, a UUID derived from the patient, the
questionnaire, the time and the answers, so that a resend is recognised. The patient is its
subject (a Patient entry of the Bundle, or Patient/{id}), or the caller when the caller is the
patient and names none. Its answers name the Observations stored from them
(fhir_form.OBSERVATION_EXTENSION).
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta, timezone
from typing import Any

from sqlalchemy import select

from telemon import access
from telemon.errors import NotFound, TelemonError
from telemon.extensions import db
from telemon.fhir import resources, search
from telemon.fhir.entries import Entry, References, entries_of, reference_string
from telemon.fhir.intake import Answer, Upload
from telemon.fhir.model import build, parse
from telemon.fhir.outcome import FhirError, Issue
from telemon.http import links
from telemon.http.ids import id_from_text
from telemon.ingest.schemas import AwareDateTime
from telemon.models import Questionnaire, User
from telemon.questionnaires import fhir_form, responses, service
from telemon.questionnaires.definition import DefinitionError
from telemon.transactions import use_case
from telemon.vocabulary import Role

RESOURCE_TYPE = "QuestionnaireResponse"
RFC3986 = "urn:ietf:rfc:3986"
PERFORMER_EXTENSION = "urn:telemon:extension:performer"
# Namespace of client_ids derived for responses that carry no identifier; never change it.
RESPONSE_NAMESPACE = uuid.UUID("a4f1a1c2-6f0e-4d55-9f3e-2b7c9d1e5a61")


def _int_id(rid: str) -> int:
    value = id_from_text(rid)
    if value is None:
        raise NotFound("No such resource.")
    return value


def _searchset(kind: str, found: list[dict[str, Any]], self_url: str) -> dict[str, Any]:
    bundle = resources.searchset([(kind, r) for r in found], links.base_url(), self_url, None)
    bundle["total"] = len(found)
    return bundle


# ---- Questionnaire --------------------------------------------------------------------------


def read_questionnaire(rid: str) -> dict[str, Any]:
    """A published version as FHIR (no patient data: any signed-in caller). Writes nothing."""
    return build("Questionnaire", _without_type(service.as_fhir(service.get(_int_id(rid)))))


def search_questionnaires(params: list[tuple[str, str]]) -> dict[str, Any]:
    """Questionnaire?url=…(|version) and/or ?name=… (a prefix, any case), ?status=."""
    found = service.find(
        search.one(params, "url"), search.one(params, "name"), search.one(params, "status")
    )
    resources_found = [build("Questionnaire", _without_type(service.as_fhir(q))) for q in found]
    return _searchset("Questionnaire", resources_found, f"{links.base_url()}/fhir/Questionnaire")


def _without_type(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "resourceType"}


# ---- QuestionnaireResponse out --------------------------------------------------------------


def resource(recorded: responses.Recorded) -> dict[str, Any]:
    """The stored response as a FHIR QuestionnaireResponse (built through the model)."""
    row = recorded.response
    questionnaire: Questionnaire = row.questionnaire
    offset = timedelta(minutes=row.authored_offset_minutes)
    authored = row.authored_at.astimezone(timezone(offset))
    data = {
        "id": str(row.id),
        "identifier": {"system": RFC3986, "value": f"urn:uuid:{row.client_id}"},
        "questionnaire": f"{questionnaire.url}|{questionnaire.version}",
        "status": "completed",
        "subject": {"reference": f"Patient/{row.patient_id}"},
        "authored": authored.isoformat(),
        "extension": [
            {"url": fhir_form.TRIAGE_EXTENSION, "valueCode": row.triage},
            {"url": PERFORMER_EXTENSION, "valueCode": row.performer},
        ],
        "item": fhir_form.response_to_fhir(recorded.definition, row.answers, row.observation_ids),
    }
    if row.performer in ("patient", "relative"):
        data["source"] = {"reference": f"Patient/{row.patient_id}"}
    # A response never changes once recorded: version 1 (telemon.fhir.resources.versioned).
    return resources.versioned(build(RESOURCE_TYPE, data), row.received_at)


@use_case
def read_response(user: User, rid: str) -> dict[str, Any]:
    return resource(responses.read(user, _int_id(rid)))


@use_case
def search_responses(user: User, params: list[tuple[str, str]]) -> dict[str, Any]:
    """QuestionnaireResponse?patient={id} (or subject=Patient/{id}); a patient's own without."""
    wanted = search.one(params, "patient") or search.one(params, "subject")
    if wanted is None and user.role == Role.PATIENT and user.patient_id is not None:
        patient_id = user.patient_id
    elif wanted is None:
        raise FhirError(400, [Issue("Search questionnaire responses by patient.")])
    else:
        patient_id = _int_id(wanted.removeprefix("Patient/"))
    found = [resource(r) for r in responses.for_patient(user, patient_id)]
    return _searchset(RESOURCE_TYPE, found, f"{links.base_url()}/fhir/{RESOURCE_TYPE}")


# ---- QuestionnaireResponse in ---------------------------------------------------------------


def _questionnaire_id(canonical: Any, where: str) -> int:
    if not isinstance(canonical, str) or not canonical:
        raise FhirError(422, [Issue("Name the questionnaire answered.", where)])
    if canonical.startswith("Questionnaire/") or "/fhir/Questionnaire/" in canonical:
        found = id_from_text(canonical.rsplit("/", 1)[1])
        if found is not None:
            return found
    url, bar, version = canonical.partition("|")
    query = select(Questionnaire.id).where(Questionnaire.url == url)
    if bar:
        query = query.where(Questionnaire.version == version)
    else:
        query = query.where(Questionnaire.status == "active")
    found_id = db.session.scalar(query.order_by(Questionnaire.id.desc()).limit(1))
    if found_id is None:
        raise FhirError(422, [Issue(f"No questionnaire {canonical} is published here.", where)])
    return int(found_id)


def response_data(
    user: User, body: dict[str, Any], patient_id: int | None, path: str
) -> dict[str, Any]:
    """A QuestionnaireResponse as the JSON API's response (responses.record's data); FhirError
    (422) naming what it cannot read. `patient_id`: the subject, resolved by the caller."""
    parse(body, path)
    if body.get("status") not in ("completed", "amended"):
        raise FhirError(422, [Issue("Only a completed response is recorded.", f"{path}.status")])
    questionnaire_id = _questionnaire_id(body.get("questionnaire"), f"{path}.questionnaire")
    if patient_id is None:
        if user.role == Role.PATIENT and user.patient_id is not None:
            patient_id = user.patient_id
        else:
            raise FhirError(422, [Issue("Name the patient (subject).", f"{path}.subject")])
    try:
        authored = AwareDateTime().deserialize(body.get("authored"))
    except Exception:
        raise FhirError(
            422, [Issue("Needs the time answered, with its offset.", f"{path}.authored")]
        ) from None
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise FhirError(422, [Issue("No such questionnaire.", f"{path}.questionnaire")])
    try:
        answers = fhir_form.answers_from_fhir(
            service.definition_of(questionnaire), body.get("item") or []
        )
    except DefinitionError as error:
        raise FhirError(422, [Issue(f"{error.where}: {error.message}", f"{path}.item")]) from None
    identifier = body.get("identifier") or {}
    value = identifier.get("value") if isinstance(identifier, dict) else None
    try:
        client_id = uuid.UUID(str(value).removeprefix("urn:uuid:")) if value else None
    except ValueError:
        client_id = None
    if client_id is None:
        content = json.dumps([patient_id, questionnaire_id, authored.isoformat(), answers])
        client_id = uuid.uuid5(RESPONSE_NAMESPACE, content)
    performer = next(
        (
            e.get("valueCode")
            for e in body.get("extension") or []
            if isinstance(e, dict) and e.get("url") == PERFORMER_EXTENSION
        ),
        None,
    )
    return {
        "client_id": client_id,
        "patient_id": patient_id,
        "questionnaire_id": questionnaire_id,
        "authored_at": authored,
        "answers": [{"link_id": link_id, "value": v} for link_id, v in answers],
        "performer": performer,
    }


def create(user: User, body: Any) -> tuple[dict[str, Any], bool]:
    """POST /fhir/QuestionnaireResponse: the stored response, and whether it is new."""
    if not isinstance(body, dict) or body.get("resourceType") != RESOURCE_TYPE:
        raise FhirError(422, [Issue("Send a QuestionnaireResponse.", RESOURCE_TYPE)])
    access.require_role(user, *responses.ingest.INGEST_ROLES)
    subject = reference_string(body.get("subject"))
    patient_id = _int_id(subject.removeprefix("Patient/")) if subject else None
    recorded = responses.record(user, response_data(user, body, patient_id, RESOURCE_TYPE))
    return resource(recorded), recorded.created


# ---- inside a Bundle ------------------------------------------------------------------------


def record_entries(user: User, bundle: dict[str, Any], state: Upload, transaction: bool) -> None:
    """Record the Bundle's QuestionnaireResponse entries (read from the Bundle as sent: their
    extensions carry blood pressure's parts and the performer), answering each in `state`
    (telemon.fhir.intake.Upload). In a transaction the first refusal refuses the whole."""
    wanted = set(state.responses)  # picked out when the upload was read (telemon.fhir.intake)
    raw = [e for e in entries_of(bundle) if e.index in wanted]
    if not raw:
        return
    references = References(entries_of(bundle))
    for entry in raw:
        try:
            status, location = record_entry(user, entry, references, state.patients)
            state.answers[entry.index] = Answer(status, location)
        except FhirError as error:
            if transaction:
                raise
            state.fail(entry.index, error)


def record_entry(
    user: User, entry: Entry, references: References, patients: dict[int, int]
) -> tuple[str, str]:
    """Record one Bundle entry's response; its answer's (status, location). The subject may be
    a Patient entry of the Bundle (matched by the upload: `patients`, entry → patient id)."""
    if entry.method not in ("POST", "PUT"):
        raise FhirError(405, [Issue("Only POST a QuestionnaireResponse.", entry.path + ".request")])
    subject = reference_string(entry.resource.get("subject"))
    patient_id = None
    if subject:
        target = references.resolve(subject, entry)
        if target.entry is not None:
            if target.entry not in patients:
                raise FhirError(
                    422, [Issue("The subject is no patient of this upload.", entry.path)]
                )
            patient_id = patients[target.entry]
        elif target.resource_type == "Patient" and target.id:
            patient_id = _int_id(target.id)
        else:
            raise FhirError(422, [Issue("The subject names no patient here.", entry.path)])
    try:
        data = response_data(user, entry.resource, patient_id, entry.path + ".resource")
        recorded = responses.record(user, data)
    except TelemonError as error:
        detail = (
            "No such patient, or not one you may record for."
            if error.status == 404
            else error.detail
        )
        raise FhirError(error.status, [Issue(detail, entry.path + ".resource")]) from None
    status = "201 Created" if recorded.created else "200 OK"
    return status, f"{RESOURCE_TYPE}/{recorded.response.id}"
