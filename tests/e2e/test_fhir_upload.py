"""POST /fhir through HTTP: gateway bundles as the PHD guide and DK Core write them, stored
through the same path as the JSON API (validation, idempotency, access, audit, evaluation)."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fhirclient.models.bundle import Bundle
from fhirclient.models.operationoutcome import OperationOutcome
from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, AuditEvent, Device, IngestBatch, Observation
from tests import fhir_bundles as fb
from tests.helpers import token_for

FHIR = "application/fhir+json"
CPR = "0101701234"  # world.patient's (synthetic) CPR number


def _post(client, body: Any, user: str = "nurse", **kwargs: Any):
    headers = token_for(client, user)
    return client.post("/fhir", json=body, headers={**headers, "Content-Type": FHIR}, **kwargs)


def _bundle(response) -> dict[str, Any]:
    """The response as JSON, after the FHIR library accepted it as an R4 Bundle."""
    assert response.mimetype == FHIR, response.data
    data = response.get_json()
    Bundle(data)  # raises FHIRValidationError if it is not valid R4
    return data


def _outcome(response) -> dict[str, Any]:
    assert response.mimetype == FHIR, response.data
    data = response.get_json()
    OperationOutcome(data)
    return data


def _readings() -> list[Observation]:
    return list(db.session.scalars(select(Observation).order_by(Observation.code)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_pulse_oximeter_upload_is_stored_linked_and_answered_per_entry(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR, spo2=96, pulse=47)
    response = _post(client, body)
    assert response.status_code == 200, response.get_json()
    data = _bundle(response)
    assert data["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in data["entry"]]
    # patient matched, gateway and oximeter kept, time stamp accepted but not kept, 2 readings
    assert statuses == [
        "200 OK",
        "201 Created",
        "201 Created",
        "200 OK",
        "201 Created",
        "201 Created",
    ]
    assert data["entry"][0]["response"]["location"] == f"Patient/{world.patient.id}/_history/1"
    assert data["entry"][4]["response"]["etag"] == 'W/"1"'
    assert "lastModified" in data["entry"][4]["response"]
    assert "location" not in data["entry"][3]["response"]
    pulse, spo2 = _readings()
    assert (spo2.code, spo2.value, spo2.unit, spo2.loinc) == ("spo2", 96, "%", "59408-5")
    assert (pulse.code, pulse.value, pulse.unit) == ("pulse", 47, "/min")
    assert spo2.performer == "nurse"  # no performer given: the uploader's, as in the JSON API
    oximeter = db.session.get(Device, spo2.device_id)
    assert oximeter.identifier_value == "00-1C-05-FF-FE-00-00-01"
    assert oximeter.manufacturer == "Synthetic Oximetry" and oximeter.model == "Model 3150"
    assert spo2.device == "Synthetic Oximetry Model 3150"
    assert data["entry"][4]["response"]["location"] == f"Observation/{spo2.id}/_history/1"
    assert data["entry"][2]["response"]["location"] == f"Device/{oximeter.id}/_history/1"
    assert spo2.effective_offset_minutes == -240  # the sender's offset is kept
    assert _count(Device) == 2 and _count(IngestBatch) == 1


def test_the_same_upload_again_stores_nothing_new(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR)
    first = _bundle(_post(client, body))
    again = _post(client, copy.deepcopy(body))
    assert again.status_code == 200
    data = _bundle(again)
    assert [e["response"]["status"] for e in data["entry"]] == ["200 OK"] * 6
    assert [e["response"].get("location") for e in data["entry"]] == [
        e["response"].get("location") for e in first["entry"]
    ]
    assert _count(Observation) == 2 and _count(Device) == 2 and _count(IngestBatch) == 1


def test_a_blood_pressure_panel_becomes_systolic_and_diastolic(client, world) -> None:
    body = fb.blood_pressure_bundle(CPR, systolic=118, diastolic=87)
    response = _post(client, copy.deepcopy(body))
    assert response.status_code == 200, response.get_json()
    data = _bundle(response)
    statuses = [e["response"]["status"] for e in data["entry"]]
    # patient, gateway, monitor, battery (not kept), panel, heart rate, status (not kept)
    assert statuses == [
        "200 OK",
        "201 Created",
        "201 Created",
        "200 OK",
        "201 Created",
        "201 Created",
        "200 OK",
    ]
    by_code = {o.code: o for o in _readings()}
    assert set(by_code) == {"systolic_bp", "diastolic_bp", "pulse"}
    assert by_code["systolic_bp"].value == 118 and by_code["diastolic_bp"].value == 87
    assert by_code["pulse"].value == 93 and by_code["pulse"].performer == "patient"
    assert by_code["systolic_bp"].device_id == by_code["pulse"].device_id is not None
    panel = data["entry"][4]["response"]
    assert panel["location"] == f"Observation/{by_code['systolic_bp'].id}/_history/1"
    assert (
        f"Observation/{by_code['diastolic_bp'].id}" in panel["outcome"]["issue"][0]["diagnostics"]
    )
    # The identifiers and ifNoneExist make a repeat a duplicate, however it is sent.
    again = _bundle(_post(client, body))
    assert again["entry"][4]["response"]["status"] == "200 OK"
    assert _count(Observation) == 3


def test_a_scale_in_grams_and_spo2_as_a_fraction_are_converted(client, world) -> None:
    assert _post(client, fb.scale_bundle(CPR, grams=74000)).status_code == 200
    assert _post(client, fb.spo2_fraction_bundle(CPR, fraction=0.97)).status_code == 200
    by_code = {o.code: o for o in _readings()}
    assert by_code["weight"].value == 74.0 and by_code["weight"].unit == "kg"
    assert by_code["spo2"].value == 97.0 and by_code["spo2"].unit == "%"
    assert by_code["spo2"].performer == "patient"


def test_an_spo2_of_85_raises_the_red_alert_and_mails_the_team(client, world, app) -> None:
    from tests.helpers import mail_text, outbox_messages

    response = _post(client, fb.pulse_oximeter_bundle(CPR, spo2=85, pulse=80))
    assert response.status_code == 200
    alert = db.session.scalar(select(Alert).where(Alert.patient_id == world.patient.id))
    assert alert is not None and alert.severity == "red" and alert.rule == "threshold.spo2"
    assert db.session.scalar(select(IngestBatch.evaluated_at)) is not None
    mails = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert len(mails) == 1 and CPR not in mail_text(mails[0])


def test_an_unregistered_cpr_number_is_refused_whole(client, world) -> None:
    response = _post(client, fb.pulse_oximeter_bundle("0202024321"))
    assert response.status_code == 403
    outcome = _outcome(response)
    expressions = [i["expression"][0] for i in outcome["issue"]]
    assert expressions[0] == "Bundle.entry[0].resource"
    assert "0202024321" not in response.get_data(as_text=True)
    assert _count(Observation) == 0 and _count(Device) == 0
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [e.action for e in denied][:1] == ["observation.create"]


def test_a_patient_of_another_municipality_is_refused_whole_and_audited(client, world) -> None:
    response = _post(client, fb.pulse_oximeter_bundle(CPR), user="other-nurse")
    assert response.status_code == 403
    _outcome(response)
    assert _count(Observation) == 0 and _count(Device) == 0
    denied = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.outcome == "denied", AuditEvent.user_id == world.other_nurse.id
        )
    ).all()
    assert denied and all(e.patient_id == world.patient.id for e in denied)


def test_a_malformed_bundle_is_refused_naming_the_entry(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR)
    body["entry"][4]["resource"]["valueQuantity"]["value"] = "ninety-six"
    response = _post(client, body)
    assert response.status_code == 422
    outcome = _outcome(response)
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[4].resource.valueQuantity.value"]
    assert _count(Observation) == 0
    not_json = client.post(
        "/fhir", data="{not json", headers={**token_for(client, "nurse"), "Content-Type": FHIR}
    )
    assert not_json.status_code == 400
    _outcome(not_json)
    wrong_type = client.post(
        "/fhir",
        data="<Bundle/>",
        headers={**token_for(client, "nurse"), "Content-Type": "text/xml"},
    )
    assert wrong_type.status_code == 415


def test_an_implausible_reading_fails_the_transaction_and_names_its_value(client, world) -> None:
    response = _post(client, fb.pulse_oximeter_bundle(CPR, spo2=96, pulse=400))
    assert response.status_code == 422
    issue = _outcome(response)["issue"][0]
    assert issue["expression"] == ["Bundle.entry[5].resource.valueQuantity.value"]
    assert "between" in issue["diagnostics"]
    assert _count(Observation) == 0 and _count(Device) == 0  # all or nothing


def test_a_batch_answers_each_entry_on_its_own(client, world) -> None:
    body = fb.as_batch(fb.pulse_oximeter_bundle(CPR, spo2=96, pulse=400))
    response = _post(client, body)
    assert response.status_code == 200
    data = _bundle(response)
    assert data["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in data["entry"]]
    assert statuses[4] == "201 Created" and statuses[5].startswith("422")
    outcome = data["entry"][5]["response"]["outcome"]
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[5].resource.valueQuantity.value"]
    assert [o.code for o in _readings()] == ["spo2"]


def test_a_conflicting_identifier_is_a_409_in_a_transaction_and_per_entry_in_a_batch(
    client, world
) -> None:
    body = fb.blood_pressure_bundle(CPR)
    assert _post(client, body).status_code == 200
    changed = copy.deepcopy(body)
    heart_rate = changed["entry"][5]
    heart_rate["resource"]["valueQuantity"]["value"] = 95  # same identifier, other value
    refused = _post(client, changed)
    assert refused.status_code == 409
    assert _outcome(refused)["issue"][0]["expression"][0].startswith("Bundle.entry[5]")
    batch = _bundle(_post(client, fb.as_batch(changed)))
    assert batch["entry"][5]["response"]["status"].startswith("409")
    assert batch["entry"][4]["response"]["status"] == "200 OK"
    assert _count(Observation) == 3


def test_readings_may_name_a_registered_patient_and_device_by_id(client, world) -> None:
    body_of_scale = fb.scale_bundle(CPR)
    first = _bundle(_post(client, copy.deepcopy(body_of_scale)))
    device_location = first["entry"][1]["response"]["location"]
    later = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": fb.MDC, "code": "188736"}]},
                    "subject": {"reference": f"Patient/{world.patient.id}"},
                    "device": {"reference": device_location},
                    "effectiveDateTime": fb.when(1),
                    "valueQuantity": {"value": 165, "system": fb.UCUM, "code": "[lb_av]"},
                },
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }
    data = _bundle(_post(client, later))
    assert data["entry"][0]["response"]["status"] == "201 Created"
    weights = [o for o in _readings() if o.code == "weight"]
    assert sorted(w.value for w in weights) == [74.0, 74.842741]
    assert {w.device_id for w in weights} == {int(device_location.split("/")[1])}
    # The first reading sent again, now naming patient and device by id: the same reading.
    first_weight = copy.deepcopy(later)
    sent = body_of_scale["entry"][2]["resource"]
    first_weight["entry"][0]["resource"].update(
        effectiveDateTime=sent["effectiveDateTime"], valueQuantity=sent["valueQuantity"]
    )
    again = _bundle(_post(client, first_weight))
    assert again["entry"][0]["response"] == {
        "status": "200 OK",
        "location": first["entry"][2]["response"]["location"],
        "etag": 'W/"1"',
    }
    assert _count(Observation) == 2


def test_absolute_full_urls_and_relative_references_as_in_the_phd_guide(client, world) -> None:
    body = fb.pulse_oximeter_bundle(CPR)
    names = {}
    for n, entry in enumerate(body["entry"]):
        kind = entry["resource"]["resourceType"]
        entry["resource"]["id"] = f"{kind.lower()}-{n:03d}"
        names[entry["fullUrl"]] = f"{kind}/{entry['resource']['id']}"
        entry["fullUrl"] = f"http://gateway.example/{names[entry['fullUrl']]}"
    text = json.dumps(body)
    for old, new in names.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    response = _post(client, json.loads(text))
    assert response.status_code == 200, response.get_json()
    assert [o.code for o in _readings()] == ["pulse", "spo2"]
    assert all(o.device_id is not None for o in _readings())


def test_concurrent_retries_store_each_reading_once(client, world) -> None:
    body = fb.blood_pressure_bundle(CPR)
    headers = {**token_for(client, "nurse"), "Content-Type": FHIR}
    app = client.application

    def post(_: int) -> tuple[int, list[str | None]]:
        with app.test_client() as own:
            response = own.post("/fhir", json=copy.deepcopy(body), headers=headers)
            data = response.get_json()
            return response.status_code, [e["response"].get("location") for e in data["entry"]]

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, range(8)))
    assert {status for status, _ in answers} == {200}
    assert len({tuple(locations) for _, locations in answers}) == 1
    assert _count(Observation) == 3 and _count(Device) == 2 and _count(IngestBatch) == 1


def test_uploads_need_a_token_and_a_recording_role(client, world) -> None:
    anonymous = client.post("/fhir", json=fb.scale_bundle(CPR), headers={"Content-Type": FHIR})
    assert anonymous.status_code == 401
    _outcome(anonymous)
    gp = _post(client, fb.scale_bundle(CPR), user="gp")
    assert gp.status_code == 403
    assert _count(Observation) == 0


def test_the_patient_uploads_their_own(client, world) -> None:
    response = _post(client, fb.spo2_fraction_bundle(CPR), user="patient")
    assert response.status_code == 200
    (reading,) = _readings()
    assert reading.performer == "patient" and reading.recorded_by_id == world.patient_user.id
    created = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "observation.create")
    ).all()
    assert [(e.patient_id, e.outcome) for e in created] == [(world.patient.id, "allowed")]


def test_devices_and_readings_are_stored_in_one_order_whatever_the_bundles(client, world) -> None:
    # Concurrent uploads naming the same devices and readings in other orders must take their
    # row locks in one order, or they deadlock: devices go in by identifier, readings by
    # client_id, which the ids they get show.
    body = fb.blood_pressure_bundle(CPR)
    patient, gateway, monitor, *observations = body["entry"]
    assert (
        gateway["resource"]["identifier"][0]["value"]
        > monitor["resource"]["identifier"][0]["value"]
    )
    body["entry"] = [patient, gateway, monitor, *reversed(observations)]
    assert _post(client, body).status_code == 200
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    identifiers = [(d.identifier_system, d.identifier_value) for d in devices]
    assert identifiers == sorted(identifiers)
    readings = db.session.scalars(select(Observation).order_by(Observation.id)).all()
    assert [str(o.client_id) for o in readings] == sorted(str(o.client_id) for o in readings)


def test_a_clinicians_system_uploading_device_readings_records_the_device_as_performer(
    client, world
) -> None:
    response = _post(client, fb.pulse_oximeter_bundle(CPR), user="clinician")
    assert response.status_code == 200, response.get_json()
    assert {o.performer for o in _readings()} == {"device"}
    # Without a device, a clinician must say who took it, as in the JSON API.
    no_device = fb.as_batch(fb.spo2_fraction_bundle(CPR))
    no_device["entry"][1]["resource"].pop("performer")
    answer = _bundle(_post(client, no_device, user="clinician"))["entry"][1]["response"]
    assert answer["status"].startswith("422")
    assert answer["outcome"]["issue"][0]["expression"] == ["Bundle.entry[1].resource.performer"]
