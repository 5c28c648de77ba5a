"""Issue 12's check, as a new user would try it, in Debian's headless Chromium: the hospital's
administrator creates a user and a care team (1366 px); the new clinician changes her
temporary password, registers a patient by CPR number alone, enrols her with limits and
sharing and finds her in the overview (390 px, a phone); the municipality's administrator
fails to enrol the hospital's patient or create her login; the audit trail shows it all."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import Patient, User
from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser
NEW_PASSWORD = "lantern-otter-meadow"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)


def test_the_issue_12_walkthrough(client, world, open_page, tmp_path) -> None:
    root = db.session.scalar(select(User).where(User.username == "root"))
    identity.create_user(
        root,
        {
            "username": "municipal-admin",
            "password": PASSWORD,
            "role": "admin",
            "organisation_id": world.municipality.id,
        },
    )
    # The hospital's administrator, at a desk.
    admin = open_page(1366, 900)
    sign_in_page(admin, "hospital-admin", PASSWORD, start="/sign-in")
    assert admin.url.endswith("/admin/") and admin.title().startswith("Administration")
    admin.get_by_role("link", name="Brugere").first.click()
    admin.get_by_role("link", name="Ny bruger").click()
    admin.get_by_label("Brugernavn").fill("dr-north")
    admin.get_by_label("Rolle").select_option("clinician")
    admin.get_by_label("E-mail").fill("dr-north@example.invalid")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Opret bruger").click()
    temporary = admin.locator("#temporary-password").inner_text().strip()
    assert len(temporary) == 19
    admin.screenshot(path=str(tmp_path / "user-created.png"))
    new_id = db.session.scalar(select(User.id).where(User.username == "dr-north"))

    admin.goto("/admin/teams/new")
    admin.get_by_label("Navn").fill("COPD team north")
    admin.get_by_label("Alarmmail til").fill("copd-north@example.invalid")
    admin.get_by_label("dr-north").check()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Opret plejeteam").click()
    assert admin.get_by_text("Plejeteamet er oprettet.").is_visible()

    # The new clinician, on her phone.
    doctor = open_page(390, 844)
    sign_in_page(doctor, "dr-north", temporary, start="/sign-in")
    assert doctor.url.endswith("/password")
    doctor.get_by_label("Nuværende adgangskode").fill(temporary)
    doctor.get_by_label("Ny adgangskode", exact=True).fill("password1234")
    doctor.get_by_label("Ny adgangskode igen").fill("password1234")
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="Skift adgangskode").click()
    assert doctor.get_by_text("For almindelig eller for let at gætte").is_visible()
    doctor.get_by_label("Nuværende adgangskode").fill(temporary)
    doctor.get_by_label("Ny adgangskode", exact=True).fill(NEW_PASSWORD)
    doctor.get_by_label("Ny adgangskode igen").fill(NEW_PASSWORD)
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="Skift adgangskode").click()
    assert doctor.get_by_text("Din adgangskode er skiftet.").is_visible()

    doctor.goto("/patients/new")
    doctor.get_by_label("CPR-nummer").fill("150362-4321")
    doctor.get_by_label("Navn").fill("Synthetic Hansen")
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="Registrér").click()
    assert "Tilmeld Synthetic Hansen" in doctor.content()
    doctor.get_by_label("Ansvarligt plejeteam").select_option(label="COPD team north")
    doctor.get_by_label("Synthetic Municipality").check()
    doctor.locator("input[name='spo2.alert_low']").fill("86")
    doctor.locator("input[name='spo2.warning_low']").fill("88")
    no_sideways_scroll(doctor)
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="Tilmeld", exact=True).click()
    assert doctor.get_by_text("Tilmeldt.").is_visible()
    doctor.goto("/patients")
    doctor.locator("form[role=search] input[name='q']").fill("Hansen")
    with doctor.expect_navigation():
        doctor.locator("form[role=search] button[type=submit]").click()
    assert "Hansen" not in doctor.url  # the search never goes into the address
    row = doctor.locator("table.overview tbody tr").first
    assert "Synthetic Hansen" in row.inner_text() and "150362-4321" in row.inner_text()
    no_sideways_scroll(doctor)
    doctor.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    patient = db.session.scalar(select(Patient).where(Patient.cpr == "1503624321"))
    assert patient.birth_date.isoformat() == "1962-03-15"
    assert doctor.console_errors == []

    # The municipality's administrator tries what is not hers.
    municipal = open_page(1366, 900)
    sign_in_page(municipal, "municipal-admin", PASSWORD, start="/sign-in")
    refused = municipal.goto(f"/patients/{patient.id}/enrol")
    assert refused is not None and refused.status == 403
    assert "Synthetic Hansen" not in municipal.content()
    municipal.goto("/admin/users/new")
    municipal.get_by_label("Brugernavn").fill("hansen-login")
    municipal.get_by_label("Rolle").select_option("patient")
    municipal.get_by_label("Patientnummer (kun til en patients login)").fill(str(patient.id))
    with municipal.expect_navigation():
        municipal.get_by_role("button", name="Opret bruger").click()
    assert municipal.get_by_text("Ingen patient registreret af din organisation").is_visible()
    assert db.session.scalar(select(User.id).where(User.username == "hansen-login")) is None

    # The hospital's audit trail shows who did what to the patient's record.
    admin.goto("/admin/audit")
    admin.get_by_label("CPR-nummer").fill("1503624321")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Vis loggen").click()
    trail = admin.locator("table.trail").inner_text()
    assert "registrerede patienten" in trail and "tilmeldte patienten" in trail
    assert "dr-north" in trail and "municipal-admin" in trail and "afvist" in trail
    assert "Synthetic Hansen" not in admin.content()
    admin.screenshot(path=str(tmp_path / "trail.png"), full_page=True)
    admin.goto(f"/admin/audit/users/{new_id}")
    assert "skiftede sin adgangskode" in admin.locator("table.trail").inner_text()
    assert re.search(r"/admin/audit/users/\d+$", admin.url)
    assert admin.console_errors == [] and municipal.console_errors == []
