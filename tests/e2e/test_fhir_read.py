"""Reading the record back through /fhir: every answer accepted by the FHIR R4 library, every
read through the same access check and audit as the JSON API."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from fhirclient.models.bundle import Bundle
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.communication import Communication
from fhirclient.models.device import Device
from fhirclient.models.flag import Flag
from fhirclient.models.media import Media
from fhirclient.models.observation import Observation
from fhirclient.models.operationoutcome import OperationOutcome
from fhirclient.models.patient import Patient
from fhirclient.models.task import Task
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import AuditEvent
from tests import fhir_bundles as fb
from tests.helpers import assessment_data, open_wound, png, post_assessment, token_for

FHIR = "application/fhir+json"
CPR = "0101701234"


def _get(client, path: str, user: str = "nurse", model: Any = None, status: int = 200) -> Any:
    response = client.get(path, headers=token_for(client, user))
    assert response.status_code == status, response.get_json()
    assert response.mimetype == FHIR
    data = response.get_json()
    (model or (OperationOutcome if status >= 400 else Bundle))(data)  # the library accepts it
    return data


def _upload(client, body: dict[str, Any], user: str = "nurse") -> dict[str, Any]:
    response = client.post(
        "/fhir", json=body, headers={**token_for(client, user), "Content-Type": FHIR}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_metadata_lists_what_is_supported(client) -> None:
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response.mimetype == FHIR
    data = response.get_json()
    CapabilityStatement(data)
    assert data["fhirVersion"] == "4.0.1"
    (rest,) = data["rest"]
    types = {r["type"]: r for r in rest["resource"]}
    assert set(types) == {
        "Patient",
        "Observation",
        "Device",
        "DeviceMetric",
        "Flag",
        "Task",
        "Communication",
        "Media",
        "Questionnaire",
        "QuestionnaireResponse",
    }
    assert {i["code"] for i in rest["interaction"]} == {"transaction", "batch"}
    assert [o["name"] for o in rest["operation"]] == ["process-message"]
    observation_params = {p["name"] for p in types["Observation"]["searchParam"]}
    assert {"patient", "code", "date", "identifier"} <= observation_params
    assert "_count" in types["Observation"]["documentation"]  # a result parameter


def test_patient_read_and_search_by_cpr_for_those_who_may_see_them(client, world) -> None:
    patient = _get(client, f"/fhir/Patient/{world.patient.id}", model=Patient)
    assert patient["identifier"] == [{"system": fb.CPR_SYSTEM, "value": CPR}]
    assert patient["birthDate"] == "1970-01-01"
    found = _get(client, f"/fhir/Patient?identifier={fb.CPR_SYSTEM}|{CPR}")
    assert [e["resource"]["id"] for e in found["entry"]] == [str(world.patient.id)]
    assert all(CPR not in link["url"] for link in found["link"])
    posted = client.post(
        "/fhir/Patient/_search",
        data={"identifier": f"{fb.CPR_SYSTEM}|{CPR}"},
        headers=token_for(client, "nurse"),
    )
    assert len(posted.get_json()["entry"]) == 1
    _get(client, f"/fhir/Patient/{world.patient.id}", user="other-nurse", status=404)
    hidden = _get(client, f"/fhir/Patient?identifier={fb.CPR_SYSTEM}|{CPR}", user="other-nurse")
    assert hidden.get("entry", []) == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.patient_id == world.patient.id))
    seen = {(e.username, e.action, e.outcome) for e in events}
    assert ("nurse", "patient.read", "allowed") in seen
    assert ("other-nurse", "patient.search", "denied") in seen


def test_observation_search_newest_first_with_codes_interpretation_and_next_links(
    client, world
) -> None:
    _upload(client, fb.pulse_oximeter_bundle(CPR, spo2=85, pulse=80))
    _upload(client, fb.scale_bundle(CPR, grams=81000))
    _upload(client, fb.spo2_fraction_bundle(CPR, fraction=0.95))
    page = _get(client, f"/fhir/Observation?patient={world.patient.id}&_count=2")
    assert page["type"] == "searchset" and len(page["entry"]) == 2
    seen = [e["resource"] for e in page["entry"]]
    next_link = {link["relation"]: link["url"] for link in page["link"]}["next"]
    while next_link:
        more = _get(client, _path(next_link))
        seen += [e["resource"] for e in more["entry"]]
        next_link = {link["relation"]: link["url"] for link in more["link"]}.get("next")
    assert len(seen) == 4
    times = [o["effectiveDateTime"] for o in seen]
    assert times == sorted(times, key=datetime.fromisoformat, reverse=True)
    spo2 = next(o for o in seen if o["valueQuantity"]["value"] == 85)
    codings = {(c["system"], c["code"]) for c in spo2["code"]["coding"]}
    # The codings it was sent with (MDC, LOINC 2708-6), then telemon's own.
    assert codings == {
        (fb.MDC, "150456"),
        ("http://loinc.org", "2708-6"),
        ("http://loinc.org", "59408-5"),
        (fb.NPU, "NPU03011"),
    }
    assert spo2["valueQuantity"]["code"] == "%" and spo2["valueQuantity"]["system"] == fb.UCUM
    assert spo2["interpretation"][0]["coding"][0]["code"] == "LL"
    assert spo2["device"]["reference"].startswith("Device/")
    assert "performer" not in spo2  # the gateway named none
    weight = next(o for o in seen if o["valueQuantity"]["code"] == "kg")
    assert weight["valueQuantity"]["value"] == 81.0
    assert (fb.NPU, "NPU03804") in {(c["system"], c["code"]) for c in weight["code"]["coding"]}
    # By code (any of the systems the table knows), and by date.
    by_npu = _get(client, f"/fhir/Observation?patient={world.patient.id}&code={fb.NPU}|NPU03011")
    assert sorted(e["resource"]["valueQuantity"]["value"] for e in by_npu["entry"]) == [85, 95]
    by_mdc = _get(client, f"/fhir/Observation?patient={world.patient.id}&code={fb.MDC}|188736")
    assert len(by_mdc["entry"]) == 1
    future = _get(client, f"/fhir/Observation?patient={world.patient.id}&date=ge2100-01-01")
    assert future.get("entry", []) == []
    today = _get(
        client,
        f"/fhir/Observation?patient={world.patient.id}&date=ge2000-01-01&date=lt2100-01-01",
    )
    assert len(today["entry"]) == 4
    one = _get(client, f"/fhir/Observation/{spo2['id']}", model=Observation)
    assert one["id"] == spo2["id"]
    _get(client, f"/fhir/Observation?patient={world.patient.id}", user="other-nurse", status=404)


def test_the_device_of_a_reading_is_readable_by_those_who_see_its_patient(client, world) -> None:
    answer = _upload(client, fb.pulse_oximeter_bundle(CPR))
    location = answer["entry"][2]["response"]["location"]
    device = _get(client, f"/fhir/{location}", model=Device)
    assert device["manufacturer"] == "Synthetic Oximetry" and device["modelNumber"] == "Model 3150"
    assert device["identifier"][0]["value"] == "00-1C-05-FF-FE-00-00-01"
    _get(client, f"/fhir/{location}", user="other-nurse", status=404)


def test_open_alerts_are_flags(client, world) -> None:
    _upload(client, fb.pulse_oximeter_bundle(CPR, spo2=85))
    flags = _get(client, f"/fhir/Flag?patient={world.patient.id}", user="clinician")
    (entry,) = flags["entry"]
    flag = entry["resource"]
    assert flag["status"] == "active"
    assert {"system": "http://loinc.org", "code": "59408-5"} in flag["code"]["coding"]
    priority = flag["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
    assert priority == "PH"  # red
    one = _get(client, f"/fhir/Flag/{flag['id']}", user="clinician", model=Flag)
    assert one["subject"]["reference"] == f"Patient/{world.patient.id}"
    assert _get(client, "/fhir/Flag", user="other-nurse").get("entry", []) == []


def test_wound_assessments_photos_review_tasks_and_replies(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    patient_id = wounds.base.patient.id
    wound_id = open_wound(client, nurse, patient_id)
    assessment = post_assessment(client, nurse, wound_id, assessment_data(), png()).get_json()
    photo_id = assessment["photos"][0]["id"]
    review = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={
            "question": "Change dressing?",
            "urgency": "urgent",
            "assessment_id": assessment["id"],
        },
        headers=nurse,
    ).get_json()

    panel = _get(client, f"/fhir/Observation?patient={patient_id}&code=http://loinc.org|72287-6")
    (entry,) = panel["entry"]
    wound_obs = entry["resource"]
    assert wound_obs["id"] == f"wound-{assessment['id']}"
    components = {
        c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in wound_obs["component"]
    }
    assert components["39126-8"] == 4.0 and components["39125-0"] == 3.0
    assert components["39127-6"] == 0.5 and "89260-4" in components
    assert wound_obs["derivedFrom"] == [{"reference": f"Media/{photo_id}"}]
    _get(client, f"/fhir/Observation/wound-{assessment['id']}", model=Observation)

    media = _get(client, f"/fhir/Media/{photo_id}", model=Media)
    assert media["content"]["url"].endswith(f"/api/v1/photos/{photo_id}")
    assert (
        client.get(media["content"]["url"].split("telemon.test")[1], headers=nurse).status_code
        == 200
    )
    _get(client, f"/fhir/Media/{photo_id}", user="other-nurse", status=404)

    task = _get(client, f"/fhir/Task/{review['id']}", model=Task)
    assert task["status"] == "requested" and task["priority"] == "urgent"
    assert task["focus"]["reference"] == f"Observation/wound-{assessment['id']}"
    _get(client, f"/fhir/Communication/{review['id']}", status=404)  # no answer yet
    specialist = token_for(client, "wound-specialist")
    replied = client.post(
        f"/api/v1/review-requests/{review['id']}/reply",
        json={"instructions": "Alginate, every second day."},
        headers=specialist,
    )
    assert replied.status_code == 200
    task = _get(client, f"/fhir/Task/{review['id']}", model=Task)
    assert task["status"] == "completed"
    assert task["output"][0]["valueReference"]["reference"] == f"Communication/{review['id']}"
    reply = _get(client, f"/fhir/Communication/{review['id']}", model=Communication)
    assert reply["payload"] == [{"contentString": "Alginate, every second day."}]
    listed = _get(client, "/fhir/Task?status=completed", user="wound-specialist")
    assert [e["resource"]["id"] for e in listed["entry"]] == [str(review["id"])]
    _get(client, f"/fhir/Task/{review['id']}", user="other-nurse", status=404)
    _get(client, f"/fhir/Task/{review['id']}", user="patient", status=403)


def test_unknown_paths_and_bad_parameters_answer_operation_outcomes(client, world) -> None:
    _get(client, "/fhir/Encounter/1", status=404)
    _get(client, f"/fhir/Observation?patient={world.patient.id}&_count=-1", status=400)
    _get(client, f"/fhir/Observation?patient={world.patient.id}&_cursor=xyz", status=400)
    _get(client, "/fhir/Observation", status=400)
    anonymous = client.get(f"/fhir/Patient/{world.patient.id}")
    assert anonymous.status_code == 401 and anonymous.mimetype == FHIR


def test_a_patient_reads_their_own_readings(client, world) -> None:
    _upload(client, copy.deepcopy(fb.spo2_fraction_bundle(CPR)), user="patient")
    own = _get(client, f"/fhir/Observation?patient={world.patient.id}", user="patient")
    (entry,) = own["entry"]
    assert entry["resource"]["performer"] == [{"reference": f"Patient/{world.patient.id}"}]
