"""MedCom CareCommunication (FHIR message, IG version 5.0): read an incoming message Bundle and
build an outgoing one (PURE: plain dicts and values in and out; no Flask, no database).

A CareCommunication message is a Bundle of type `message` whose first entry is the MessageHeader
(event `care-communication-message`, focus the Communication), with exactly one Patient
(identified by CPR), the Communication (identifier, category, status `unknown`, one payload per
message segment: text, date, identifier, author, author's contact), the sender and receiver
Organizations (SOR and EAN/GLN identifiers), the author's Practitioner and PractitionerRole, and
a Provenance (activity new-message or reply-message; the previous message when replying).

telemon reads the newest text segment of an incoming message as one message of the patient's
thread (telemon.messages.service.receive), and builds a team's message to a municipality as a
new message, or as a reply when it answers a received CareCommunication.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

IG_VERSION = "5.0"
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
SOR_SYSTEM = "urn:oid:1.2.208.176.1.1"
GLN_SYSTEM = "https://www.gs1.org/gln"
_IG = "http://medcomfhir.dk/ig"
_TERMINOLOGY = f"{_IG}/terminology/CodeSystem"
PROFILES = {
    "Bundle": f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-message",
    "MessageHeader": (
        f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-messageHeader"
    ),
    "Communication": (
        f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-communication"
    ),
    "Provenance": (
        f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-provenance"
    ),
    "Patient": f"{_IG}/core/StructureDefinition/medcom-core-patient",
    "Organization": f"{_IG}/messaging/StructureDefinition/medcom-messaging-organization",
    "Practitioner": f"{_IG}/core/StructureDefinition/medcom-core-practitioner",
    "PractitionerRole": f"{_IG}/core/StructureDefinition/medcom-core-practitionerrole",
}
EVENT_SYSTEM = f"{_TERMINOLOGY}/medcom-messaging-eventCodes"
EVENT_CODE = "care-communication-message"
CATEGORY_SYSTEM = f"{_TERMINOLOGY}/medcom-careCommunication-categoryCodes"
ACTIVITY_SYSTEM = f"{_TERMINOLOGY}/medcom-messaging-activityCodes"
DESTINATION_USE_SYSTEM = f"{_TERMINOLOGY}/medcom-messaging-destinationUse"
DESTINATION_USE_URL = (
    f"{_IG}/messaging/StructureDefinition/medcom-messaging-destinationUseExtension"
)
ROLE_SYSTEM = f"{_TERMINOLOGY}/medcom-core-PractitionerRolesSKSadministrativ"
DEFINITION = (
    f"{_IG}/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition"
    f"|{IG_VERSION}"
)
_EXT = f"{_IG}/core/StructureDefinition"
DATE_EXTENSION = f"{_EXT}/medcom-core-datetime-extension"
IDENTIFIER_EXTENSION = f"{_EXT}/medcom-core-identifier-extension"
AUTHOR_EXTENSION = f"{_EXT}/medcom-core-practitioner-extension"
CONTACT_EXTENSION = f"{_EXT}/medcom-core-contact-extension"
# Categories of the IG's value set that a message about home monitoring may carry.
CATEGORIES = (
    "carecoordination",
    "examination-results",
    "medication",
    "other",
    "regarding-referral",
    "rehabilitation",
    "training",
)
SOR_ENDPOINT = "https://sor2.sum.dsdn.dk/#id={sor}"
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
# Who telemon's staff are as SKS administrative practitioner roles.
ROLE_CODES = {"clinician": "laege", "nurse": "sygeplejerske", "gp": "laege"}
# A stable namespace: an outgoing message's ids follow from telemon's message id, so that the
# same message fetched twice is the same MedCom message (the broker drops the copy).
_NAMESPACE = uuid.UUID("6f1f2b1e-3c4d-4e8a-9a7b-5d2c1e0f9a11")


class CareCommunicationError(ValueError):
    """The Bundle is not a CareCommunication telemon can read; `path` names the element."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text)
        self.text = text
        self.path = path


@dataclass(frozen=True)
class Party:
    """An organisation as MedCom names it: SOR code and EAN (GLN) number."""

    name: str
    sor: str
    ean: str


@dataclass(frozen=True)
class Received:
    """What telemon keeps of an incoming CareCommunication."""

    message_id: str  # MessageHeader.id: the message, once
    cpr: str
    text: str
    category: str
    topic: str | None
    sender: Party
    receiver: Party
    author: str  # the segment's author as named (given and family name, role)
    written_at: str  # the segment's date, as sent
    previous_message_id: str | None  # the MessageHeader it replies to, when it does


@dataclass(frozen=True)
class Outgoing:
    """A care team's message to a municipality, as a CareCommunication."""

    message_key: str  # telemon's own id for the message: the MedCom ids follow from it
    sent_at: datetime  # aware
    text: str
    patient_cpr: str
    patient_family: str
    patient_given: str
    sender: Party
    receiver: Party
    author_name: str
    author_role: str  # telemon's role: clinician, nurse, gp
    author_contact: str  # the team's e-mail address: how the receiver reaches the author
    category: str = "carecoordination"
    topic: str | None = None
    previous_message_id: str | None = None  # a received CareCommunication answered


# ---- reading ----------------------------------------------------------------------------------


def _resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise CareCommunicationError("The Bundle has no entries.", "Bundle.entry")
    found = []
    for n, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise CareCommunicationError("An entry has no resource.", f"Bundle.entry[{n}]")
        found.append(resource)
    return found


def _index(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Resources by the references that may name them: "Type/id"."""
    return {f"{r['resourceType']}/{r.get('id')}": r for r in resources if r.get("id")}


def _resolve(index: dict[str, dict[str, Any]], ref: Any, path: str) -> dict[str, Any]:
    reference = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(reference, str):
        raise CareCommunicationError("A reference is missing.", path)
    # Relative ("Organization/x") or absolute ("https://…/Organization/x"): the last two parts.
    key = "/".join(reference.rstrip("/").split("/")[-2:])
    if key not in index:
        raise CareCommunicationError(f"{reference} is not in the Bundle.", path)
    return index[key]


def _identifier(resource: dict[str, Any], system: str) -> str | None:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            value = identifier.get("value")
            return value if isinstance(value, str) and value else None
    return None


def _party(organization: dict[str, Any], path: str) -> Party:
    sor = _identifier(organization, SOR_SYSTEM)
    if sor is None:
        raise CareCommunicationError("The organisation has no SOR identifier.", path)
    return Party(
        name=str(organization.get("name") or ""),
        sor=sor,
        ean=_identifier(organization, GLN_SYSTEM) or "",
    )


def _extension(element: dict[str, Any], url: str) -> dict[str, Any] | None:
    for extension in element.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == url:
            return extension
    return None


def _author(index: dict[str, dict[str, Any]], segment: dict[str, Any]) -> str:
    extension = _extension(segment, AUTHOR_EXTENSION)
    if extension is None:
        return ""
    try:
        role = _resolve(index, extension.get("valueReference"), "payload.extension[author]")
    except CareCommunicationError:
        return ""
    person = role
    if role.get("resourceType") == "PractitionerRole" and role.get("practitioner"):
        try:
            person = _resolve(index, role["practitioner"], "PractitionerRole.practitioner")
        except CareCommunicationError:
            person = {}
    names = person.get("name") or [{}]
    name = names[0] if isinstance(names, list) and names else {}
    given = " ".join(name.get("given") or []) if isinstance(name, dict) else ""
    family = name.get("family", "") if isinstance(name, dict) else ""
    code = ""
    for concept in role.get("code") or []:
        for coding in concept.get("coding") or [] if isinstance(concept, dict) else []:
            code = coding.get("code", "") if isinstance(coding, dict) else code
    text = f"{given} {family}".strip()
    return f"{text} ({code})" if code and text else text or code


def message_from_carecommunication(bundle: dict[str, Any]) -> Received:
    """The incoming message, checked against the profile's required elements; a
    CareCommunicationError naming the element when it is not one telemon can read."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise CareCommunicationError("Not a Bundle.", "Bundle")
    if bundle.get("type") != "message":
        raise CareCommunicationError(
            "A CareCommunication is a Bundle of type message.", "Bundle.type"
        )
    resources = _resources(bundle)
    header = resources[0]
    if header["resourceType"] != "MessageHeader":
        raise CareCommunicationError(
            "The first entry must be the MessageHeader.", "Bundle.entry[0]"
        )
    event = header.get("eventCoding") or {}
    if event.get("system") != EVENT_SYSTEM or event.get("code") != EVENT_CODE:
        raise CareCommunicationError(
            "The MessageHeader's event is not care-communication-message.",
            "MessageHeader.eventCoding",
        )
    message_id = header.get("id")
    if not isinstance(message_id, str) or not _FHIR_ID.fullmatch(message_id):
        raise CareCommunicationError("The MessageHeader has no valid id.", "MessageHeader.id")
    index = _index(resources)
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise CareCommunicationError("The Bundle must hold exactly one Patient.", "Bundle.entry")
    cpr = _identifier(patients[0], CPR_SYSTEM)
    if cpr is None:
        raise CareCommunicationError("The Patient has no CPR identifier.", "Patient.identifier")
    communication = _resolve(index, (header.get("focus") or [None])[0], "MessageHeader.focus")
    if communication["resourceType"] != "Communication":
        raise CareCommunicationError("The focus is not a Communication.", "MessageHeader.focus")
    subject = _resolve(index, communication.get("subject"), "Communication.subject")
    if subject is not patients[0]:
        raise CareCommunicationError(
            "The subject is not the Bundle's Patient.", "Communication.subject"
        )
    categories = communication.get("category") or []
    codings = categories[0].get("coding") or [] if categories else []
    category = next((c.get("code") for c in codings if c.get("system") == CATEGORY_SYSTEM), None)
    if category is None:
        raise CareCommunicationError("The Communication has no category.", "Communication.category")
    topic = (communication.get("topic") or {}).get("text")
    if category == "other" and not topic:
        raise CareCommunicationError(
            "A message of category other needs a topic.", "Communication.topic"
        )
    texts = [
        p for p in communication.get("payload") or [] if isinstance(p.get("contentString"), str)
    ]
    if not texts:
        raise CareCommunicationError("The Communication has no text.", "Communication.payload")
    # The newest segment first (MedCom puts it first; its date says so too).
    newest = texts[0]
    if (
        _extension(newest, DATE_EXTENSION) is None
        or _extension(newest, IDENTIFIER_EXTENSION) is None
    ):
        raise CareCommunicationError(
            "A text segment needs its date and identifier.", "Communication.payload[0].extension"
        )
    destinations = header.get("destination") or [{}]
    receiver = _resolve(
        index, destinations[0].get("receiver"), "MessageHeader.destination.receiver"
    )
    sender = _resolve(index, header.get("sender"), "MessageHeader.sender")
    return Received(
        message_id=message_id,
        cpr=cpr,
        text=newest["contentString"],
        category=category,
        topic=topic,
        sender=_party(sender, "MessageHeader.sender"),
        receiver=_party(receiver, "MessageHeader.destination.receiver"),
        author=_author(index, newest),
        written_at=str((_extension(newest, DATE_EXTENSION) or {}).get("valueDateTime", "")),
        previous_message_id=_previous(resources, message_id),
    )


def _previous(resources: list[dict[str, Any]], message_id: str) -> str | None:
    """The MessageHeader id of the message this one answers (Provenance, role revision)."""
    for provenance in (r for r in resources if r["resourceType"] == "Provenance"):
        target = ((provenance.get("target") or [{}])[0] or {}).get("reference", "")
        if not target.endswith(message_id):
            continue
        for entity in provenance.get("entity") or []:
            reference = (entity.get("what") or {}).get("reference")
            if entity.get("role") == "revision" and isinstance(reference, str):
                return reference.rstrip("/").split("/")[-1]
    return None


# ---- building ---------------------------------------------------------------------------------


def _id(out: Outgoing, part: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{out.message_key}:{part}"))


def message_header_id(message_key: str) -> str:
    """The MessageHeader id of the CareCommunication built for this message key: how a reply
    that names it (Provenance) is matched to the message it answers."""
    return str(uuid.uuid5(_NAMESPACE, f"{message_key}:MessageHeader"))


def _organization(party: Party, rid: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": rid,
        "meta": {"profile": [PROFILES["Organization"]]},
        "identifier": [
            {"system": GLN_SYSTEM, "value": party.ean},
            {"system": SOR_SYSTEM, "value": party.sor},
        ],
        "name": party.name,
    }


def _narrative(text: str) -> dict[str, str]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escaped}</div>',
    }


def carecommunication_bundle(out: Outgoing, base_url: str) -> dict[str, Any]:
    """The message as a CareCommunication message Bundle. `base_url` is where its entries'
    fullUrls live (telemon's /fhir); references inside are relative ("Type/id")."""
    ids = {
        kind: _id(out, kind)
        for kind in (
            "Bundle",
            "MessageHeader",
            "Patient",
            "Communication",
            "Practitioner",
            "PractitionerRole",
            "sender",
            "receiver",
            "Provenance",
        )
    }
    sent = out.sent_at.isoformat()
    given, _, family = out.author_name.rpartition(" ")
    practitioner = {
        "resourceType": "Practitioner",
        "id": ids["Practitioner"],
        "meta": {"profile": [PROFILES["Practitioner"]]},
        "name": [{"family": family or out.author_name, **({"given": [given]} if given else {})}],
    }
    role = {
        "resourceType": "PractitionerRole",
        "id": ids["PractitionerRole"],
        "meta": {"profile": [PROFILES["PractitionerRole"]]},
        "practitioner": {"reference": f"Practitioner/{ids['Practitioner']}"},
        "organization": {"reference": f"Organization/{ids['sender']}"},
        "code": [
            {"coding": [{"system": ROLE_SYSTEM, "code": ROLE_CODES.get(out.author_role, "laege")}]}
        ],
    }
    patient = {
        "resourceType": "Patient",
        "id": ids["Patient"],
        "meta": {"profile": [PROFILES["Patient"]]},
        "identifier": [{"system": CPR_SYSTEM, "value": out.patient_cpr}],
        "name": [
            {
                "use": "official",
                "family": out.patient_family,
                **({"given": [out.patient_given]} if out.patient_given else {}),
            }
        ],
    }
    payload_identifier = f"urn:uuid:{_id(out, 'payload')}"
    communication: dict[str, Any] = {
        "resourceType": "Communication",
        "id": ids["Communication"],
        "meta": {"profile": [PROFILES["Communication"]]},
        "text": _narrative(out.text),
        "identifier": [{"value": f"urn:uuid:{_id(out, 'identifier')}"}],
        "status": "unknown",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": out.category}]}],
        "subject": {"reference": f"Patient/{ids['Patient']}"},
        "payload": [
            {
                "extension": [
                    {"url": DATE_EXTENSION, "valueDateTime": sent},
                    {
                        "url": IDENTIFIER_EXTENSION,
                        "valueIdentifier": {
                            "value": payload_identifier,
                            "assigner": {"reference": f"Organization/{ids['sender']}"},
                        },
                    },
                    {
                        "url": AUTHOR_EXTENSION,
                        "valueReference": {
                            "reference": f"PractitionerRole/{ids['PractitionerRole']}"
                        },
                    },
                    {
                        "url": CONTACT_EXTENSION,
                        "valueContactPoint": {"system": "email", "value": out.author_contact},
                    },
                ],
                "contentString": out.text,
            }
        ],
    }
    if out.topic:
        communication["topic"] = {"text": out.topic}
    header = {
        "resourceType": "MessageHeader",
        "id": ids["MessageHeader"],
        "meta": {"profile": [PROFILES["MessageHeader"]]},
        "eventCoding": {"system": EVENT_SYSTEM, "code": EVENT_CODE},
        "destination": [
            {
                "extension": [
                    {
                        "url": DESTINATION_USE_URL,
                        "valueCoding": {"system": DESTINATION_USE_SYSTEM, "code": "primary"},
                    }
                ],
                "endpoint": SOR_ENDPOINT.format(sor=out.receiver.sor),
                "receiver": {"reference": f"Organization/{ids['receiver']}"},
            }
        ],
        "sender": {"reference": f"Organization/{ids['sender']}"},
        "source": {"endpoint": SOR_ENDPOINT.format(sor=out.sender.sor)},
        "focus": [{"reference": f"Communication/{ids['Communication']}"}],
        "definition": DEFINITION,
    }
    entities: list[dict[str, Any]] = [
        {"role": "source", "what": {"identifier": {"value": payload_identifier}}}
    ]
    if out.previous_message_id:
        entities.append(
            {"role": "revision", "what": {"reference": f"MessageHeader/{out.previous_message_id}"}}
        )
    provenance = {
        "resourceType": "Provenance",
        "id": ids["Provenance"],
        "meta": {"profile": [PROFILES["Provenance"]]},
        "target": [{"reference": f"MessageHeader/{ids['MessageHeader']}"}],
        "occurredDateTime": sent,
        "recorded": sent,
        "activity": {
            "coding": [
                {
                    "system": ACTIVITY_SYSTEM,
                    "code": "reply-message" if out.previous_message_id else "new-message",
                }
            ]
        },
        "agent": [{"who": {"reference": f"Organization/{ids['sender']}"}}],
        "entity": entities,
    }
    resources = [
        header,
        patient,
        communication,
        practitioner,
        role,
        _organization(out.sender, ids["sender"]),
        _organization(out.receiver, ids["receiver"]),
        provenance,
    ]
    return {
        "resourceType": "Bundle",
        "id": ids["Bundle"],
        "meta": {"profile": [PROFILES["Bundle"]]},
        "type": "message",
        "timestamp": sent,
        "entry": [
            {"fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
