"""telemon's records as FHIR R4 resources, each built through the model library (model.build).

Codings come from telemon.ingest.codes; times keep the offset the reading was sent with.
The CPR number is the patient's own identifier: it appears here, for callers who may see the
patient, and nowhere in logs or URLs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from telemon.fhir.interpretation import INTERPRETATION_SYSTEM
from telemon.fhir.mapping import CPR_SYSTEM
from telemon.fhir.model import build
from telemon.ingest.codes import (
    CODES,
    LOINC,
    UCUM,
    WOUND_PANEL_LOINC,
    WOUND_SIZE_LOINC,
    codings_for,
)
from telemon.models import (
    Alert,
    Device,
    DeviceMetric,
    KeptObservation,
    KeptResource,
    Message,
    Observation,
    Patient,
    Photo,
    ReviewRequest,
    WoundAssessment,
)

# telemon's own code systems, for what no standard one names (alert rules, programmes).
ALERT_RULE_SYSTEM = "urn:telemon:alert-rule"
PROGRAMME_SYSTEM = "urn:telemon:programme"
SEVERITY_SYSTEM = "urn:telemon:alert-severity"
REVIEW_STATUS_SYSTEM = "urn:telemon:review-status"
MESSAGE_CLIENT_ID_SYSTEM = "urn:telemon:message-client-id"
MESSAGE_WORK_SYSTEM = "urn:telemon:message-work"
RFC3986 = "urn:ietf:rfc:3986"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/flag-priority-code"
MEDIA_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/media-type"
VITAL_SIGNS = frozenset(
    {"spo2", "pulse", "systolic_bp", "diastolic_bp", "weight", "temperature", "respiratory_rate"}
)
_PRIORITY = {"red": "PH", "yellow": "PM", "blue": "PL"}
_TASK_STATUS = {"open": "requested", "answered": "completed", "closed": "completed"}
WOUND_PREFIX = "wound-"
KEPT_PREFIX = "kept-"


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def version_of(moment: datetime) -> str:
    """The version id of a record that changes in place (telemon keeps no history): its last
    change, in milliseconds. A record that never changes is version "1"."""
    return str(int(moment.timestamp() * 1000))


def versioned(resource: dict[str, Any], at: datetime, version: str = "1") -> dict[str, Any]:
    """The resource with meta.versionId and meta.lastUpdated (FHIR R4 2.1.0.4.1)."""
    resource["meta"] = {
        **resource.get("meta", {}),
        "versionId": version,
        "lastUpdated": instant(at),
    }
    return resource


def patient(p: Patient) -> dict[str, Any]:
    data = {
        "id": str(p.id),
        "identifier": [{"system": CPR_SYSTEM, "value": p.cpr}],
        "name": [{"text": p.name}],
        "birthDate": p.birth_date.isoformat(),
    }
    return versioned(build("Patient", data), p.created_at)


def observation(
    o: Observation, interpretation: str | None, sent: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A stored reading: LOINC (and NPU/MCS) codings, UCUM value, interpretation, performer,
    device; its identifier is telemon's idempotency key (client_id) as a URN. A reading that
    came over FHIR (`sent`: telemon.models.ReadingSource) reads back as it was sent: the
    sender's identifiers first, its codings and categories kept, no performer it did not give."""
    unit = CODES[o.code].unit
    quantity: dict[str, Any] = {"value": o.value, "unit": unit, "system": UCUM, "code": unit}
    if o.value_qualifier:
        quantity["comparator"] = o.value_qualifier
    data: dict[str, Any] = {
        "id": str(o.id),
        "identifier": [{"system": RFC3986, "value": f"urn:uuid:{o.client_id}"}],
        "status": "final",
        "code": {"coding": [{"system": s, "code": c} for s, c in codings_for(o.code, o.loinc)]},
        "subject": {"reference": f"Patient/{o.patient_id}"},
        "effectiveDateTime": _as_sent(o.effective_at, o.effective_offset_minutes),
        "issued": instant(o.received_at),
        "performer": [_performer(o)],
        "valueQuantity": quantity,
    }
    if o.code in VITAL_SIGNS:
        data["category"] = [{"coding": [{"system": CATEGORY_SYSTEM, "code": "vital-signs"}]}]
    if sent is not None:
        _as_sent_by_sender(data, sent)
    if interpretation:
        data["interpretation"] = [
            {"coding": [{"system": INTERPRETATION_SYSTEM, "code": interpretation}]}
        ]
    if o.device_id is not None:
        data["device"] = {"reference": f"Device/{o.device_id}", **_display(o.device)}
    elif o.device:
        data["device"] = {"display": o.device}
    return versioned(build("Observation", data), o.received_at)


def kept_observation(k: KeptObservation) -> dict[str, Any]:
    """An Observation kept as sent (telemon.fhir.kept): its own codings, value, identifier and
    performer, as the sender gave them; telemon's id, subject and device."""
    data = {k2: v for k2, v in k.resource.items() if k2 != "resourceType"}
    data["id"] = f"{KEPT_PREFIX}{k.id}"
    data["subject"] = {"reference": f"Patient/{k.patient_id}"}
    data.setdefault("issued", instant(k.received_at))
    if k.device_id is not None:
        data["device"] = {"reference": f"Device/{k.device_id}"}
    return versioned(build("Observation", data), k.received_at)


def panel(
    requested: Observation,
    members: list[tuple[Observation, str | None, dict[str, Any] | None]],
) -> dict[str, Any]:
    """Readings sent as one panel (a blood pressure) read back as that panel: the requested
    reading's id, identifiers and device, the panel's code as sent, one component per reading
    (its codings and value, its interpretation)."""
    by_id = {o.id: (o, i, s) for o, i, s in members}
    o, interpretation, sent = by_id[requested.id]
    data = observation(o, None, sent)
    data.pop("interpretation", None)
    data.pop("valueQuantity", None)
    assert sent is not None
    data["code"] = sent["panel"]["code"]
    components = []
    for member, member_interpretation, _ in members:
        single = observation(member, member_interpretation, by_id[member.id][2])
        component = {"code": single["code"], "valueQuantity": single["valueQuantity"]}
        if "interpretation" in single:
            component["interpretation"] = single["interpretation"]
        components.append(component)
    data["component"] = components
    return versioned(build("Observation", data), o.received_at)


def _as_sent_by_sender(data: dict[str, Any], sent: dict[str, Any]) -> None:
    data["identifier"] = [*sent.get("identifier", []), *data["identifier"]]
    code = dict(sent.get("code") or {})
    ours = data["code"]["coding"]
    theirs = list(code.get("coding") or [])
    pairs = {(c.get("system"), c.get("code")) for c in theirs}
    code["coding"] = theirs + [c for c in ours if (c["system"], c["code"]) not in pairs]
    data["code"] = code
    categories = list(sent.get("category") or [])
    for category in data.get("category", []):
        if category not in categories:
            categories.append(category)
    if categories:
        data["category"] = categories
    if not sent.get("performer_given"):
        data.pop("performer", None)


def kept_resource(k: KeptResource) -> dict[str, Any]:
    """A resource kept as sent (Provenance, QuestionnaireResponse, Media): telemon's id."""
    data = {key: v for key, v in k.resource.items() if key not in ("resourceType", "id")}
    data["id"] = f"{KEPT_PREFIX}{k.id}"
    return versioned(build(k.resource_type, data), k.received_at)


def _display(text: str | None) -> dict[str, str]:
    return {"display": text} if text else {}


def _as_sent(moment: datetime, offset_minutes: int) -> str:
    return moment.astimezone(timezone(timedelta(minutes=offset_minutes))).isoformat()


def _performer(o: Observation) -> dict[str, Any]:
    if o.performer == "patient":
        return {"reference": f"Patient/{o.patient_id}"}
    if o.performer == "device" and o.device_id is not None:
        return {"reference": f"Device/{o.device_id}"}
    kind = {"nurse": "Practitioner", "relative": "RelatedPerson", "device": "Device"}
    return {"type": kind.get(o.performer, "Practitioner"), "display": o.performer}


def device(d: Device) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(d.id),
        "identifier": [{"system": d.identifier_system, "value": d.identifier_value}],
    }
    if d.type_code or d.type_text:
        data["type"] = {
            **({"coding": [{"system": d.type_system, "code": d.type_code}]} if d.type_code else {}),
            **({"text": d.type_text} if d.type_text else {}),
        }
    for key, value in (
        ("manufacturer", d.manufacturer),
        ("modelNumber", d.model),
        ("serialNumber", d.serial_number),
    ):
        if value:
            data[key] = value
    return versioned(build("Device", data), d.created_at)


def device_metric(m: DeviceMetric) -> dict[str, Any]:
    """A device's metric as the gateway described it, its source telemon's Device."""
    data = {k: v for k, v in m.resource.items() if k != "resourceType"}
    data["id"] = str(m.id)
    data["source"] = {"reference": f"Device/{m.device_id}"}
    return versioned(build("DeviceMetric", data), m.updated_at, version_of(m.updated_at))


def flag(a: Alert) -> dict[str, Any]:
    """An alert: severity as the flag's priority (red high, yellow medium, blue low), the
    programme and the rule (with the measurement's LOINC code where the rule names one). Not
    the reason text: that is for the web UI, in the reader's language."""
    codings = [{"system": ALERT_RULE_SYSTEM, "code": a.rule}]
    measured = next((part for part in a.rule.split(".") if part in CODES), None)
    if measured and CODES[measured].loinc:
        codings.append({"system": LOINC, "code": str(CODES[measured].loinc)})
    period = {"start": instant(a.raised_at)}
    if a.resolved_at is not None:
        period["end"] = instant(a.resolved_at)
    flag_resource = build(
        "Flag",
        {
            "id": str(a.id),
            "extension": [
                {
                    "url": FLAG_PRIORITY,
                    "valueCodeableConcept": {
                        "coding": [{"system": FLAG_PRIORITY_SYSTEM, "code": _PRIORITY[a.severity]}]
                    },
                }
            ],
            "status": "inactive" if a.status == "resolved" else "active",
            "category": [
                {"coding": [{"system": PROGRAMME_SYSTEM, "code": a.programme}]},
                {"coding": [{"system": SEVERITY_SYSTEM, "code": a.severity}]},
            ],
            "code": {"coding": codings},
            "subject": {"reference": f"Patient/{a.patient_id}"},
            "period": period,
        },
    )
    return versioned(flag_resource, a.updated_at, version_of(a.updated_at))


def task(r: ReviewRequest) -> dict[str, Any]:
    """A wound review request; its answer is the Communication of the same id."""
    data: dict[str, Any] = {
        "id": str(r.id),
        "status": _TASK_STATUS[r.status],
        "businessStatus": {"coding": [{"system": REVIEW_STATUS_SYSTEM, "code": r.status}]},
        "intent": "order",
        "priority": "urgent" if r.urgency == "urgent" else "routine",
        "description": r.question,
        "for": {"reference": f"Patient/{r.patient_id}"},
        "authoredOn": instant(r.requested_at),
        "lastModified": instant(r.acknowledged_at or r.answered_at or r.requested_at),
        "restriction": {"period": {"end": instant(r.due_at)}},
        "owner": {"display": r.care_team.name},
    }
    if r.assessment_id is not None:
        data["focus"] = {"reference": f"Observation/{WOUND_PREFIX}{r.assessment_id}"}
    if r.answered_at is not None:
        data["output"] = [
            {"type": {"text": "reply"}, "valueReference": {"reference": f"Communication/{r.id}"}}
        ]
    return versioned(build("Task", data), _changed(r), version_of(_changed(r)))


def _changed(r: ReviewRequest) -> datetime:
    """When the review request last changed (requested, seen, answered, acknowledged)."""
    moments = (r.requested_at, r.first_seen_at, r.answered_at, r.acknowledged_at, r.escalated_at)
    return max(m for m in moments if m is not None)


def communication(r: ReviewRequest) -> dict[str, Any]:
    """The wound clinic's reply to a review request (answered requests only)."""
    data: dict[str, Any] = {
        "id": str(r.id),
        "status": "completed",
        "basedOn": [{"reference": f"Task/{r.id}"}],
        "subject": {"reference": f"Patient/{r.patient_id}"},
        "payload": [{"contentString": r.instructions or ""}],
    }
    if r.answered_at is not None:
        data["sent"] = instant(r.answered_at)
    if r.acknowledged_at is not None:
        data["received"] = instant(r.acknowledged_at)
    return versioned(build("Communication", data), r.answered_at or r.requested_at)


def message_communication(m: Message) -> dict[str, Any]:
    """A message of a patient's thread (Communication/msg-{id}): who wrote, to whom, when it
    was read, and whether the team still owes an answer (telemon.messages)."""
    patient = {"reference": f"Patient/{m.patient_id}"}
    team = {"display": m.care_team.name}
    name = m.sender.username if m.sender is not None else m.sender_display or ""
    sender: dict[str, Any] = patient if m.sender_role == "patient" else {"display": name}
    read_at = m.read_by_patient_at if m.from_team else m.read_by_team_at
    data: dict[str, Any] = {
        "id": f"msg-{m.id}",
        "identifier": [{"system": MESSAGE_CLIENT_ID_SYSTEM, "value": m.client_id}],
        "status": "completed",
        "category": [{"coding": [{"system": MESSAGE_WORK_SYSTEM, "code": m.work_status}]}],
        "subject": patient,
        "sent": instant(m.sent_at),
        "sender": sender,
        "recipient": [patient if m.from_team else team],
        "payload": [{"contentString": m.body}],
    }
    if read_at is not None:
        data["received"] = instant(read_at)
    if m.reply_to_id is not None:
        data["inResponseTo"] = [{"reference": f"Communication/msg-{m.reply_to_id}"}]
    # Read and handled change a message in place: its version is its last change.
    changes = (m.read_by_team_at, m.read_by_patient_at, m.read_by_organisation_at, m.handled_at)
    changed = max([m.sent_at, *(t for t in changes if t is not None)])
    return versioned(build("Communication", data), changed, version_of(changed))


def media(p: Photo, base_url: str) -> dict[str, Any]:
    """A wound photo's description; the image itself is served by /api/v1/photos/{id}, after
    the same access check."""
    assessment = p.assessment
    media_resource = build(
        "Media",
        {
            "id": str(p.id),
            "status": "completed",
            "type": {"coding": [{"system": MEDIA_TYPE_SYSTEM, "code": "image"}]},
            "subject": {"reference": f"Patient/{assessment.wound.patient_id}"},
            "createdDateTime": instant(assessment.assessed_at),
            "issued": instant(p.uploaded_at),
            "bodySite": {"text": assessment.wound.body_site},
            "height": p.height,
            "width": p.width,
            "content": {
                "contentType": p.media_type,
                "url": f"{base_url}/api/v1/photos/{p.id}",
                "size": p.size,
            },
        },
    )
    return versioned(media_resource, p.uploaded_at)


def wound_observation(a: WoundAssessment) -> dict[str, Any]:
    """A wound assessment as the wound-size panel (LOINC 72287-6): length, width, depth (cm) and
    area (cm2) components, derived from its photos."""
    components = []
    for name, (loinc, unit) in WOUND_SIZE_LOINC.items():
        value = getattr(a, name)
        if value is not None:
            components.append(
                {
                    "code": {"coding": [{"system": LOINC, "code": loinc}]},
                    "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
                }
            )
    data: dict[str, Any] = {
        "id": f"{WOUND_PREFIX}{a.id}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": WOUND_PANEL_LOINC}]},
        "subject": {"reference": f"Patient/{a.wound.patient_id}"},
        "effectiveDateTime": instant(a.assessed_at),
        "issued": instant(a.recorded_at),
        "bodySite": {"text": a.wound.body_site},
        "component": components,
    }
    if a.photos:
        data["derivedFrom"] = [{"reference": f"Media/{p.id}"} for p in a.photos]
    if a.note:
        data["note"] = [{"text": a.note}]
    return versioned(build("Observation", data), a.recorded_at)


def searchset(
    entries: list[tuple[str, dict[str, Any]]],
    base_url: str,
    self_url: str,
    next_url: str | None,
    total: int | None = None,
    included: list[tuple[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A searchset Bundle of (type, resource) pairs with self and next links; the total when
    counted, resources an _include asked for (search mode "include")."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    found = [(kind, resource, "match") for kind, resource in entries]
    found += [(kind, resource, "include") for kind, resource in included or []]
    data: dict[str, Any] = {
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base_url}/fhir/{kind}/{resource['id']}",
                "resource": resource,
                "search": {"mode": mode},
            }
            for kind, resource, mode in found
        ],
    }
    if total is not None:
        data["total"] = total
    if not data["entry"]:
        data.pop("entry")
    return build("Bundle", data)
