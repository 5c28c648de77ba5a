"""What a generic FHIR client expects of the server (issue 23, points 7, 10, 12): versions,
ETag and Last-Modified, vread, content negotiation, Prefer, the CapabilityStatement. Every
answer is checked as R4 with the model library."""

from __future__ import annotations

import copy
from typing import Any

from fhirclient.models.bundle import Bundle
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.observation import Observation as FhirObservation
from fhirclient.models.operationoutcome import OperationOutcome
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Observation
from tests import fhir_bundles as fb
from tests.helpers import token_for

FHIR = "application/fhir+json"
CPR = "0101701234"  # world.patient's (synthetic) CPR number


def _reading(cpr: str) -> dict[str, Any]:
    body = fb.spo2_fraction_bundle(cpr, fraction=0.96)
    resource = body["entry"][1]["resource"]
    resource["subject"] = {"identifier": {"system": fb.CPR_SYSTEM, "value": cpr}}
    resource.pop("performer")
    return resource


def test_reads_carry_their_version_and_vread_serves_the_version_that_exists(client, world) -> None:
    headers = {**token_for(client, "patient"), "Content-Type": FHIR}
    created = client.post("/fhir/Observation", json=_reading(CPR), headers=headers)
    assert created.status_code == 201
    stored = db.session.scalar(select(Observation))
    read = client.get(f"/fhir/Observation/{stored.id}", headers=headers)
    assert read.headers["ETag"] == 'W/"1"' and read.headers["Last-Modified"]
    resource = read.get_json()
    FhirObservation(resource)
    assert resource["meta"]["versionId"] == "1" and resource["meta"]["lastUpdated"]
    vread = client.get(f"/fhir/Observation/{stored.id}/_history/1", headers=headers)
    assert vread.status_code == 200 and vread.get_json()["id"] == str(stored.id)
    missing = client.get(f"/fhir/Observation/{stored.id}/_history/2", headers=headers)
    assert missing.status_code == 404
    OperationOutcome(missing.get_json())
    patient = client.get(f"/fhir/Patient/{world.patient.id}", headers=headers)
    assert patient.get_json()["meta"]["versionId"] == "1"


def test_json_only_with_a_clear_406_and_the_older_media_type_accepted(client, world) -> None:
    headers = token_for(client, "patient")
    for query, accept in (("?_format=xml", None), ("", "application/fhir+xml")):
        extra = {"Accept": accept} if accept else {}
        answer = client.get(
            f"/fhir/Patient/{world.patient.id}{query}", headers={**headers, **extra}
        )
        assert answer.status_code == 406 and answer.mimetype == FHIR
        OperationOutcome(answer.get_json())
    older = client.post(
        "/fhir/Observation",
        data=__import__("json").dumps(_reading(CPR)),
        headers={**headers, "Content-Type": "application/json+fhir"},
    )
    assert older.status_code == 201


def test_prefer_return_minimal_and_operation_outcome(client, world) -> None:
    headers = {**token_for(client, "patient"), "Content-Type": FHIR}
    reading = _reading(CPR)
    minimal = client.post(
        "/fhir/Observation", json=reading, headers={**headers, "Prefer": "return=minimal"}
    )
    assert minimal.status_code == 201 and minimal.data == b"" and minimal.headers["Location"]
    outcome = client.post(
        "/fhir/Observation",
        json=copy.deepcopy(reading),
        headers={**headers, "Prefer": "return=OperationOutcome"},
    )
    assert outcome.status_code == 200
    OperationOutcome(outcome.get_json())


def test_the_capability_statement_declares_what_is_supported(client) -> None:
    statement = client.get("/fhir/metadata").get_json()
    CapabilityStatement(statement)
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    observation = resources["Observation"]
    interactions = {i["code"] for i in observation["interaction"]}
    assert {"create", "read", "vread", "search-type"} <= interactions
    assert observation["conditionalCreate"] is True
    assert (
        "http://hl7.org/fhir/uv/phd/StructureDefinition/PhdNumericObservation"
        in (observation["supportedProfile"])
    )
    assert {"create", "search-type"} <= {i["code"] for i in resources["Device"]["interaction"]}
    assert "DeviceMetric" in resources
    security = statement["rest"][0]["security"]["description"]
    assert "token" in security.lower()


def _search(client, headers: dict[str, str], **params: Any):
    return client.get("/fhir/Observation", query_string=params, headers=headers)


def test_search_is_honest_about_what_it_did(client, world) -> None:
    headers = token_for(client, "nurse")
    upload = {**headers, "Content-Type": FHIR}
    assert (
        client.post("/fhir", json=fb.pulse_oximeter_bundle(CPR), headers=upload).status_code == 200
    )
    assert client.post("/fhir", json=fb.scale_bundle(CPR), headers=upload).status_code == 200
    pid = world.patient.id
    # Lenient: an unknown parameter is left out of the self link; strict: 400.
    lenient = _search(client, headers, patient=pid, color="blue").get_json()
    Bundle(lenient)
    assert "color" not in lenient["link"][0]["url"] and len(lenient["entry"]) == 3
    strict = _search(client, {**headers, "Prefer": "handling=strict"}, patient=pid, color="blue")
    assert strict.status_code == 400 and "color" in strict.get_json()["issue"][0]["diagnostics"]
    # _summary=count and _count=0: the total, no entries.
    for params in ({"_summary": "count"}, {"_count": "0"}):
        counted = _search(client, headers, patient=pid, **params).get_json()
        Bundle(counted)
        assert counted["total"] == 3 and "entry" not in counted
    # _sort=date oldest first, -date newest first.
    oldest = _search(client, headers, patient=pid, _sort="date").get_json()
    times = [e["resource"]["effectiveDateTime"] for e in oldest["entry"]]
    newest = _search(client, headers, patient=pid, _sort="-date").get_json()
    assert [e["resource"]["effectiveDateTime"] for e in newest["entry"]] == times[::-1]
    # _include of the device and the subject; subject= as an absolute URL of this server.
    subject = f"http://telemon.test/fhir/Patient/{pid}"
    both = client.get(
        "/fhir/Observation",
        query_string=[
            ("subject", subject),
            ("_include", "Observation:device"),
            ("_include", "Observation:subject"),
        ],
        headers=headers,
    ).get_json()
    Bundle(both)
    modes = [(e["resource"]["resourceType"], e["search"]["mode"]) for e in both["entry"]]
    assert modes.count(("Observation", "match")) == 3
    assert ("Patient", "include") in modes and ("Device", "include") in modes
    # Dates by year and month, ap; ne is a 400 that says why.
    year = oldest["entry"][0]["resource"]["effectiveDateTime"][:4]
    assert len(_search(client, headers, patient=pid, date=year).get_json()["entry"]) == 3
    assert "entry" not in _search(client, headers, patient=pid, date="1999-02").get_json()
    assert len(_search(client, headers, patient=pid, date=f"ap{year}").get_json()["entry"]) == 3
    refused = _search(client, headers, patient=pid, date=f"ne{year}")
    assert refused.status_code == 400 and "ne" in refused.get_json()["issue"][0]["diagnostics"]
