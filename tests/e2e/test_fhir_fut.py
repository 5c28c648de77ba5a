"""What Danish apps built for FUT send (issue 23, point 6): POST /fhir/$submit-measurement with
a Parameters holding a measurement Bundle whose Observations name the patient and the device by
absolute URLs of FUT's own services, with Provenance, QuestionnaireResponse and Media beside
them. Shapes as the FUT IG writes them, built here (every identifier synthetic); every answer
checked as R4 with the model library."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from fhirclient.models.bundle import Bundle
from fhirclient.models.operationoutcome import OperationOutcome
from fhirclient.models.provenance import Provenance
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Device, KeptResource, Observation, ReadingSource
from tests.helpers import token_for

FHIR = "application/fhir+json"
NPU = "urn:oid:1.2.208.176.2.1"
UCUM = "http://unitsofmeasure.org"
FUT_PATIENT = "https://patient.fut.example/fhir/Patient/98765"
FUT_DEVICE = "https://device.fut.example/fhir/Device/4321"
FUT_ORDER = "https://careplan.fut.example/fhir/ServiceRequest/555"
CET = timezone(timedelta(hours=1))


def _measurement(code: str, value: float, unit: str, taken: str) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"}],
            "basedOn": [{"reference": FUT_ORDER}],
            "code": {"coding": [{"system": NPU, "code": code}]},
            "subject": {"reference": FUT_PATIENT},
            "device": {"reference": FUT_DEVICE},
            "effectivePeriod": {"start": taken, "end": taken},
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        },
        "request": {"method": "POST", "url": "Observation"},
    }


def _submission() -> dict[str, Any]:
    taken = (datetime.now(CET) - timedelta(minutes=8)).isoformat(timespec="seconds")
    systolic = _measurement("DNK05472", 128, "mm[Hg]", taken)
    diastolic = _measurement("DNK05473", 82, "mm[Hg]", taken)
    provenance = {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Provenance",
            "target": [{"reference": systolic["fullUrl"]}, {"reference": diastolic["fullUrl"]}],
            "recorded": taken,
            "agent": [{"who": {"reference": FUT_PATIENT}}],
        },
        "request": {"method": "POST", "url": "Provenance"},
    }
    answers = {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "subject": {"reference": FUT_PATIENT},
            "authored": taken,
            "item": [{"linkId": "1", "answer": [{"valueBoolean": False}]}],
        },
        "request": {"method": "POST", "url": "QuestionnaireResponse"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [systolic, diastolic, provenance, answers],
    }
    return {"resourceType": "Parameters", "parameter": [{"name": "bundle", "resource": bundle}]}


def _submit(client, body: Any, user: str = "patient"):
    headers = {**token_for(client, user), "Content-Type": FHIR}
    return client.post("/fhir/$submit-measurement", json=body, headers=headers)


def test_a_fut_submission_from_the_patient_is_stored_and_answered_as_hapi_does(
    client, world
) -> None:
    response = _submit(client, _submission())
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    Bundle(data)
    for entry in data["entry"]:
        answer = entry["response"]
        assert answer["status"] == "201 Created"
        assert answer["location"].endswith("/_history/1")
        assert answer["etag"] == 'W/"1"' and answer["lastModified"]
    readings = {o.code: o for o in db.session.scalars(select(Observation))}
    assert {c: o.value for c, o in readings.items()} == {"systolic_bp": 128, "diastolic_bp": 82}
    assert readings["systolic_bp"].patient_id == world.patient.id
    device = db.session.get(Device, readings["systolic_bp"].device_id)
    assert (device.identifier_system, device.identifier_value) == ("urn:ietf:rfc:3986", FUT_DEVICE)
    sent = db.session.get(ReadingSource, readings["systolic_bp"].client_id).sent
    assert sent["identifier"][0]["system"] == "urn:ietf:rfc:3986"
    kept = {k.resource_type: k for k in db.session.scalars(select(KeptResource))}
    assert set(kept) == {"Provenance", "QuestionnaireResponse"}
    assert kept["Provenance"].patient_id == world.patient.id
    location = data["entry"][2]["response"]["location"].removesuffix("/_history/1")
    read = client.get(f"/fhir/{location}", headers=token_for(client, "clinician"))
    assert read.status_code == 200
    Provenance(read.get_json())


def test_another_servers_patient_from_staff_needs_a_cpr_number(client, world) -> None:
    refused = _submit(client, _submission(), user="nurse")
    assert refused.status_code == 422
    outcome = refused.get_json()
    OperationOutcome(outcome)
    assert "CPR" in outcome["issue"][0]["diagnostics"]
    body = _submission()
    for entry in body["parameter"][0]["resource"]["entry"][:2]:
        entry["resource"]["subject"]["identifier"] = {
            "system": "urn:oid:1.2.208.176.1.2",
            "value": "0101701234",
        }
    accepted = _submit(client, body, user="nurse")
    assert accepted.status_code == 200, accepted.get_json()
    assert len(list(db.session.scalars(select(Observation)))) == 2
