"""What real gateways and Danish apps send beyond the guides' examples (issue 23): readings the
device could not give (PHD's not-a-number as dataAbsentReason), preliminary results,
measurements telemon does not monitor (FUT's FVC and steps, PHD glucose) and FUT's own codes
for monitored ones. Nothing a gateway sends is lost under "200 OK", and no such entry refuses
its neighbours. Shapes as the PHD IG, DK Core and FUT write them, built here; every answer is
checked as R4 with the model library."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from fhirclient.models.bundle import Bundle
from fhirclient.models.observation import Observation as FhirObservation
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, KeptObservation, Observation
from tests import fhir_bundles as fb
from tests.helpers import sign_in, token_for

FHIR = "application/fhir+json"
CPR = "0101701234"  # world.patient's (synthetic) CPR number
MCS = "urn:oid:1.2.208.184.100.8"
NPU = "urn:oid:1.2.208.176.2.1"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
CET = timezone(timedelta(hours=1))


def _post(client, body: Any, user: str = "nurse"):
    headers = {**token_for(client, user), "Content-Type": FHIR}
    return client.post("/fhir", json=body, headers=headers)


def _bundle(response) -> dict[str, Any]:
    assert response.mimetype == FHIR, response.data
    data = response.get_json()
    Bundle(data)
    return data


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _not_a_number_oximeter(cpr: str) -> dict[str, Any]:
    """The PHD IG's oximeter upload where the SpO2 is a special FLOAT (NaN): dataAbsentReason
    instead of valueQuantity; the pulse beside it is a good reading."""
    body = fb.pulse_oximeter_bundle(cpr, spo2=96, pulse=71)
    spo2 = body["entry"][4]["resource"]
    spo2.pop("valueQuantity")
    spo2["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "NaN"}]}
    return body


def _fut_observation(cpr: str, system: str, code: str, value: float, unit: str) -> dict[str, Any]:
    """One measurement as an app built for FUT writes it: NPU/MCS code, effectivePeriod with
    start = end, the patient by CPR identifier."""
    taken = (datetime.now(CET) - timedelta(minutes=12)).isoformat(timespec="seconds")
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": system, "code": code}]},
            "subject": {"identifier": {"system": fb.CPR_SYSTEM, "value": cpr}},
            "effectivePeriod": {"start": taken, "end": taken},
            "valueQuantity": {"value": value, "unit": unit, "system": fb.UCUM, "code": unit},
        },
        "request": {"method": "POST", "url": "Observation"},
    }


def test_a_not_a_number_reading_is_kept_with_its_reason_and_refuses_no_neighbour(
    client, world
) -> None:
    body = _not_a_number_oximeter(CPR)
    response = _post(client, copy.deepcopy(body))
    assert response.status_code == 200, response.get_json()
    data = _bundle(response)
    spo2 = data["entry"][4]["response"]
    assert spo2["status"] == "201 Created"
    assert spo2["location"].startswith("Observation/kept-")
    assert spo2["outcome"]["issue"][0]["severity"] == "information"
    assert "not evaluated" in spo2["outcome"]["issue"][0]["diagnostics"]
    assert data["entry"][5]["response"]["status"] == "201 Created"  # the pulse, stored
    assert [o.code for o in db.session.scalars(select(Observation))] == ["pulse"]
    kept = db.session.scalar(select(KeptObservation))
    assert (kept.code, kept.reason, kept.value, kept.status) == (
        "spo2",
        "absent:NaN",
        None,
        "final",
    )
    assert kept.device_id is not None and kept.patient_id == world.patient.id
    assert db.session.scalar(select(Alert)) is None  # not evaluated
    # Read back with the codings it was sent with, its reason and its device.
    headers = token_for(client, "clinician")
    read = client.get(f"/fhir/{spo2['location']}", headers=headers)
    assert read.status_code == 200
    resource = read.get_json()
    FhirObservation(resource)
    assert resource["dataAbsentReason"]["coding"][0]["code"] == "NaN"
    assert {"system": fb.MDC, "code": "150456"} in resource["code"]["coding"]
    assert resource["subject"]["reference"] == f"Patient/{world.patient.id}"
    assert resource["device"]["reference"] == f"Device/{kept.device_id}"
    # Sent again: nothing new.
    again = _bundle(_post(client, body))
    assert again["entry"][4]["response"]["location"] == spo2["location"]
    assert _count(KeptObservation) == 1


def test_a_preliminary_reading_is_kept_not_evaluated(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR, spo2=80, pulse=70)
    body["entry"][4]["resource"]["status"] = "preliminary"
    data = _bundle(_post(client, body))
    assert data["entry"][4]["response"]["status"] == "201 Created"
    kept = db.session.scalar(select(KeptObservation))
    assert (kept.reason, kept.value, kept.unit) == ("status:preliminary", 80.0, "%")
    assert db.session.scalar(select(Alert.rule).where(Alert.rule == "threshold.spo2")) is None


def test_fut_codes_are_telemon_readings_where_they_mean_one_and_kept_otherwise(
    client, world
) -> None:
    entries = [
        _fut_observation(CPR, NPU, "DNK05472", 131, "mm[Hg]"),
        _fut_observation(CPR, NPU, "DNK05473", 84, "mm[Hg]"),
        _fut_observation(CPR, NPU, "NPU08676", 37.2, "Cel"),
        _fut_observation(CPR, MCS, "MCS88016", 2.9, "L"),
        _fut_observation(CPR, MCS, "MCS88194", 4512, "1"),
    ]
    body = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    data = _bundle(_post(client, body, user="patient"))
    assert [e["response"]["status"] for e in data["entry"]] == ["201 Created"] * 5
    readings = {o.code: o.value for o in db.session.scalars(select(Observation))}
    assert readings == {"systolic_bp": 131, "diastolic_bp": 84, "temperature": 37.2}
    kept = {
        k.label: (k.value, k.unit, k.reason) for k in db.session.scalars(select(KeptObservation))
    }
    assert kept == {"FVC": (2.9, "L", None), "Steps": (4512.0, "1", None)}
    # Shown on the patient's page (in Danish by default).
    sign_in(client, "clinician")
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert "Andre målinger" in page and "FVC" in page and "2.9 L" in page


def test_phd_glucose_is_kept_with_its_codings_and_read_back(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR)
    glucose = body["entry"][5]
    glucose["resource"]["code"] = {
        "coding": [
            {"system": fb.MDC, "code": "160184"},
            {"system": fb.LOINC, "code": "41653-7"},
        ]
    }
    glucose["resource"]["valueQuantity"] = {
        "value": 6.1,
        "unit": "mmol/L",
        "system": fb.UCUM,
        "code": "mmol/L",
    }
    glucose["resource"]["identifier"] = [{"system": "urn:synthetic:gw", "value": "glu-1"}]
    data = _bundle(_post(client, body))
    location = data["entry"][5]["response"]["location"]
    assert location.startswith("Observation/kept-")
    read = client.get(f"/fhir/{location}", headers=token_for(client, "nurse")).get_json()
    FhirObservation(read)
    assert read["identifier"] == [{"system": "urn:synthetic:gw", "value": "glu-1"}]
    assert read["valueQuantity"]["value"] == 6.1
    assert {"system": fb.LOINC, "code": "41653-7"} in read["code"]["coding"]
    assert "performer" not in read  # none was sent


def test_device_housekeeping_is_answered_with_an_informational_issue_and_not_kept(
    client, world
) -> None:
    data = _bundle(_post(client, fb.blood_pressure_bundle(CPR)))
    for index in (3, 6):  # battery, status bits
        answer = data["entry"][index]["response"]
        assert answer["status"] == "200 OK" and "location" not in answer
        issue = answer["outcome"]["issue"][0]
        assert issue["severity"] == "information" and "housekeeping" in issue["diagnostics"]
    assert _count(KeptObservation) == 0


def test_a_kept_observation_sent_again_with_other_content_is_a_conflict_in_a_batch(
    client, world
) -> None:
    entry = _fut_observation(CPR, MCS, "MCS88016", 2.9, "L")
    entry["resource"]["identifier"] = [{"system": "urn:synthetic:app", "value": "fvc-1"}]
    first = {"resourceType": "Bundle", "type": "batch", "entry": [entry]}
    assert _bundle(_post(client, first))["entry"][0]["response"]["status"] == "201 Created"
    changed = copy.deepcopy(first)
    changed["entry"][0]["resource"]["valueQuantity"]["value"] = 3.1
    changed["entry"].append(_fut_observation(CPR, NPU, "NPU08676", 37.0, "Cel"))
    data = _bundle(_post(client, changed))
    assert data["entry"][0]["response"]["status"].startswith("409")
    assert data["entry"][1]["response"]["status"] == "201 Created"
    assert _count(KeptObservation) == 1 and _count(Observation) == 1


def _metric_entry(device_url: str) -> dict[str, Any]:
    """PHD's DeviceMetric for the oximeter's SpO2, with a calibration."""
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "DeviceMetric",
            "meta": {"profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhdDeviceMetric"]},
            "type": {"coding": [{"system": fb.MDC, "code": "150456"}]},
            "unit": {"coding": [{"system": fb.UCUM, "code": "%"}]},
            "source": {"reference": device_url},
            "category": "measurement",
            "calibration": [{"type": "two-point", "state": "calibrated"}],
        },
        "request": {"method": "POST", "url": "DeviceMetric"},
    }


def test_a_device_metric_is_kept_linked_to_its_device_and_read_back(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR)
    body["entry"].insert(3, _metric_entry(body["entry"][2]["fullUrl"]))
    data = _bundle(_post(client, copy.deepcopy(body)))
    answer = data["entry"][3]["response"]
    assert answer["status"] == "201 Created" and answer["location"].startswith("DeviceMetric/")
    device = data["entry"][2]["response"]["location"]
    read = client.get(f"/fhir/{answer['location']}", headers=token_for(client, "clinician"))
    assert read.status_code == 200
    metric = read.get_json()
    assert metric["source"]["reference"] == device.removesuffix("/_history/1")
    assert metric["calibration"][0]["state"] == "calibrated"
    again = _bundle(_post(client, body))
    assert again["entry"][3]["response"] == {"status": "200 OK", "location": answer["location"]}


def test_get_and_delete_entries_of_a_batch_are_405_each(client, world) -> None:
    body = fb.as_batch(fb.pulse_oximeter_bundle(CPR))
    body["entry"].append({"request": {"method": "GET", "url": "Patient?identifier=x|y"}})
    body["entry"].append({"request": {"method": "DELETE", "url": "Observation/1"}})
    data = _bundle(_post(client, body))
    assert [e["response"]["status"] for e in data["entry"][-2:]] == ["405 Method Not Allowed"] * 2
    assert data["entry"][4]["response"]["status"] == "201 Created"


def test_a_single_observation_and_device_are_created_as_in_a_bundle(client, world) -> None:
    headers = {**token_for(client, "patient"), "Content-Type": FHIR}
    device = fb.device_entry("00-1C-05-FF-FE-00-00-09", "Synthetic Oximetry", "M1", "Oxim")
    condition = device["request"]["ifNoneExist"]
    first = client.post(
        "/fhir/Device", json=device["resource"], headers={**headers, "If-None-Exist": condition}
    )
    assert first.status_code == 201, first.get_json()
    location = first.headers["Location"]
    device_id = location.split("/fhir/Device/")[1].split("/")[0]
    again = client.post(
        "/fhir/Device", json=device["resource"], headers={**headers, "If-None-Exist": condition}
    )
    assert again.status_code == 200 and again.headers["Location"] == location
    found = client.get(f"/fhir/Device?identifier={condition.split('=', 1)[1]}", headers=headers)
    Bundle(found.get_json())
    assert [e["resource"]["id"] for e in found.get_json()["entry"]] == [device_id]
    reading = _fut_observation(CPR, NPU, "NPU03011", 95, "%")["resource"]
    reading["device"] = {"reference": f"Device/{device_id}"}
    reading["identifier"] = [{"system": "urn:synthetic:app", "value": "spo2-1"}]
    created = client.post("/fhir/Observation", json=reading, headers=headers)
    assert created.status_code == 201, created.get_json()
    FhirObservation(created.get_json())
    stored = db.session.scalar(select(Observation))
    assert (stored.code, stored.value, str(stored.device_id)) == ("spo2", 95, device_id)
    assert created.headers["Location"].endswith(f"/fhir/Observation/{stored.id}/_history/1")
    assert created.headers["ETag"] == 'W/"1"' and created.get_json()["meta"]["versionId"] == "1"
    # The same reading carried by another account of the patient (a nurse's tablet): the
    # same reading, not other content.
    nurse = {**token_for(client, "nurse"), "Content-Type": FHIR}
    carried = client.post("/fhir/Observation", json=reading, headers=nurse)
    assert carried.status_code == 200, carried.get_json()
    assert _count(Observation) == 1
    bad = copy.deepcopy(reading)
    bad["valueQuantity"]["value"] = 12
    refused = client.post("/fhir/Observation", json=bad, headers=headers)
    assert refused.status_code in (409, 422)
    issue = refused.get_json()["issue"][0]
    assert issue["expression"][0].startswith("Observation")


def test_a_reading_reads_back_as_sent_and_is_found_by_the_senders_identifier(client, world) -> None:
    _bundle(_post(client, fb.pulse_oximeter_bundle(CPR, spo2=95)))
    _bundle(_post(client, fb.blood_pressure_bundle(CPR)))
    headers = token_for(client, "clinician")
    spo2 = db.session.scalar(select(Observation).where(Observation.code == "spo2"))
    read = client.get(f"/fhir/Observation/{spo2.id}", headers=headers).get_json()
    FhirObservation(read)
    assert {"system": fb.MDC, "code": "150456"} in read["code"]["coding"]
    assert {"system": fb.LOINC, "code": "59408-5"} in read["code"]["coding"]
    assert "performer" not in read  # the gateway named none
    # DK Core's heart rate: its identifier (no system) and its performer, as sent.
    pulse = db.session.scalar(
        select(Observation).where(Observation.code == "pulse", Observation.value == 93)
    )
    sent_id = f"C4F312FFFE000002-{CPR}-{fb.CPR_SYSTEM}-149546-93-{{beat}}/min"
    found = client.get(
        "/fhir/Observation",
        query_string={"patient": world.patient.id, "identifier": sent_id},
        headers=headers,
    ).get_json()
    Bundle(found)
    assert [e["resource"]["id"] for e in found["entry"]] == [str(pulse.id)]
    resource = found["entry"][0]["resource"]
    assert resource["identifier"][0] == {"value": sent_id}
    assert resource["performer"] == [{"reference": f"Patient/{world.patient.id}"}]


def test_a_blood_pressure_reads_back_as_the_one_panel_it_was_sent_as(client, world) -> None:
    _bundle(_post(client, fb.blood_pressure_bundle(CPR, systolic=141, diastolic=92)))
    systolic = db.session.scalar(select(Observation).where(Observation.code == "systolic_bp"))
    headers = token_for(client, "clinician")
    read = client.get(f"/fhir/Observation/{systolic.id}", headers=headers).get_json()
    FhirObservation(read)
    assert {"system": fb.LOINC, "code": "85354-9"} in read["code"]["coding"]
    assert [c["valueQuantity"]["value"] for c in read["component"]] == [141, 92]
    assert "valueQuantity" not in read
    found = client.get(
        "/fhir/Observation", query_string={"patient": world.patient.id}, headers=headers
    ).get_json()
    Bundle(found)
    assert len(found["entry"]) == 2  # the panel and the heart rate
    # The JSON API keeps its two codes.
    api = client.get(f"/api/v1/patients/{world.patient.id}/observations", headers=headers)
    assert {"systolic_bp", "diastolic_bp"} <= {o["code"] for o in api.get_json()["items"]}
