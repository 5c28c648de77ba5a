"""The administration console and the clinician's patient pages through the test client
(CSRF is checked in the browser test, tests/e2e/test_console_browser.py)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Enrollment, Patient, User
from tests.helpers import sign_in


@pytest.mark.parametrize("username", ["hospital-admin", "root"])
def test_every_console_page_renders_for_an_administrator(client, world, username) -> None:
    sign_in(client, username)
    assert client.get("/").headers["Location"].endswith("/admin/")
    pages = [
        "/admin/",
        "/admin/users",
        "/admin/users?q=clin&role=clinician&active=yes",
        "/admin/users/new",
        f"/admin/users/{world.clinician.id}",
        "/admin/teams",
        "/admin/teams/new",
        f"/admin/teams/{world.lung_team.id}",
        "/admin/standards",
        "/admin/nomograms",
        "/admin/holidays",
        "/admin/audit",
        f"/admin/audit/users/{world.clinician.id}",
        "/admin/audit/users?q=clin",
        f"/admin/audit/patients/{world.patient.id}",
        "/password",
    ]
    if username == "root":
        pages += ["/admin/organisations", "/admin/standards/copd"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
        assert "Synthetic Patient" not in page and "0101701234" not in page, url
    # The clinician's pages are not hers.
    assert client.get("/patients").status_code == 403
    assert client.get(f"/patients/{world.patient.id}").status_code == 403


def test_an_admin_creates_a_user_who_must_change_the_temporary_password(client, world) -> None:
    sign_in(client, "hospital-admin")
    form = client.get("/admin/users/new").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', form).group(1)
    data = {
        "username": "new-doc",
        "role": "clinician",
        "email": "new-doc@example.invalid",
        "language": "da",
        "care_team_ids": str(world.lung_team.id),
        "form_key": key,
    }
    shown = client.post("/admin/users/new", data=data)
    assert shown.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', shown.get_data(as_text=True)).group(1)
    again = client.post("/admin/users/new", data=data)  # the form sent twice stores once
    assert again.status_code == 302
    assert db.session.scalar(select(User.id).where(User.username == "new-doc"))
    newcomer = client.application.test_client()
    sign_in(newcomer, "new-doc", password)
    assert newcomer.get("/queue").headers["Location"].endswith("/password")
    weak = newcomer.post(
        "/password",
        data={
            "current_password": password,
            "new_password": "password1234",
            "repeat_password": "password1234",
        },
        follow_redirects=True,
    )
    assert weak.status_code == 422 and "For almindelig" in weak.get_data(as_text=True)
    done = newcomer.post(
        "/password",
        data={
            "current_password": password,
            "new_password": "lantern-otter-meadow",
            "repeat_password": "lantern-otter-meadow",
        },
    )
    assert done.status_code == 302
    assert newcomer.get("/queue").status_code == 200


def test_a_clinician_registers_enrols_and_finds_a_patient(client, world) -> None:
    sign_in(client, "clinician")
    form = client.get("/patients/new").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', form).group(1)
    bad = client.post(
        "/patients/new",
        data={"cpr": "310299-1234", "name": "X", "form_key": key},
        follow_redirects=True,
    )
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert 'value="X"' in bad.get_data(as_text=True)  # nothing typed is lost
    made = client.post(
        "/patients/new", data={"cpr": "020280-1111", "name": "Synthetic Three", "form_key": key}
    )
    assert made.status_code == 302
    patient = db.session.scalar(select(Patient).where(Patient.cpr == "0202801111"))
    enrol_url = f"/patients/{patient.id}/enrol"
    page = client.get(enrol_url + "?programme=copd").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    enrolled = client.post(
        enrol_url,
        data={
            "programme": "copd",
            "care_team_id": str(world.lung_team.id),
            "shared_with": str(world.municipality.id),
            "spo2.alert_low": "86",
            "spo2.warning_low": "88",
            "form_key": key,
            "save": "1",
        },
    )
    assert enrolled.status_code == 302, enrolled.get_data(as_text=True)
    (enrollment,) = db.session.scalars(
        select(Enrollment).where(Enrollment.patient_id == patient.id)
    ).all()
    assert {t.code: t.alert_low for t in enrollment.thresholds}["spo2"] == 86
    listed = client.post("/patients", data={"q": "Three"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Synthetic Three" in listed and "020280-1111" in listed
    for url in (
        f"/enrollments/{enrollment.id}/edit",
        f"/patients/{patient.id}/measurements",
        f"/patients/{patient.id}",
    ):
        assert client.get(url).status_code == 200, url
    csv = client.get(f"/patients/{patient.id}/measurements.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    paused = client.post(
        f"/enrollments/{enrollment.id}/pause",
        data={"paused_from": "2099-01-01", "reason": "holiday"},
    )
    assert paused.status_code == 302
    ended = client.post(f"/enrollments/{enrollment.id}/end", data={"reason": "completed"})
    assert ended.status_code == 302
    db.session.refresh(enrollment)
    assert enrollment.status == "ended" and enrollment.paused_from is not None
