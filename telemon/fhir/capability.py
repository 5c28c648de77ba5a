"""GET /fhir/metadata: the CapabilityStatement, listing exactly what /fhir supports."""

from __future__ import annotations

from typing import Any

from telemon.fhir.model import FHIR_JSON, FHIR_VERSION, build

# What each resource type supports: interactions and search parameters (name, type).
SUPPORTED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "Patient": (("read", "search-type"), (("identifier", "token"),)),
    "Observation": (
        ("read", "search-type"),
        (
            ("patient", "reference"),
            ("subject", "reference"),
            ("code", "token"),
            ("date", "date"),
            ("_count", "number"),
        ),
    ),
    "Device": (("read",), ()),
    "Flag": (
        ("read", "search-type"),
        (("patient", "reference"), ("status", "token"), ("_count", "number")),
    ),
    "Task": (
        ("read", "search-type"),
        (("patient", "reference"), ("status", "token"), ("_count", "number")),
    ),
    "Communication": (("read",), ()),
    "Media": (("read",), ()),
    "Questionnaire": (
        ("read", "search-type"),
        (("url", "uri"), ("name", "string"), ("status", "token")),
    ),
    "QuestionnaireResponse": (
        ("read", "search-type", "create"),
        (("patient", "reference"), ("subject", "reference")),
    ),
}

_DOCUMENTATION = {
    "Patient": "Registered patients; never created by an upload. Matched in uploads by CPR "
    "(identifier system urn:oid:1.2.208.176.1.2). POST Patient/_search keeps the number out "
    "of the URL.",
    "Observation": "Home readings (LOINC, IEEE 11073 MDC, NPU and MedCom MCS codings read; "
    "LOINC, NPU and MCS written) and wound assessments (id wound-{n}, LOINC 72287-6). Created "
    "only through a transaction or batch Bundle (POST /fhir); idempotent on "
    "Observation.identifier, the entry's ifNoneExist, or the reading's content.",
    "Device": "Kept from uploads by identifier (system and value); read by those who may see a "
    "patient whose readings it took.",
    "Flag": "Alerts: active while not resolved; priority from severity.",
    "Task": "Wound review requests to the wound clinic; the reply is Communication/{same id}.",
    "Communication": "The wound clinic's reply to a review request.",
    "Media": "Wound photos' descriptions; the image is at content.url (/api/v1/photos/{id}).",
    "Questionnaire": "Published questionnaire versions (never changed once published); triage "
    "and measurement items in telemon's extensions (docs/interoperability.md). Published "
    "through POST /api/v1/questionnaires.",
    "QuestionnaireResponse": "A patient's answers to one questionnaire version: created by POST "
    "or as entries of a transaction or batch Bundle (subject a Patient entry, Patient/{id}, or "
    "the calling patient); idempotent on identifier; 422 naming the item that does not fit. "
    "Measurement answers are stored as Observations, which each answer references.",
}


def statement(base_url: str) -> dict[str, Any]:
    return build(
        "CapabilityStatement",
        {
            "status": "active",
            "date": "2026-11-24",
            "kind": "instance",
            "software": {"name": "telemon"},
            "implementation": {"description": "telemon FHIR R4", "url": f"{base_url}/fhir"},
            "fhirVersion": FHIR_VERSION,
            "format": [FHIR_JSON, "json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Bearer tokens from POST /api/v1/auth/token; access on a "
                    "need-to-treat basis; every patient read and write audited.",
                    "security": {
                        "service": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/"
                                        "restful-security-service",
                                        "code": "OAuth",
                                    }
                                ],
                                "text": "Bearer token",
                            }
                        ]
                    },
                    "resource": [
                        {
                            "type": resource_type,
                            "documentation": _DOCUMENTATION[resource_type],
                            "interaction": [{"code": code} for code in interactions],
                            **(
                                {
                                    "searchParam": [
                                        {"name": name, "type": kind} for name, kind in params
                                    ]
                                }
                                if params
                                else {}
                            ),
                        }
                        for resource_type, (interactions, params) in SUPPORTED.items()
                    ],
                    "interaction": [
                        {
                            "code": "transaction",
                            "documentation": "POST /fhir: all or nothing. Patient entries are "
                            "matched (never created), Device entries kept, Observation entries "
                            "stored as readings, QuestionnaireResponse entries recorded; nothing "
                            "else is created.",
                        },
                        {"code": "batch", "documentation": "POST /fhir: each entry on its own."},
                    ],
                }
            ],
        },
    )
