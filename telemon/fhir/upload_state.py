"""The state of one FHIR upload as telemon.fhir.intake reads it and telemon.fhir.upload stores
and answers it: plain values, no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from telemon.fhir.entries import Entry
from telemon.fhir.mapping import DeviceSpec, MetricSpec
from telemon.fhir.outcome import FhirError

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
    kept: list[dict[str, Any]] = field(default_factory=list)  # kept Observations
    metrics: dict[int, MetricSpec] = field(default_factory=dict)  # DeviceMetric entry -> spec
    # DeviceMetric entry -> its device: a Device entry's spec, or a kept device's id
    metric_sources: dict[int, DeviceSpec | int] = field(default_factory=dict)
    # The patients the uploader may record for, asked once (service.recordable_patients).
    recordable: set[int] = field(default_factory=set)
    caller_patient: int | None = None  # the uploader's own patient id, when a patient uploads
    others: dict[int, dict[str, Any]] = field(default_factory=dict)  # kept as sent (READERS)
    kept_others: list[dict[str, Any]] = field(default_factory=list)  # telemon.fhir.kept
    kept_resources: dict[int, tuple[int, bool]] = field(default_factory=dict)  # entry -> row
    # QuestionnaireResponse entries answering one of telemon's questionnaires: not read with
    # the readings, recorded through telemon.fhir.questionnaire_responses afterwards.
    responses: list[int] = field(default_factory=list)
    # Devices named only by another server's absolute URL (FUT), by that URL.
    foreign_devices: dict[str, DeviceSpec] = field(default_factory=dict)

    def fail(self, index: int, error: FhirError) -> None:
        self.failures.setdefault(index, error)


DEVICE_ENTRY = "urn:telemon:device-entry:"  # a Device entry's reference, until it is kept
