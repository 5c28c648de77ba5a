"""GET /fhir/metadata: the CapabilityStatement, listing exactly what /fhir supports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telemon import clock
from telemon.fhir.model import FHIR_JSON, FHIR_VERSION, build

PHD = "http://hl7.org/fhir/uv/phd/StructureDefinition/"
DK_CORE = "http://hl7.dk/fhir/core/StructureDefinition/"


@dataclass(frozen=True)
class Supported:
    """What one resource type supports: interactions, search parameters (name, type), the
    result parameters its searches take, conditional create, and the profiles it takes."""

    interactions: tuple[str, ...]
    params: tuple[tuple[str, str], ...] = ()
    results: tuple[str, ...] = ()
    conditional_create: bool = False
    profiles: tuple[str, ...] = ()


SUPPORTED: dict[str, Supported] = {
    "Patient": Supported(
        ("read", "vread", "search-type"),
        (("identifier", "token"),),
        profiles=(PHD + "PhdPatient", DK_CORE + "dk-core-patient"),
    ),
    "Observation": Supported(
        ("read", "vread", "search-type", "create"),
        (
            ("patient", "reference"),
            ("subject", "reference"),
            ("code", "token"),
            ("date", "date"),
            ("identifier", "token"),
        ),
        results=("_count",),
        conditional_create=True,
        profiles=(
            PHD + "PhdNumericObservation",
            PHD + "PhdCompoundNumericObservation",
            PHD + "PhdCoincidentTimeStampObservation",
            PHD + "PhdBitsEnumerationObservation",
            PHD + "PhdCodedEnumerationObservation",
            DK_CORE + "dk-core-observation",
        ),
    ),
    "Device": Supported(
        ("read", "vread", "search-type", "create"),
        (("identifier", "token"),),
        conditional_create=True,
        profiles=(PHD + "PhdDevice", PHD + "PhgDevice"),
    ),
    "DeviceMetric": Supported(("read", "vread"), profiles=(PHD + "PhdDeviceMetric",)),
    "Flag": Supported(
        ("read", "vread", "search-type"),
        (("patient", "reference"), ("status", "token")),
        results=("_count",),
    ),
    "Task": Supported(
        ("read", "vread", "search-type"),
        (("patient", "reference"), ("status", "token")),
        results=("_count",),
    ),
    "Communication": Supported(
        ("read", "vread", "search-type", "create"),
        (("patient", "reference"),),
        results=("_count",),
    ),
    "Media": Supported(("read", "vread")),
    "Questionnaire": Supported(
        ("read", "search-type"),
        (("url", "uri"), ("name", "string"), ("status", "token")),
    ),
    "QuestionnaireResponse": Supported(
        ("read", "search-type", "create"),
        (("patient", "reference"), ("subject", "reference")),
    ),
}

_DOCUMENTATION = {
    "Patient": "Registered patients; never created by an upload. Matched in uploads by CPR "
    "(identifier system urn:oid:1.2.208.176.1.2). POST Patient/_search keeps the number out "
    "of the URL.",
    "Observation": "Home readings (LOINC, IEEE 11073 MDC, NPU and MedCom MCS codings read; "
    "read back with the codings, identifiers and categories they were sent with, plus "
    "LOINC, NPU and MCS), Observations kept as sent but not evaluated (id kept-{n}: a "
    "measurement telemon does not monitor, a value absent, a preliminary result) and wound "
    "assessments (id wound-{n}, LOINC 72287-6). Created through a transaction or batch Bundle "
    "(POST /fhir) or POST /fhir/Observation; idempotent on Observation.identifier, "
    "ifNoneExist / If-None-Exist, or the reading's content. Device housekeeping (battery, "
    "time stamps, status bits) is accepted and not kept.",
    "Device": "Kept from uploads by identifier (system and value), POST /fhir/Device with "
    "If-None-Exist; read by those who may see a patient whose readings it took (a device "
    "that took none yet, by anyone with a token).",
    "DeviceMetric": "Kept from uploads, one per device and type (an MDC code); a later upload's "
    "description replaces the earlier, so only the current version exists.",
    "Flag": "Alerts: active while not resolved; priority from severity.",
    "Task": "Wound review requests to the wound clinic; the reply is Communication/{same id}.",
    "Communication": "Communication/{n}: the wound clinic's reply to review request n. "
    "Communication/msg-{n}: a message of a patient's thread (search by patient, newest first; "
    "create with identifier = the client's id, inResponseTo = the message answered); "
    "GET Communication/msg-{n}/$carecommunication: a care team's message to another "
    "organisation as a MedCom CareCommunication message Bundle.",
    "Media": "Wound photos' descriptions; the image is at content.url (/api/v1/photos/{id}).",
    "Questionnaire": "Published questionnaire versions (never changed once published); triage "
    "and measurement items in telemon's extensions (docs/interoperability.md). Published "
    "through POST /api/v1/questionnaires.",
    "QuestionnaireResponse": "A patient's answers to one questionnaire version: created by POST "
    "or as entries of a transaction or batch Bundle (subject a Patient entry, Patient/{id}, or "
    "the calling patient); idempotent on identifier; 422 naming the item that does not fit. "
    "Measurement answers are stored as Observations, which each answer references.",
}

SECURITY = (
    "Bearer tokens: POST /api/v1/auth/token with a username and password (JSON) answers "
    "{access_token, token_type: Bearer, expires_in}; send it as 'Authorization: Bearer ...'. "
    "DELETE /api/v1/auth/token revokes it. Not OAuth or SMART on FHIR. Access on a "
    "need-to-treat basis; every patient read and write audited."
)


def _resource(resource_type: str, s: Supported) -> dict[str, Any]:
    documentation = _DOCUMENTATION[resource_type]
    if s.results:
        documentation += f" Result parameters: {', '.join(s.results)}."
    data: dict[str, Any] = {
        "type": resource_type,
        "documentation": documentation,
        "interaction": [{"code": code} for code in s.interactions],
        "versioning": "versioned",
        "readHistory": False,
    }
    if s.params:
        data["searchParam"] = [{"name": name, "type": kind} for name, kind in s.params]
    if s.conditional_create:
        data["conditionalCreate"] = True
    if s.profiles:
        data["supportedProfile"] = list(s.profiles)
    return data


def statement(base_url: str) -> dict[str, Any]:
    return build(
        "CapabilityStatement",
        {
            "status": "active",
            "date": clock.now().isoformat(timespec="seconds"),
            "kind": "instance",
            "software": {"name": "telemon"},
            "implementation": {"description": "telemon FHIR R4", "url": f"{base_url}/fhir"},
            "fhirVersion": FHIR_VERSION,
            "format": [FHIR_JSON, "json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "JSON only (application/fhir+json; application/json and "
                    "application/json+fhir accepted); XML is a 406. Prefer: return=minimal | "
                    "representation | OperationOutcome on creates.",
                    "security": {"description": SECURITY},
                    "resource": [_resource(t, s) for t, s in SUPPORTED.items()],
                    "interaction": [
                        {
                            "code": "transaction",
                            "documentation": "POST /fhir: all or nothing. Patient entries are "
                            "matched (never created), Device and DeviceMetric entries kept, "
                            "Observation entries stored as readings or kept as sent, "
                            "QuestionnaireResponse entries recorded; GET, DELETE and PATCH "
                            "entries are 405.",
                        },
                        {"code": "batch", "documentation": "POST /fhir: each entry on its own."},
                    ],
                    "operation": [
                        {
                            "name": "process-message",
                            "definition": "http://hl7.org/fhir/OperationDefinition/"
                            "MessageHeader-process-message",
                            "documentation": "POST /fhir/$process-message: a MedCom "
                            "HospitalNotification message Bundle, delivered by the region's "
                            "message broker (a messaging account), answered with a MedCom "
                            "Acknowledgement message (docs/medcom.md).",
                        }
                    ],
                }
            ],
        },
    )
