"""MedCom HospitalNotification messages built to the profiles (dk-medcom-hospitalnotification,
dk-medcom-messaging), as a region's broker delivers them, and the checks every Acknowledgement
telemon answers with must pass (dk-medcom-acknowledgement). Shared by the unit and e2e tests.

The shape follows MedCom's published test examples (HospitalNotification_Ex_STIN_A and
friends): a message Bundle whose first entry is the MessageHeader (event
hospital-notification-message, a primary destination, the sender and receiver Organizations
with SOR and EAN identifiers, the focus the Encounter), the Patient with a CPR number, the
Encounter (status, class, episode of care, period, serviceProvider, a leave period extension),
and a Provenance targeting the MessageHeader with the activity; a cancellation or correction's
Provenance names the earlier MessageHeader (entity role removal/revision) and the earlier
messages' Provenances ride along. All data is synthetic.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

TERMINOLOGY = "http://medcomfhir.dk/ig/terminology/CodeSystem/"
SOR = "urn:oid:1.2.208.176.1.1"
EAN = "https://www.gs1.org/gln"
CPR = "urn:oid:1.2.208.176.1.2"
BASE = "https://medcomfhir.dk/ig/hospitalnotification/"
HOSPITAL_SOR = "265161000016000"  # MedCom's examples' sending department
MUNICIPALITY_SOR = "953741000016009"  # MedCom's examples' receiving municipality
DEPARTMENT = "Lungemedicinsk afdeling, Syntetisk Hospital"
LEAVE_EXTENSION = (
    "http://medcomfhir.dk/ig/hospitalnotification/StructureDefinition/"
    "medcom-hospitalnotification-leave-period-extension"
)

# Our event code -> (MedCom activity code, Encounter status).
ACTIVITIES = {
    "STIN": ("admit-inpatient", "in-progress"),
    "STAA": ("admit-emergency", "in-progress"),
    "STOR": ("start-leave-inpatient", "onleave"),
    "SLOR": ("end-leave-inpatient", "in-progress"),
    "SLHJ": ("discharge-inpatient-home", "finished"),
    "MORS": ("discharge-inpatient-home", "finished"),  # with a deceased Patient
}


def new_id() -> str:
    return str(uuid.uuid4())


def notification(
    event: str,
    *,
    cpr: str,
    episode: str,
    start: datetime,
    end: datetime | None = None,
    leave: tuple[datetime, datetime | None] | None = None,
    action: str = "new",
    refers_to: str | None = None,
    history: list[tuple[str, str]] | None = None,
    message_id: str | None = None,
    department: str = DEPARTMENT,
    occurred: datetime | None = None,
) -> dict[str, Any]:
    """A HospitalNotification message for `event` (STIN, STAA, STOR, SLOR, SLHJ, MORS).

    action "cancel" or "revise" makes it AN_/RE_ of the message `refers_to` (its MessageHeader
    id); `history` lists earlier messages of the stay as (MessageHeader id, activity code), whose
    Provenances ride along as MedCom's examples carry them."""
    activity, status = ACTIVITIES[event]
    if action == "cancel":
        activity, status = f"cancel-{activity}", "entered-in-error"
    elif action == "revise":
        activity = f"revise-{activity}"
    message_id = message_id or new_id()
    patient_id, encounter_id, sender_id, receiver_id, provenance_id = (new_id() for _ in range(5))
    occurred = occurred or end or (leave[1] or leave[0] if leave else None) or start
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{patient_id}"},
        "episodeOfCare": [
            {
                "identifier": {
                    "system": f"https://sor2.sum.dsdn.dk/#id={HOSPITAL_SOR}",
                    "value": episode,
                }
            }
        ],
        "period": {"start": start.isoformat(), **({"end": end.isoformat()} if end else {})},
        "serviceProvider": {"reference": f"Organization/{sender_id}"},
    }
    if event == "STAA":
        encounter["class"]["code"] = "EMER"
    if leave is not None:
        encounter["extension"] = [
            {
                "url": LEAVE_EXTENSION,
                "valuePeriod": {
                    "start": leave[0].isoformat(),
                    **({"end": leave[1].isoformat()} if leave[1] else {}),
                },
            }
        ]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": CPR, "value": cpr}],
        "name": [{"use": "official", "family": "Syntetisk", "given": ["Patient"]}],
    }
    if event == "MORS":
        patient["deceasedBoolean"] = True
    provenance: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": provenance_id,
        "target": [{"reference": f"MessageHeader/{message_id}"}],
        "occurredDateTime": occurred.isoformat(),
        "recorded": occurred.isoformat(),
        "activity": {
            "coding": [{"system": TERMINOLOGY + "medcom-messaging-activityCodes", "code": activity}]
        },
        "agent": [{"who": {"reference": f"Organization/{sender_id}"}}],
    }
    if refers_to is not None:
        role = "removal" if action == "cancel" else "revision"
        provenance["entity"] = [{"role": role, "what": {"reference": f"MessageHeader/{refers_to}"}}]
    header = {
        "resourceType": "MessageHeader",
        "id": message_id,
        "eventCoding": {
            "system": TERMINOLOGY + "medcom-messaging-eventCodes",
            "code": "hospital-notification-message",
        },
        "destination": [
            {
                "extension": [
                    {
                        "url": "http://medcomfhir.dk/ig/messaging/StructureDefinition/"
                        "medcom-messaging-destinationUseExtension",
                        "valueCoding": {
                            "system": TERMINOLOGY + "medcom-messaging-destinationUse",
                            "code": "primary",
                        },
                    }
                ],
                "endpoint": f"https://sor2.sum.dsdn.dk/#id={MUNICIPALITY_SOR}",
                "receiver": {"reference": f"Organization/{receiver_id}"},
            }
        ],
        "sender": {"reference": f"Organization/{sender_id}"},
        "source": {"endpoint": f"https://sor2.sum.dsdn.dk/#id={HOSPITAL_SOR}"},
        "focus": [{"reference": f"Encounter/{encounter_id}"}],
    }
    sender = _organisation(sender_id, HOSPITAL_SOR, "5790000209354", department)
    receiver = _organisation(receiver_id, MUNICIPALITY_SOR, "5790001348120", "Syntetisk Kommune")
    entries = [header, patient, encounter, sender, receiver, provenance]
    for earlier_id, earlier_activity in history or []:
        earlier = {k: v for k, v in provenance.items() if k != "entity"}
        earlier["id"] = new_id()
        earlier["target"] = [{"reference": f"MessageHeader/{earlier_id}"}]
        earlier["activity"] = {
            "coding": [
                {"system": TERMINOLOGY + "medcom-messaging-activityCodes", "code": earlier_activity}
            ]
        }
        entries.append(earlier)
    return {
        "resourceType": "Bundle",
        "id": new_id(),
        "meta": {
            "profile": [
                "http://medcomfhir.dk/ig/hospitalnotification/StructureDefinition/"
                "medcom-hospitalNotification-message"
            ]
        },
        "type": "message",
        "timestamp": occurred.isoformat(),
        "entry": [
            {"fullUrl": f"{BASE}{r['resourceType']}/{r['id']}", "resource": r} for r in entries
        ],
    }


def header_id(message: dict[str, Any]) -> str:
    return str(message["entry"][0]["resource"]["id"])


def _organisation(rid: str, sor: str, ean: str, name: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": rid,
        "identifier": [{"system": SOR, "value": sor}, {"system": EAN, "value": ean}],
        "name": name,
    }


# ---- checking an Acknowledgement -------------------------------------------------------------

ACK_EVENT_SYSTEMS = (
    TERMINOLOGY + "medcom-messaging-eventCodes",
    "http://medcomfhir.dk/fhir/dk-medcom-terminology/CodeSystem/medcom-messaging-eventCodes",
)


def check_acknowledgement(ack: dict[str, Any], answered: dict[str, Any], code: str) -> None:
    """The Acknowledgement answering `answered` is valid: FHIR structure by fhir.resources (an
    independent model), and the profiles' rules MedCom's IGs state:
    - Bundle: type message, a timestamp, the MessageHeader first, every reference resolves
      inside the Bundle (or names the answered MessageHeader);
    - MessageHeader (medcom-messaging-acknowledgementHeader): eventCoding acknowledgement-message
      from MedCom's event codes; one primary destination (use extension) whose endpoint is the
      answered message's source and whose receiver is the answered sender's Organization;
      sender the answered receiver's Organization (SOR); source endpoint; response with
      identifier = the answered MessageHeader id and the code; details -> an OperationOutcome
      when the code is not ok (medcom-acknowledgement-1);
    - two Provenances (MedComMessagingProvenance): one for this answer (activity
      acknowledgement, target this MessageHeader, agent, entity revision of the answered one),
      one for the answered message (its activity);
    - Organizations with SOR identifiers (urn:oid:1.2.208.176.1.1);
    - OperationOutcome issues with severity, code and details.
    """
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(ack)  # raises on any structural error
    assert ack["type"] == "message" and ack["timestamp"]
    entries = ack["entry"]
    resources = [e["resource"] for e in entries]
    by_url = {e["fullUrl"]: e["resource"] for e in entries}
    header = resources[0]
    assert header["resourceType"] == "MessageHeader"
    assert header["eventCoding"]["system"] in ACK_EVENT_SYSTEMS
    assert header["eventCoding"]["code"] == "acknowledgement-message"
    their_header = answered["entry"][0]["resource"]
    (destination,) = header["destination"]
    (use,) = destination["extension"]
    assert use["url"].endswith("medcom-messaging-destinationUseExtension")
    assert use["valueCoding"]["code"] == "primary"
    assert destination["endpoint"] == their_header["source"]["endpoint"]
    assert header["source"]["endpoint"] == their_header["destination"][0]["endpoint"]
    receiver = by_url[destination["receiver"]["reference"]]
    sender = by_url[header["sender"]["reference"]]
    answered_sender = _resolve(answered, their_header["sender"]["reference"])
    answered_receiver = _resolve(answered, their_header["destination"][0]["receiver"]["reference"])
    assert _sor(receiver) == _sor(answered_sender)
    assert _sor(sender) == _sor(answered_receiver)
    response = header["response"]
    assert response["identifier"] == their_header["id"]
    assert response["code"] == code
    outcomes = [r for r in resources if r["resourceType"] == "OperationOutcome"]
    if code != "ok":
        assert outcomes and by_url[response["details"]["reference"]] is outcomes[0]
    for outcome in outcomes:
        for issue in outcome["issue"]:
            assert issue["severity"] and issue["code"] and issue["details"]["text"]
    provenances = [r for r in resources if r["resourceType"] == "Provenance"]
    assert len(provenances) == 2
    header_url = entries[0]["fullUrl"]
    ours = [p for p in provenances if p["target"][0]["reference"] == header_url]
    assert len(ours) == 1
    assert ours[0]["activity"]["coding"][0]["code"] == "acknowledgement"
    assert ours[0]["activity"]["coding"][0]["system"].endswith("medcom-messaging-activityCodes")
    assert ours[0]["entity"][0]["role"] == "revision"
    assert ours[0]["entity"][0]["what"]["reference"] == f"MessageHeader/{their_header['id']}"
    assert ours[0]["agent"][0]["who"]["reference"] in by_url
    theirs = [p for p in provenances if p is not ours[0]]
    assert theirs[0]["target"][0]["reference"] == f"MessageHeader/{their_header['id']}"
    for organisation in (r for r in resources if r["resourceType"] == "Organization"):
        assert _sor(organisation)


def _resolve(bundle: dict[str, Any], reference: str) -> dict[str, Any]:
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if (
            entry["fullUrl"].endswith(reference)
            or f"{resource['resourceType']}/{resource['id']}" == reference
        ):
            return dict(resource)
    raise AssertionError(f"{reference} is not in the Bundle")


def _sor(organisation: dict[str, Any]) -> str | None:
    for ident in organisation.get("identifier", []):
        if ident.get("system") == SOR:
            return str(ident["value"])
    return None
