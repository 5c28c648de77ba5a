"""What a week of real use found against clinical sense (issue 21, points 5 and 7): readings
that contradict themselves are refused naming the field, only the responsible team's reading of
an alert counts as seen, an acknowledged alert that is still open keeps its colour, and the
patient reads "within your limits" only where there are limits."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.models import Alert, AlertEvent, Observation
from tests import fhir_bundles as fb
from tests.helpers import (
    assessment_data,
    item,
    jpeg_with_gps,
    open_wound,
    post_assessment,
    sign_in,
    token_for,
)

CPR = "0101701234"  # world.patient's (synthetic) CPR number


def _readings() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


def test_a_blood_pressure_with_systolic_below_diastolic_is_refused_naming_the_value(
    client, world
) -> None:
    nurse = token_for(client, "nurse")
    at = datetime.now(clock.COPENHAGEN) - timedelta(minutes=5)
    body = {
        "observations": [
            item(world.patient.id, "systolic_bp", 80, at=at),
            item(world.patient.id, "diastolic_bp", 120, at=at),
        ]
    }
    refused = client.post("/api/v1/observations", json=body, headers=nurse)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "observations": {"0": {"value": ["Systolic BP (80) must be above diastolic BP (120)."]}}
    }
    assert _readings() == 0
    # 120/80 taken together is a blood pressure; so is a systolic alone.
    body["observations"][0]["value"], body["observations"][1]["value"] = 120, 80
    assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201


def test_a_fhir_panel_with_systolic_below_diastolic_is_refused(client, world) -> None:
    headers = {**token_for(client, "nurse"), "Content-Type": "application/fhir+json"}
    body = fb.blood_pressure_bundle(CPR, systolic=80, diastolic=120)
    response = client.post("/fhir", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    outcome = response.get_json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "diastolic" in outcome["issue"][0]["diagnostics"]
    assert _readings() == 0


def test_the_web_form_names_the_systolic_field(client, world) -> None:
    sign_in(client, "nurse")
    url = f"/home/patients/{world.patient.id}/measurements"
    page = client.get(url).get_data(as_text=True)
    key = page.split('name="form_key" value="', 1)[1].split('"', 1)[0]
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    data = {"form_key": key, "effective_at": now, "systolic_bp": "80", "diastolic_bp": "120"}
    shown = client.post(url, data=data, follow_redirects=True)
    assert shown.status_code == 422
    assert "Skal være højere end det diastoliske tryk." in shown.get_data(as_text=True)
    assert _readings() == 0


def test_closed_tissue_on_a_wound_with_a_size_is_refused(client, wounds) -> None:
    headers = token_for(client, "nurse")
    wound_id = open_wound(client, headers, wounds.base.patient.id)
    data = assessment_data(tissue="closed", area_cm2=11.3)
    refused = post_assessment(client, headers, wound_id, data, jpeg_with_gps())
    assert refused.status_code == 422
    assert "tissue" in str(refused.get_json()["errors"])
    closed = assessment_data(tissue="closed", length_cm=0, width_cm=0, depth_cm=0)
    assert post_assessment(client, headers, wound_id, closed, jpeg_with_gps()).status_code == 201


def test_pain_11_and_a_future_time_say_what_is_wrong(client, wounds) -> None:
    sign_in(client, "nurse")
    wound_id = open_wound(client, token_for(client, "nurse"), wounds.base.patient.id)
    url = f"/home/wounds/{wound_id}/assessment"
    page = client.get(url).get_data(as_text=True)
    key = page.split('name="form_key" value="', 1)[1].split('"', 1)[0]
    now = clock.local(clock.now())
    sent = {"form_key": key, "length_cm": "4", "width_cm": "3"}
    for typed, said in (
        (
            {"assessed_at": now.strftime("%Y-%m-%dT%H:%M"), "pain": "11"},
            "Et helt tal fra 0 til 10.",
        ),
        (
            {"assessed_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "pain": "2"},
            "Tidspunktet ligger i fremtiden; tjek telefonens ur.",
        ),
    ):
        answer = client.post(
            url,
            data={**sent, **typed, "photo": [(io.BytesIO(jpeg_with_gps()), "wound.jpg")]},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        text = answer.get_data(as_text=True)
        assert answer.status_code == 422 and said in text, text
        assert "Kontrollér dette felt." not in text


def test_a_nurse_opening_an_alert_is_not_the_hospital_seeing_it(client, world) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )
    alert = db.session.scalar(select(Alert))
    assert client.get(f"/api/v1/alerts/{alert.id}", headers=nurse).status_code == 200
    db.session.refresh(alert)
    assert alert.first_seen_at is None and alert.team_seen_at is None
    assert not db.session.scalar(select(AlertEvent).where(AlertEvent.kind == "seen"))
    # The lung team's clinician opening it is.
    client.get(f"/api/v1/alerts/{alert.id}", headers=token_for(client, "clinician"))
    db.session.refresh(alert)
    assert alert.first_seen_at is not None and alert.team_seen_at is not None
    seen = db.session.scalar(select(AlertEvent).where(AlertEvent.kind == "seen"))
    assert seen.by_id == world.clinician.id


def test_an_acknowledged_alert_still_open_keeps_the_patient_coloured(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert = db.session.scalar(select(Alert))
    doctor = token_for(client, "clinician")
    acknowledged = client.post(
        f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "Ringer i dag."}, headers=doctor
    )
    assert acknowledged.status_code == 200, acknowledged.get_json()
    sign_in(client, "clinician")
    overview = client.get("/patients").get_data(as_text=True)
    assert 'class="sev-red"' in overview and 'class="sev-green"' not in overview
    assert "1 kvitteret, endnu ikke afsluttet" in overview
    client.post("/sign-out")
    sign_in(client, "nurse")
    tiles = client.get("/home/").get_data(as_text=True)
    assert "1 alarm kvitteret af hospitalet, endnu ikke afsluttet" in tiles


def test_weight_without_limits_is_received_not_within_limits(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "weight", 81.5)]},
        headers=token_for(client, "nurse"),
    )
    sign_in(client, "patient")
    page = client.get("/me/").get_data(as_text=True)
    assert "Modtaget af dit behandlerteam" in page and "Inden for dine grænser" not in page


def test_the_standards_page_says_what_each_programme_expects(client, world) -> None:
    sign_in(client, "root")
    english = client.get("/admin/standards").get_data(as_text=True)
    assert "A measurement is expected every day;" in english and "day(s)" not in english
    assert "The INR test is due on the day the clinic sets" in english
    assert "<h2>Anticoagulation</h2>" in english  # the programme in words, not its code
    client.post("/language", data={"language": "da", "back": "/admin/standards"})
    page = client.get("/admin/standards").get_data(as_text=True)
    assert "hver 1. dag" not in page and "<h2>AK-behandling</h2>" in page
    assert "En måling forventes hver dag" in page
    assert "INR-målingen skal tages den dag, klinikken fastsætter" in page
    assert "Sårvurderinger følger hjemmesygeplejerskens plan" in page


def test_a_normal_temperature_is_not_yellow(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "temperature", 37.2)]},
        headers=token_for(client, "nurse"),
    )
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_the_acknowledge_note_can_be_shown_to_the_patient(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    doctor = token_for(client, "clinician")
    first = db.session.scalar(select(Alert))
    shown = client.post(
        f"/api/v1/alerts/{first.id}/acknowledge",
        json={"note": "Vi ringer til dig i eftermiddag.", "visible_to_patient": True},
        headers=doctor,
    )
    assert shown.status_code == 200, shown.get_json()
    sign_in(client, "patient")
    page = client.get("/me/").get_data(as_text=True)
    assert "Vi ringer til dig i eftermiddag." in page
    # The web form offers it too.
    client.post("/sign-out")
    sign_in(client, "clinician")
    assert 'name="visible_to_patient"' in client.get(f"/alerts/{first.id}").get_data(as_text=True)


def test_an_acknowledge_note_not_chosen_for_the_patient_stays_the_teams(client, world) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert = db.session.scalar(select(Alert))
    client.post(
        f"/api/v1/alerts/{alert.id}/acknowledge",
        json={"note": "Intern: tjek medicinlisten."},
        headers=token_for(client, "clinician"),
    )
    sign_in(client, "patient")
    assert "Intern: tjek medicinlisten." not in client.get("/me/").get_data(as_text=True)
