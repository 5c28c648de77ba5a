"""MedCom CareCommunication in the tests: a message Bundle built to the profile as a region's
system sends it (synthetic people, the IG's shape), and the profile's required elements and
code systems checked on a Bundle telemon builds (beside fhirclient's and fhir.resources' own
structural validation)."""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle as R4BBundle
from fhirclient.models.bundle import Bundle as R4Bundle

from telemon.medcom import carecommunication as cc

HOSPITAL_SOR, HOSPITAL_EAN = "953741000016009", "5790001348120"
MUNICIPALITY_SOR, MUNICIPALITY_EAN = "265161000016000", "5790000209354"


def incoming(
    cpr: str,
    text: str,
    *,
    message_id: str | None = None,
    previous: str | None = None,
    sender_sor: str = MUNICIPALITY_SOR,
    receiver_sor: str = HOSPITAL_SOR,
    category: str = "carecoordination",
) -> dict[str, Any]:
    """A CareCommunication from a municipality's home nurse to the hospital: new, or a reply
    to the message whose MessageHeader id is `previous`."""
    ids = {k: str(uuid.uuid4()) for k in ("pat", "com", "prac", "role", "snd", "rcv", "prov")}
    header_id = message_id or str(uuid.uuid4())
    base = "https://medcom.example.invalid/fhir"

    def org(rid: str, sor: str, ean: str, name: str) -> dict[str, Any]:
        return {
            "resourceType": "Organization",
            "id": rid,
            "meta": {"profile": [cc.PROFILES["Organization"]]},
            "identifier": [
                {"system": cc.GLN_SYSTEM, "value": ean},
                {"system": cc.SOR_SYSTEM, "value": sor},
            ],
            "name": name,
        }

    resources: list[dict[str, Any]] = [
        {
            "resourceType": "MessageHeader",
            "id": header_id,
            "meta": {"profile": [cc.PROFILES["MessageHeader"]]},
            "eventCoding": {"system": cc.EVENT_SYSTEM, "code": cc.EVENT_CODE},
            "destination": [
                {
                    "extension": [
                        {
                            "url": cc.DESTINATION_USE_URL,
                            "valueCoding": {"system": cc.DESTINATION_USE_SYSTEM, "code": "primary"},
                        }
                    ],
                    "endpoint": cc.SOR_ENDPOINT.format(sor=receiver_sor),
                    "receiver": {"reference": f"Organization/{ids['rcv']}"},
                }
            ],
            "sender": {"reference": f"Organization/{ids['snd']}"},
            "source": {"endpoint": cc.SOR_ENDPOINT.format(sor=sender_sor)},
            "focus": [{"reference": f"Communication/{ids['com']}"}],
            "definition": cc.DEFINITION,
        },
        {
            "resourceType": "Patient",
            "id": ids["pat"],
            "meta": {"profile": [cc.PROFILES["Patient"]]},
            "identifier": [{"system": cc.CPR_SYSTEM, "value": cpr}],
            "name": [{"use": "official", "family": "Patient", "given": ["Synthetic"]}],
        },
        {
            "resourceType": "Communication",
            "id": ids["com"],
            "meta": {"profile": [cc.PROFILES["Communication"]]},
            "text": {
                "status": "generated",
                "div": '<div xmlns="http://www.w3.org/1999/xhtml">Besked</div>',
            },
            "identifier": [{"value": f"urn:uuid:{uuid.uuid4()}"}],
            "status": "unknown",
            "category": [{"coding": [{"system": cc.CATEGORY_SYSTEM, "code": category}]}],
            "subject": {"reference": f"Patient/{ids['pat']}"},
            "payload": [
                {
                    "extension": [
                        {"url": cc.DATE_EXTENSION, "valueDateTime": "2026-11-23T10:00:00+01:00"},
                        {
                            "url": cc.IDENTIFIER_EXTENSION,
                            "valueIdentifier": {
                                "value": f"urn:uuid:{uuid.uuid4()}",
                                "assigner": {"reference": f"Organization/{ids['snd']}"},
                            },
                        },
                        {
                            "url": cc.AUTHOR_EXTENSION,
                            "valueReference": {"reference": f"PractitionerRole/{ids['role']}"},
                        },
                        {
                            "url": cc.CONTACT_EXTENSION,
                            "valueContactPoint": {"system": "phone", "value": "11223344"},
                        },
                    ],
                    "contentString": text,
                }
            ],
        },
        {
            "resourceType": "Practitioner",
            "id": ids["prac"],
            "meta": {"profile": [cc.PROFILES["Practitioner"]]},
            "name": [{"family": "Sygeplejerske", "given": ["Syntetisk"]}],
        },
        {
            "resourceType": "PractitionerRole",
            "id": ids["role"],
            "meta": {"profile": [cc.PROFILES["PractitionerRole"]]},
            "practitioner": {"reference": f"Practitioner/{ids['prac']}"},
            "code": [{"coding": [{"system": cc.ROLE_SYSTEM, "code": "sygeplejerske"}]}],
        },
        org(ids["snd"], sender_sor, MUNICIPALITY_EAN, "Synthetic Municipality, hjemmeplejen"),
        org(ids["rcv"], receiver_sor, HOSPITAL_EAN, "Synthetic Hospital"),
        {
            "resourceType": "Provenance",
            "id": ids["prov"],
            "meta": {"profile": [cc.PROFILES["Provenance"]]},
            "target": [{"reference": f"MessageHeader/{header_id}"}],
            "occurredDateTime": "2026-11-23T10:00:00+01:00",
            "recorded": "2026-11-23T10:00:00+01:00",
            "activity": {
                "coding": [
                    {
                        "system": cc.ACTIVITY_SYSTEM,
                        "code": "reply-message" if previous else "new-message",
                    }
                ]
            },
            "agent": [{"who": {"reference": f"Organization/{ids['snd']}"}}],
            "entity": [
                {"role": "source", "what": {"identifier": {"value": f"urn:uuid:{uuid.uuid4()}"}}},
                *(
                    [{"role": "revision", "what": {"reference": f"MessageHeader/{previous}"}}]
                    if previous
                    else []
                ),
            ],
        },
    ]
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [cc.PROFILES["Bundle"]]},
        "type": "message",
        "timestamp": "2026-11-23T10:00:00+01:00",
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
    check(bundle)  # the tests' own messages keep to the profile too
    return bundle


def _one(resources: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [r for r in resources if r["resourceType"] == kind]
    assert len(found) == 1, f"exactly one {kind}"
    return found[0]


def check(bundle: dict[str, Any]) -> None:
    """Valid R4 (fhirclient) and R4B (fhir.resources) structure, and the CareCommunication
    profile's required elements, fixed values and code systems."""
    R4Bundle(bundle)
    R4BBundle.model_validate(bundle)
    assert bundle["type"] == "message" and bundle["timestamp"]
    assert bundle["meta"]["profile"] == [cc.PROFILES["Bundle"]]
    resources = [e["resource"] for e in bundle["entry"]]
    assert all(
        e["fullUrl"].endswith(f"{r['resourceType']}/{r['id']}")
        for e, r in zip(bundle["entry"], resources, strict=True)
    )
    by_ref = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    for resource in resources:
        if resource["resourceType"] in cc.PROFILES:
            assert resource["meta"]["profile"] == [cc.PROFILES[resource["resourceType"]]]
    # medcom-careCommunication-1: the MessageHeader first, of the CareCommunication profile.
    header = resources[0]
    assert header["resourceType"] == "MessageHeader"
    assert header["eventCoding"] == {"system": cc.EVENT_SYSTEM, "code": cc.EVENT_CODE}
    (destination,) = header["destination"]
    assert destination["extension"][0]["url"] == cc.DESTINATION_USE_URL
    assert destination["endpoint"].startswith("https://sor2.sum.dsdn.dk/#id=")
    assert by_ref[destination["receiver"]["reference"]]["resourceType"] == "Organization"
    assert by_ref[header["sender"]["reference"]]["resourceType"] == "Organization"
    assert header["source"]["endpoint"]
    (focus,) = header["focus"]
    communication = by_ref[focus["reference"]]
    # medcom-careCommunication-2: exactly one Patient, named by CPR.
    patient = _one(resources, "Patient")
    assert any(
        i["system"] == cc.CPR_SYSTEM and len(i["value"]) == 10 for i in patient["identifier"]
    )
    # The Communication: identifier 1..1, category 1..1 from the IG's codes, status unknown,
    # subject the Patient, a text payload with date, identifier, author and author's contact.
    assert communication["resourceType"] == "Communication"
    assert communication["text"]["div"]
    (identifier,) = communication["identifier"]
    assert identifier["value"].startswith("urn:uuid:")
    (category,) = communication["category"]
    assert category["coding"][0]["system"] == cc.CATEGORY_SYSTEM
    assert category["coding"][0]["code"] in cc.CATEGORIES
    assert communication["status"] == "unknown"
    assert "priority" not in communication or category["coding"][0]["code"] == "regarding-referral"
    if category["coding"][0]["code"] == "other":
        assert communication["topic"]["text"]
    assert by_ref[communication["subject"]["reference"]] is patient
    texts = [p for p in communication["payload"] if "contentString" in p]
    assert texts
    for segment in texts:
        urls = {e["url"] for e in segment["extension"]}
        assert {
            cc.DATE_EXTENSION,
            cc.IDENTIFIER_EXTENSION,
            cc.AUTHOR_EXTENSION,
            cc.CONTACT_EXTENSION,
        } <= urls
    # medcom-careCommunication-4/13: a PractitionerRole names its Practitioner, who has a name.
    for role in (r for r in resources if r["resourceType"] == "PractitionerRole"):
        practitioner = by_ref[role["practitioner"]["reference"]]
        assert practitioner["name"][0]["family"]
        assert role["code"][0]["coding"][0]["system"] == cc.ROLE_SYSTEM
    # Organizations by SOR and EAN (GLN).
    for organisation in (r for r in resources if r["resourceType"] == "Organization"):
        systems = {i["system"] for i in organisation["identifier"]}
        assert {cc.SOR_SYSTEM, cc.GLN_SYSTEM} <= systems
    # medcom-careCommunication-3: the Provenance, of the profile, on this MessageHeader.
    provenance = _one(resources, "Provenance")
    assert provenance["target"][0]["reference"].endswith(header["id"])
    (activity,) = provenance["activity"]["coding"]
    assert activity["system"] == cc.ACTIVITY_SYSTEM
    assert activity["code"] in {"new-message", "reply-message", "forward-message"}
    assert any("identifier" in e["what"] for e in provenance["entity"])  # the payload entity
    if activity["code"] == "reply-message":
        assert any(
            e["role"] == "revision" and "reference" in e["what"] for e in provenance["entity"]
        )
