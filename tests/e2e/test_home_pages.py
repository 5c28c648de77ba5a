"""The home nurse's pages through HTTP: her start page, finding a patient, recording readings
(the API's validation and evaluation, Danish field errors, a resent form stored once), wound
assessments with photos and a review request, the wound clinic's answer read and confirmed."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

from sqlalchemy import func, select

from telemon.extensions import db
from telemon.models import Alert, AuditEvent, Observation, ReviewRequest, WoundAssessment
from tests.helpers import (
    PASSWORD,
    enrol_in_anticoagulation,
    form_key,
    jpeg_with_gps,
    open_wound,
    sign_in,
    token_for,
)


def test_the_nurse_lands_on_her_work_and_finds_a_patient_by_cpr(client, world) -> None:
    sign_in(client, "nurse")
    assert client.get("/").headers["Location"] == "/home/"
    page = client.get("/home/").get_data(as_text=True)
    assert "Svar fra sårklinikken" in page and "Patienter" in page
    assert "Kvittér" not in page
    found = client.post("/home/", data={"q": "010170-1234"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Synthetic Patient" in found
    assert f'href="/home/patients/{world.patient.id}"' in found
    nothing = client.post("/home/", data={"q": "311299"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Synthetic Patient" not in nothing
    # Another municipality's nurse does not find her.
    client.post("/sign-out")
    sign_in(client, "other-nurse")
    assert "Synthetic Patient" not in client.post(
        "/home/", data={"q": "0101"}, follow_redirects=True
    ).get_data(as_text=True)
    assert client.get(f"/home/patients/{world.patient.id}").status_code == 404


def test_spo2_85_from_the_nurse_raises_a_red_alert_for_the_lung_team(client, world) -> None:
    sign_in(client, "nurse")
    url = f"/home/patients/{world.patient.id}/measurements"
    form = client.get(url).get_data(as_text=True)
    assert 'name="spo2"' in form and 'name="pulse"' in form
    effective = re.search(r'name="effective_at" type="datetime-local" value="([^"]+)"', form)
    assert effective
    data = {
        "form_key": form_key(form),
        "effective_at": effective.group(1),
        "spo2": "85",
        "pulse": "92",
        "location": "home",
    }
    stored = client.post(url, data=data)
    assert stored.status_code == 302
    assert stored.headers["Location"] == f"/home/patients/{world.patient.id}"
    # Sent again (a double tap, a resend): nothing new is stored.
    again = client.post(url, data=data)
    assert again.status_code == 302
    count = db.session.scalar(
        select(func.count())
        .select_from(Observation)
        .where(Observation.patient_id == world.patient.id)
    )
    assert count == 2
    alert = db.session.scalar(select(Alert).where(Alert.patient_id == world.patient.id))
    assert alert is not None and alert.severity == "red"
    assert alert.care_team_id == world.lung_team.id
    queue = client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    assert "SpO2 85" in queue and "endnu ikke set af hospitalet" in queue.lower()
    assert "er under alarmgrænsen" in queue  # the alert says why, in Danish


def test_field_errors_are_danish_and_keep_what_was_typed(client, world) -> None:
    sign_in(client, "nurse")
    url = f"/home/patients/{world.patient.id}/measurements"
    key = form_key(client.get(url).get_data(as_text=True))
    answer = client.post(
        url,
        data={
            "form_key": key,
            "effective_at": "2026-01-05T08:30",
            "spo2": "150",
            "pulse": "abc",
            "temperature": "37,5",
        },
        follow_redirects=True,
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Ikke et tal." in page
    answer = client.post(
        url,
        data={"form_key": key, "effective_at": "2026-01-05T08:30", "spo2": "150"},
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Skal ligge mellem" in page and 'value="150"' in page
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_wound_assessment_with_photos_and_an_urgent_question_stores_once(
    client, wounds, app
) -> None:
    world = wounds.base
    wound_id = open_wound(client, token_for(client, "nurse"), world.patient.id)
    sign_in(client, "nurse")
    url = f"/home/wounds/{wound_id}/assessment"
    form = client.get(url).get_data(as_text=True)
    assert 'accept="image/*" capture' in form
    key = form_key(form)

    def send() -> Any:
        return client.post(
            url,
            data={
                "form_key": key,
                "assessed_at": "2026-01-05T09:00",
                "length_cm": "4,5",
                "width_cm": "3",
                "size": "estimated",
                "tissue": "slough",
                "exudate": "moderate",
                "infection_signs": ["erythema", "warmth"],
                "pain": "6",
                "note": "Red edges since Monday.",
                "ask_review": "1",
                "urgency": "urgent",
                "question": "Signs of infection: antibiotics?",
                "photo": [(io.BytesIO(jpeg_with_gps()), "camera.jpg")],
            },
            content_type="multipart/form-data",
            headers={"X-Telemon-Upload": "1"},
        )

    first = send()
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json() == {"next": f"/home/patients/{world.patient.id}"}
    assert send().status_code == 200  # resent after a dropped connection
    assert db.session.scalar(select(func.count()).select_from(WoundAssessment)) == 1
    review = db.session.scalar(select(ReviewRequest))
    assert db.session.scalar(select(func.count()).select_from(ReviewRequest)) == 1
    assert review.urgency == "urgent" and review.assessment_id is not None
    assessment = db.session.get(WoundAssessment, review.assessment_id)
    assert assessment.area_estimated and assessment.client_id == uuid.UUID(key)

    start = client.get("/home/").get_data(as_text=True)
    assert "Dine åbne spørgsmål til sårklinikken" in start and "haster" in start.lower()

    # The wound clinic answers; the nurse reads it on her start page and confirms.
    client.post("/sign-out")
    sign_in(client, "wound-specialist")
    client.post(
        f"/review-requests/{review.id}/reply",
        data={"instructions": "Swab and start flucloxacillin; photo again Friday."},
    )
    client.post("/sign-out")
    sign_in(client, "nurse")
    start = client.get("/home/").get_data(as_text=True)
    assert "Swab and start flucloxacillin" in start and "Jeg har læst det" in start
    reply = client.get(f"/home/reviews/{review.id}").get_data(as_text=True)
    assert "Swab and start flucloxacillin" in reply
    done = client.post(f"/home/reviews/{review.id}/read")
    assert done.status_code == 302
    db.session.refresh(review)
    assert review.status == "closed" and review.acknowledged_by_id == world.nurse.id
    assert "Swab and start" not in client.get("/home/").get_data(as_text=True)


def test_a_missing_photo_is_a_danish_field_error(client, wounds) -> None:
    world = wounds.base
    wound_id = open_wound(client, token_for(client, "nurse"), world.patient.id)
    sign_in(client, "nurse")
    url = f"/home/wounds/{wound_id}/assessment"
    key = form_key(client.get(url).get_data(as_text=True))
    answer = client.post(
        url,
        data={"form_key": key, "assessed_at": "2026-01-05T09:00", "length_cm": "4"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Tag eller vælg mindst ét foto." in page and "Skal udfyldes." in page


def test_the_reply_page_goes_through_sign_in_and_back(client, wounds) -> None:
    world = wounds.base
    headers = token_for(client, "nurse")
    wound_id = open_wound(client, headers, world.patient.id)
    asked = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Dressing?", "urgency": "routine"},
        headers=headers,
    )
    review_id = asked.get_json()["id"]
    away = client.get(f"/home/reviews/{review_id}")
    assert away.status_code == 302 and away.headers["Location"].startswith("/sign-in?next=")
    back = client.post(away.headers["Location"], data={"username": "nurse", "password": PASSWORD})
    assert back.headers["Location"] == f"/home/reviews/{review_id}"
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Sårklinikken har ikke svaret endnu." in page
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "review_request.read", AuditEvent.user_id == world.nurse.id)
    )


def test_the_nurse_records_an_inr_in_a_nursing_home(app, client, world) -> None:
    enrol_in_anticoagulation(app, world)
    sign_in(client, "nurse")
    patient_page = client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    assert f'href="/home/patients/{world.patient.id}/inr"' in patient_page
    url = f"/home/patients/{world.patient.id}/inr"
    form = client.get(url).get_data(as_text=True)
    assert 'value="CoaguChek INRange"' in form  # the plan's device, filled in
    effective = re.search(r'name="effective_at" type="datetime-local" value="([^"]+)"', form)
    data = {
        "form_key": form_key(form),
        "effective_at": effective.group(1),
        "inr": "2,6",
        "location": "nursing_home",
        "device": "CoaguChek INRange",
    }
    assert client.post(url, data=data).status_code == 302
    reading = db.session.scalar(select(Observation))
    assert (reading.code, reading.value, reading.performer, reading.location, reading.device) == (
        "inr",
        2.6,
        "nurse",
        "nursing_home",
        "CoaguChek INRange",
    )
    nine = client.post(
        url, data={**data, "form_key": str(uuid.uuid4()), "inr": "9"}, follow_redirects=True
    )
    assert nine.status_code == 422
    assert "Skal ligge mellem 0,8 og 8" in nine.get_data(as_text=True)


def test_back_changed_and_sent_again_asks_to_check_and_then_stores(client, world) -> None:
    sign_in(client, "nurse")
    url = f"/home/patients/{world.patient.id}/measurements"
    key = form_key(client.get(url).get_data(as_text=True))
    first = {"form_key": key, "effective_at": "2026-01-05T08:30", "spo2": "93"}
    assert client.post(url, data=first).status_code == 302
    changed = client.post(url, data={**first, "spo2": "92"}, follow_redirects=True)
    page = changed.get_data(as_text=True)
    assert changed.status_code == 422
    assert "Skemaet er sendt før med andre værdier" in page and 'value="92"' in page
    new_key = form_key(page)
    assert new_key != key
    assert client.post(url, data={**first, "form_key": new_key, "spo2": "92"}).status_code == 302
    values = db.session.scalars(select(Observation.value).order_by(Observation.id)).all()
    assert values == [93, 92]
