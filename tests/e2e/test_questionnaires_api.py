"""Questionnaires through HTTP: publishing (FHIR, OpenTele), answering, all or nothing."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.models import (
    EnrollmentQuestionnaire,
    Observation,
    Questionnaire,
    QuestionnaireResponse,
)
from tests.helpers import CPH_WINTER, token_for
from tests.questionnaire_trees import copd_tree


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def publish_tree(client: Any, tree: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(
        "/api/v1/questionnaires", json=tree or copd_tree(), headers=token_for(client, "root")
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def answer(
    client: Any,
    who: str,
    patient_id: int,
    questionnaire_id: int,
    answers: list[dict[str, Any]],
    client_id: str | None = None,
    **extra: Any,
) -> Any:
    authored = (clock.now() - timedelta(minutes=5)).astimezone(CPH_WINTER)
    body = {
        "client_id": client_id or str(uuid.uuid4()),
        "patient_id": patient_id,
        "questionnaire_id": questionnaire_id,
        "authored_at": authored.isoformat(),
        "answers": answers,
        **extra,
    }
    return client.post("/api/v1/questionnaire-responses", json=body, headers=token_for(client, who))


GOOD = [
    {"link_id": "sat", "value": {"spo2": 94, "pulse": 80}},
    {"link_id": "breath", "value": True},
    {"link_id": "phlegm", "value": True},
    {"link_id": "colour", "value": "groen"},
    {"link_id": "bp", "value": {"systolic_bp": 130, "diastolic_bp": 80, "pulse": 78}},
    {"link_id": "sat_again", "value": {"spo2": 95, "pulse": 76}},
]


def test_an_opentele_export_is_published_and_served_as_fhir(client, world) -> None:
    published = publish_tree(client)
    assert published["version"] == "1.2" and published["title"] == "KOL daglig"
    assert published["status"] == "active" and published["source"] == "opentele"
    headers = token_for(client, "clinician")
    listed = client.get("/api/v1/questionnaires", headers=headers).get_json()["items"]
    # Beside telemon's own COPD questionnaire, stored by init-db.
    assert sorted(q["source"] for q in listed) == ["opentele", "telemon"]
    assert published["id"] in [q["id"] for q in listed]
    fhir = client.get(f"/fhir/Questionnaire/{published['id']}", headers=headers)
    assert fhir.status_code == 200
    resource = fhir.get_json()
    assert resource["resourceType"] == "Questionnaire" and resource["id"] == str(published["id"])
    assert [i["linkId"] for i in resource["item"]][0] == "sat"
    by_url = client.get(f"/fhir/Questionnaire?url={resource['url']}", headers=headers).get_json()
    assert by_url["type"] == "searchset" and by_url["total"] == 1
    by_name = client.get("/fhir/Questionnaire?name=kol", headers=headers).get_json()
    assert by_name["entry"][0]["resource"]["id"] == str(published["id"])


def test_the_same_version_again_is_the_same_and_other_content_is_a_conflict(client, world) -> None:
    first = publish_tree(client)
    headers = token_for(client, "root")
    again = client.post("/api/v1/questionnaires", json=copd_tree(), headers=headers)
    assert again.status_code == 200 and again.get_json()["id"] == first["id"]
    changed = copd_tree()
    changed["nodes"][3]["text"] = "Anden tekst?"
    conflict = client.post("/api/v1/questionnaires", json=changed, headers=headers)
    assert conflict.status_code == 409
    changed["version"] = "1.3"
    newer = client.post("/api/v1/questionnaires", json=changed, headers=headers)
    assert newer.status_code == 201 and newer.get_json()["id"] != first["id"]


def test_a_node_telemon_cannot_represent_is_named_and_nothing_is_stored(client, world) -> None:
    tree = copd_tree()
    tree["nodes"][8]["measurementType"] = "CTG"
    response = client.post("/api/v1/questionnaires", json=tree, headers=token_for(client, "root"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "nodes": {"bp": [response.get_json()["errors"]["nodes"]["bp"][0]]}
    }
    assert _count(Questionnaire) == 1  # telemon's own only


def test_a_fhir_questionnaire_is_published_as_fhir(client, world) -> None:
    published = publish_tree(client)
    headers = token_for(client, "root")
    resource = client.get(f"/fhir/Questionnaire/{published['id']}", headers=headers).get_json()
    resource = {k: v for k, v in resource.items() if k not in ("id", "meta")}
    resource["version"] = "2.0"
    response = client.post(
        "/api/v1/questionnaires",
        data=json.dumps(resource),
        headers={**headers, "Content-Type": "application/fhir+json"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["source"] == "fhir"
    broken = copy.deepcopy(resource)
    broken["version"] = "2.1"
    broken["item"][1]["type"] = "attachment"
    refused = client.post(
        "/api/v1/questionnaires",
        data=json.dumps(broken),
        headers={**headers, "Content-Type": "application/fhir+json"},
    )
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]["items"]) == [broken["item"][1]["linkId"]]


def test_who_publishes(client, world) -> None:
    for who in ("nurse", "patient", "hospital-admin"):
        response = client.post(
            "/api/v1/questionnaires", json=copd_tree(), headers=token_for(client, who)
        )
        assert response.status_code == 403, who
    # A clinician publishes her care team's own; not another team's, and not without one.
    headers = token_for(client, "clinician")
    assert (
        client.post("/api/v1/questionnaires", json=copd_tree(), headers=headers).status_code == 403
    )
    own = client.post(
        f"/api/v1/questionnaires?care_team_id={world.lung_team.id}",
        json=copd_tree(),
        headers=headers,
    )
    assert own.status_code == 201 and own.get_json()["care_team_id"] == world.lung_team.id
    other = client.post(
        f"/api/v1/questionnaires?care_team_id={world.lung_team.id}",
        json=copd_tree(),
        headers=token_for(client, "other-clinician"),
    )
    assert other.status_code == 403


def test_a_response_is_stored_with_its_readings_and_triage(client, world) -> None:
    q = publish_tree(client)
    response = answer(client, "patient", world.patient.id, q["id"], GOOD)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["triage"] == "red"
    assert [(m["link_id"], m["triage"]) for m in data["marked"]] == [
        ("breath", "yellow"),
        ("phlegm", "yellow"),
        ("colour", "red"),
    ]
    # SpO2 and pulse, twice; systolic, diastolic and pulse: seven readings.
    assert len(data["observation_ids"]) == 7
    stored = db.session.scalars(
        select(Observation).where(Observation.id.in_(data["observation_ids"]))
    ).all()
    assert sorted(o.code for o in stored) == sorted(
        ["spo2", "pulse", "systolic_bp", "diastolic_bp", "pulse", "spo2", "pulse"]
    )
    assert {o.performer for o in stored} == {"patient"}
    row = db.session.get(QuestionnaireResponse, data["id"])
    assert row.questionnaire_id == q["id"] and row.triage == "red"
    read = client.get(
        f"/api/v1/questionnaire-responses/{data['id']}", headers=token_for(client, "nurse")
    )
    assert read.status_code == 200 and read.get_json()["answers"][3]["value"] == "groen"


def test_a_resent_response_stores_nothing_new(client, world) -> None:
    q = publish_tree(client)
    client_id = str(uuid.uuid4())
    first = answer(client, "patient", world.patient.id, q["id"], GOOD, client_id)
    observations = _count(Observation)
    authored = first.get_json()
    again = client.post(
        "/api/v1/questionnaire-responses",
        json={
            "client_id": client_id,
            "patient_id": world.patient.id,
            "questionnaire_id": q["id"],
            "authored_at": db.session.get(QuestionnaireResponse, authored["id"])
            .authored_at.astimezone(CPH_WINTER)
            .isoformat(),
            "answers": GOOD,
        },
        headers=token_for(client, "patient"),
    )
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["id"] == authored["id"] and again.get_json()["status"] == "duplicate"
    assert _count(Observation) == observations and _count(QuestionnaireResponse) == 1
    other = answer(
        client,
        "patient",
        world.patient.id,
        q["id"],
        GOOD[:2] + [{"link_id": "phlegm", "value": False}, GOOD[4], GOOD[5]],
        client_id,
    )
    assert other.status_code == 409


def test_answers_that_do_not_fit_are_named_and_nothing_is_stored(client, world) -> None:
    q = publish_tree(client)
    cases = {
        "nope": GOOD + [{"link_id": "nope", "value": True}],
        "colour": [a for a in GOOD if a["link_id"] != "phlegm"]
        + [{"link_id": "phlegm", "value": False}],
        "phlegm": [a for a in GOOD if a["link_id"] != "phlegm"],
        "breath": [
            {"link_id": "breath", "value": "ja"} if a["link_id"] == "breath" else a for a in GOOD
        ],
        "bp": [{"link_id": "bp", "value": 130} if a["link_id"] == "bp" else a for a in GOOD],
    }
    for item, answers in cases.items():
        response = answer(client, "patient", world.patient.id, q["id"], answers)
        assert response.status_code == 422, (item, response.get_json())
        assert item in response.get_json()["errors"]["answers"], (item, response.get_json())
    assert _count(QuestionnaireResponse) == 0 and _count(Observation) == 0


def test_who_may_answer_for_whom(client, world) -> None:
    q = publish_tree(client)
    # The home nurse of a sharing municipality answers with the patient: performer recorded.
    by_nurse = answer(client, "nurse", world.patient.id, q["id"], GOOD)
    assert by_nurse.status_code == 201 and by_nurse.get_json()["performer"] == "nurse"
    assert answer(client, "other-nurse", world.patient.id, q["id"], GOOD).status_code == 403
    assert answer(client, "hospital-admin", world.patient.id, q["id"], GOOD).status_code == 403
    # A patient does not claim to be the nurse.
    assert (
        answer(client, "patient", world.patient.id, q["id"], GOOD, performer="nurse").status_code
        == 422
    )
    assert _count(QuestionnaireResponse) == 1


def test_a_retired_questionnaire_takes_no_new_answers(client, world) -> None:
    q = publish_tree(client)
    retired = client.post(
        f"/api/v1/questionnaires/{q['id']}/retire", headers=token_for(client, "root")
    )
    assert retired.status_code == 200 and retired.get_json()["status"] == "retired"
    response = answer(client, "patient", world.patient.id, q["id"], GOOD)
    assert response.status_code == 422 and "questionnaire_id" in response.get_json()["errors"]


def test_fhir_questionnaire_response_create_read_and_search(client, world) -> None:
    q = publish_tree(client)
    headers = token_for(client, "patient")
    definition = client.get(f"/fhir/Questionnaire/{q['id']}", headers=headers).get_json()
    created = answer(client, "patient", world.patient.id, q["id"], GOOD).get_json()
    read = client.get(f"/fhir/QuestionnaireResponse/{created['id']}", headers=headers)
    assert read.status_code == 200, read.get_json()
    resource = read.get_json()
    assert resource["questionnaire"] == f"{definition['url']}|{definition['version']}"
    assert resource["subject"] == {"reference": f"Patient/{world.patient.id}"}
    # Back in as a new response through FHIR: the same answers, the same triage.
    resource.pop("id")
    resource.pop("meta", None)
    resource["identifier"] = {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"}
    posted = client.post(
        "/fhir/QuestionnaireResponse",
        data=json.dumps(resource),
        headers={**headers, "Content-Type": "application/fhir+json"},
    )
    assert posted.status_code == 201, posted.get_json()
    assert posted.headers["Location"].split("/")[-1] != str(created["id"])
    search = client.get(
        f"/fhir/QuestionnaireResponse?patient={world.patient.id}",
        headers=token_for(client, "clinician"),
    ).get_json()
    assert search["total"] == 2
    stranger = client.get(
        f"/fhir/QuestionnaireResponse/{created['id']}", headers=token_for(client, "other-nurse")
    )
    assert stranger.status_code == 404


def _quantity(value: float, unit: str, component: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        }
    }
    if component:
        answer["extension"] = [
            {"url": "urn:telemon:extension:measurement-component", "valueCode": component}
        ]
    return answer


def qr_resource(
    canonical: str, colour: str = "groen", subject: str | None = None
) -> dict[str, Any]:
    """A QuestionnaireResponse as a FUT app sends it (synthetic answers)."""
    authored = (clock.now() - timedelta(minutes=5)).astimezone(CPH_WINTER).isoformat()
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "questionnaire": canonical,
        "status": "completed",
        "authored": authored,
        "item": [
            {
                "linkId": "sat",
                "answer": [_quantity(94, "%", "spo2"), _quantity(80, "/min", "pulse")],
            },
            {"linkId": "breath", "answer": [{"valueBoolean": True}]},
            {"linkId": "phlegm", "answer": [{"valueBoolean": True}]},
            {"linkId": "colour", "answer": [{"valueCoding": {"code": colour}}]},
            {
                "linkId": "bp",
                "answer": [
                    _quantity(130, "mm[Hg]", "systolic_bp"),
                    _quantity(80, "mm[Hg]", "diastolic_bp"),
                    _quantity(78, "/min", "pulse"),
                ],
            },
            {
                "linkId": "sat_again",
                "answer": [_quantity(95, "%", "spo2"), _quantity(76, "/min", "pulse")],
            },
        ],
    }
    if subject:
        resource["subject"] = {"reference": subject}
    return resource


def _post_bundle(client: Any, bundle: dict[str, Any], who: str = "nurse") -> Any:
    return client.post(
        "/fhir",
        data=json.dumps(bundle),
        headers={**token_for(client, who), "Content-Type": "application/fhir+json"},
    )


def test_a_transaction_bundle_holds_the_response_with_its_patient(client, world) -> None:
    q = publish_tree(client)
    canonical = f"urn:telemon:questionnaire:opentele:kol-daglig|{q['version']}"
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": patient_url,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": "0101701234"}],
                },
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": "identifier=urn:oid:1.2.208.176.1.2|0101701234",
                },
            },
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": qr_resource(canonical, subject=patient_url),
                "request": {"method": "POST", "url": "QuestionnaireResponse"},
            },
        ],
    }
    response = _post_bundle(client, bundle)
    assert response.status_code == 200, response.get_json()
    entries = response.get_json()["entry"]
    assert entries[1]["response"]["status"] == "201 Created"
    response_id = int(entries[1]["response"]["location"].split("/")[1])
    row = db.session.get(QuestionnaireResponse, response_id)
    assert row.patient_id == world.patient.id and row.triage == "red" and row.performer == "nurse"
    assert len([i for ids in row.observation_ids.values() for i in ids]) == 7
    # Sent again: nothing new.
    again = _post_bundle(client, bundle)
    assert again.get_json()["entry"][1]["response"]["status"] == "200 OK"
    assert _count(QuestionnaireResponse) == 1 and _count(Observation) == 7


def test_a_transaction_with_a_wrong_answer_stores_nothing_and_a_batch_the_rest(
    client, world
) -> None:
    q = publish_tree(client)
    canonical = f"urn:telemon:questionnaire:opentele:kol-daglig|{q['version']}"
    subject = f"Patient/{world.patient.id}"
    good = {
        "resource": qr_resource(canonical, subject=subject),
        "request": {"method": "POST", "url": "QuestionnaireResponse"},
    }
    bad = {
        "resource": qr_resource(canonical, colour="blå", subject=subject),
        "request": {"method": "POST", "url": "QuestionnaireResponse"},
    }
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [good, bad]}
    refused = _post_bundle(client, bundle)
    assert refused.status_code == 422, refused.get_json()
    assert "colour" in refused.get_json()["issue"][0]["diagnostics"]
    assert _count(QuestionnaireResponse) == 0 and _count(Observation) == 0
    batch = _post_bundle(client, {**bundle, "type": "batch"})
    assert batch.status_code == 200
    statuses = [e["response"]["status"] for e in batch.get_json()["entry"]]
    assert statuses[0] == "201 Created" and statuses[1].startswith("422")
    assert _count(QuestionnaireResponse) == 1


def test_a_patient_sends_her_response_without_naming_herself(client, world) -> None:
    q = publish_tree(client)
    canonical = f"urn:telemon:questionnaire:opentele:kol-daglig|{q['version']}"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": qr_resource(canonical),
                "request": {"method": "POST", "url": "QuestionnaireResponse"},
            }
        ],
    }
    response = _post_bundle(client, bundle, who="patient")
    assert response.status_code == 200, response.get_json()
    (row,) = db.session.scalars(select(QuestionnaireResponse)).all()
    assert row.patient_id == world.patient.id and row.performer == "patient"


def test_one_response_is_one_finding_with_every_reason(client, world) -> None:
    from telemon.clinical_text import reasons_text
    from telemon.models import Alert, OutgoingMail

    q = publish_tree(client)
    answers = [
        {"link_id": "sat", "value": {"spo2": 86, "pulse": 80}},
        {"link_id": "breath", "value": True},
        {"link_id": "phlegm", "value": False},
        {"link_id": "bp", "value": {"systolic_bp": 130, "diastolic_bp": 80, "pulse": 78}},
        {"link_id": "sat_again", "value": {"spo2": 95, "pulse": 76}},
    ]
    response = answer(client, "patient", world.patient.id, q["id"], answers)
    assert response.status_code == 201, response.get_json()
    # The answers' part at once: breathlessness is yellow.
    assert response.get_json()["triage"] == "yellow"
    (alert,) = db.session.scalars(select(Alert)).all()  # one alert, not one for SpO2 as well
    assert alert.measurement == "questionnaire" and alert.severity == "red"
    assert [r["code"] for r in alert.reasons] == [
        "threshold.below_alert_limit",
        "questionnaire.answer",
    ]
    danish = reasons_text(alert.reasons, "da")
    assert danish[1] == "Er du mere forpustet end vanligt? – ja"
    assert "86" in danish[0]
    assert set(response.get_json()["observation_ids"]) >= {o.id for o in alert.observations}
    assert _count(OutgoingMail) == 1
    row = db.session.get(QuestionnaireResponse, response.get_json()["id"])
    assert row.evaluated_at is not None
    # A second response joins the same alert.
    again = answer(client, "patient", world.patient.id, q["id"], GOOD)
    assert again.get_json()["triage"] == "red"
    (joined,) = db.session.scalars(select(Alert)).all()
    assert joined.id == alert.id
    assert {r["rule"] for r in joined.reasons} >= {
        "questionnaire.breath",
        "questionnaire.colour",
        "questionnaire.threshold.spo2",
    }


def test_a_green_response_raises_nothing(client, world) -> None:
    from telemon.models import Alert

    q = publish_tree(client)
    calm = [
        {"link_id": "sat", "value": {"spo2": 96, "pulse": 70}},
        {"link_id": "breath", "value": False},
        {"link_id": "phlegm", "value": False},
        {"link_id": "bp", "value": {"systolic_bp": 125, "diastolic_bp": 80, "pulse": 70}},
        {"link_id": "sat_again", "value": {"spo2": 96, "pulse": 70}},
    ]
    response = answer(client, "patient", world.patient.id, q["id"], calm)
    assert response.get_json()["triage"] == "green"
    assert _count(Alert) == 0


def test_telemons_own_questionnaire_stores_the_cat_score(client, world) -> None:
    (own,) = client.get(
        "/api/v1/questionnaires?url=urn:telemon:questionnaire:copd-daily",
        headers=token_for(client, "patient"),
    ).get_json()["items"]
    cat = ["cough", "phlegm", "tightness", "stairs", "home", "confidence", "sleep", "energy"]
    answers = [
        {"link_id": "spo2", "value": {"spo2": 95, "pulse": 72}},
        {"link_id": "weight", "value": 71.5},
        {"link_id": "breathless", "value": False},
        {"link_id": "cough", "value": True},
        {"link_id": "sputum", "value": False},
        {"link_id": "fever", "value": False},
        {"link_id": "new_treatment", "value": "none"},
    ] + [{"link_id": f"cat_{name}", "value": n % 4} for n, name in enumerate(cat)]
    response = answer(client, "patient", world.patient.id, own["id"], answers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["triage"] == "yellow"  # more cough
    stored = db.session.scalars(
        select(Observation).where(Observation.id.in_(response.get_json()["observation_ids"]))
    ).all()
    by_code = {o.code: o.value for o in stored}
    # 0+1+2+3+0+1+2+3 = 12
    assert by_code == {"spo2": 95, "pulse": 72, "weight": 71.5, "cat_score": 12}


def test_an_assigned_questionnaire_not_answered_raises_blue_and_an_answer_resolves_it(
    app, client, world
) -> None:
    from telemon.background import jobs
    from telemon.models import Alert

    q = publish_tree(client)
    headers = token_for(client, "clinician")
    patch = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"questionnaires": [{"questionnaire_id": q["id"], "schedule": {"interval_days": 2}}]},
        headers=headers,
    )
    assert patch.status_code == 200, patch.get_json()
    bad = client.patch(
        f"/api/v1/enrollments/{world.enrollment.id}",
        json={"questionnaires": [{"questionnaire_id": q["id"], "schedule": {"every": 2}}]},
        headers=headers,
    )
    assert bad.status_code == 422 and "0" in bad.get_json()["errors"]["questionnaires"]
    assert _count(EnrollmentQuestionnaire) == 1
    start = clock.now()
    app.config["TELEMON_NOW"] = start + timedelta(days=2)
    assert jobs.run(jobs.CHECK_MISSING_QUESTIONNAIRES) == 0  # due today: not missing yet
    app.config["TELEMON_NOW"] = start + timedelta(days=4)
    assert jobs.run(jobs.CHECK_MISSING_QUESTIONNAIRES) == 1
    assert jobs.run(jobs.CHECK_MISSING_QUESTIONNAIRES) == 0  # one blue alert at a time
    (alert,) = db.session.scalars(select(Alert).where(Alert.severity == "blue")).all()
    assert alert.rule == "missing_questionnaire"
    answer(client, "patient", world.patient.id, q["id"], GOOD)
    db.session.refresh(alert)
    assert alert.status == "resolved"
