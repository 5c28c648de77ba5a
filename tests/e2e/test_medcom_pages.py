"""What the care team and the home nurse see of a hospital stay told by MedCom
HospitalNotifications (issue 24, point 4): "Indlagt på <afdeling> siden <tid>" on the patient
pages and lists, the home nurse's "Udskrevet: genoptag målinger", and who paused by hand. In
Danish (the default) and English, through the test client."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from telemon import clock
from telemon.extensions import db
from telemon.models import DischargeFollowUp
from tests.helpers import create_broker, item, raise_alert, sign_in, token_for
from tests.medcom import DEPARTMENT, header_id, notification

MONDAY = date(2026, 11, 23)


def _at(app, day: date, hour: int = 12) -> datetime:
    moment = datetime.combine(day, time(hour), tzinfo=clock.COPENHAGEN)
    app.config["TELEMON_NOW"] = moment
    return moment


def _send(client, message) -> None:
    headers = {**token_for(client, "broker"), "Content-Type": "application/fhir+json"}
    answer = client.post("/fhir/$process-message", json=message, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    header = answer.get_json()["entry"][0]["resource"]
    assert header["response"]["code"] == "ok"


@pytest.fixture
def admitted(app, client, world):
    create_broker(world)
    db.session.commit()
    start = _at(app, MONDAY, 10)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-p", start=start)
    _send(client, stin)
    return stin


def test_the_care_team_and_the_nurse_see_the_admission(app, client, world, admitted) -> None:
    _at(app, MONDAY, 15)
    danish = f"Indlagt på {DEPARTMENT} siden"
    sign_in(client, "clinician")
    page = client.get(f"/patients/{world.patient.id}").get_data(as_text=True)
    assert danish in page
    assert danish in client.get("/patients").get_data(as_text=True)
    raise_alert(world.enrollment, "spo2_low", "red", 0)
    assert danish in client.get("/queue").get_data(as_text=True)
    # A reading taken on the ward is shown as such in the measurement table.
    reading = item(world.patient.id, "spo2", 94, _at(app, MONDAY, 14), performer="patient")
    stored = client.post(
        "/api/v1/observations",
        json={"observations": [reading]},
        headers=token_for(client, "patient"),
    )
    assert stored.status_code == 201, stored.get_json()
    _at(app, MONDAY, 15)
    table = client.get(f"/patients/{world.patient.id}/measurements").get_data(as_text=True)
    assert "under indlæggelse" in table
    edit = client.get(f"/enrollments/{world.enrollment.id}/edit").get_data(as_text=True)
    assert "Sat på pause af sygehusets advis om indlæggelse." in edit
    client.post("/sign-out")
    sign_in(client, "nurse")
    assert danish in client.get("/home/").get_data(as_text=True)
    assert danish in client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    english = client.get(f"/home/patients/{world.patient.id}").get_data(as_text=True)
    assert f"Admitted to {DEPARTMENT} since" in english


def test_after_the_discharge_the_nurse_resumes_measurements(app, client, world, admitted):
    discharged = _at(app, MONDAY + timedelta(days=2), 14)
    slhj = notification(
        "SLHJ",
        cpr=world.patient.cpr,
        episode="ep-p",
        start=_at(app, MONDAY, 10),
        end=discharged,
        history=[(header_id(admitted), "admit-inpatient")],
    )
    _at(app, MONDAY + timedelta(days=2), 15)
    _send(client, slhj)
    sign_in(client, "nurse")
    start = client.get("/home/").get_data(as_text=True)
    assert "Udskrevet: genoptag målinger" in start
    assert "Indlagt på" not in start
    (follow_up,) = db.session.scalars(select(DischargeFollowUp)).all()
    assert f'id="follow-up-{follow_up.id}"' in start
    done = client.post(f"/home/follow-ups/{follow_up.id}/done")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(DischargeFollowUp, follow_up.id).done_by_id == world.nurse.id
    assert "Udskrevet: genoptag målinger" not in client.get("/home/").get_data(as_text=True)
    client.post("/sign-out")
    # Another municipality's nurse does not see the patient, nor close her work item.
    sign_in(client, "other-nurse")
    assert "Udskrevet" not in client.get("/home/").get_data(as_text=True)
    assert client.post(f"/home/follow-ups/{follow_up.id}/done").status_code == 404
    client.post("/sign-out")
    sign_in(client, "clinician")
    edit = client.get(f"/enrollments/{world.enrollment.id}/edit").get_data(as_text=True)
    assert "Genoptaget ved udskrivelsen" in edit


def test_the_messaging_account_has_no_pages(app, client, world, admitted) -> None:
    _at(app, MONDAY, 11)
    sign_in(client, "broker")
    assert client.get("/").status_code == 403
