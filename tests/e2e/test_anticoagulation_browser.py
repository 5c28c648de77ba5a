"""Issue 18's check in Debian's headless Chromium on a 390 × 844 phone: the self-managing
patient sends INR 5,6 on a Friday evening and reads one instruction (no tablets until the
clinic has called, when it opens on Monday, the team's out-of-hours text) with a week that
agrees and nothing to accept; the anticoagulation clinic's nurse finds the suggestion from her
start page, overrides it with a held day, a new dose and a note for the patient; the patient
reads the decision. No page scrolls sideways, no page logs a console error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from telemon import clock
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import Alert, DoseSuggestion
from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page
from tests.helpers import PASSWORD, enrol_in_anticoagulation

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)  # forms carry their CSRF token, as in production


def _go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()
    no_sideways_scroll(page)


def _states(page: Any) -> list[str]:
    cells = page.locator("table.week td")
    return [cells.nth(i).get_attribute("data-state") for i in range(cells.count())]


def test_a_high_inr_handled_safely_from_the_patient_to_the_clinic_and_back(  # noqa: PLR0915
    app,
    client,
    world,
    open_page,
    tmp_path,
) -> None:
    enrollment = enrol_in_anticoagulation(app, world)
    enrollment.anticoagulation.self_managing = True
    team = enrollment.care_team
    team.out_of_hours_text = "Ring AK-klinikken (demo) i åbningstiden; ved blødning: 1813."
    ak_nurse = identity.create_user(
        world.admin,
        {
            "username": "ak-nurse",
            "password": PASSWORD,
            "role": "nurse",
            "organisation_id": world.hospital.id,
            "email": "ak-nurse@example.invalid",
        },
    )
    team.members.append(ak_nurse)
    db.session.commit()
    # Friday 20 November 2026 at 20:07: the clinic (08:00-16:00) opens again on Monday.
    app.config["TELEMON_NOW"] = datetime(2026, 11, 20, 20, 7, tzinfo=clock.COPENHAGEN)

    patient = open_page()
    sign_in_page(patient, "patient")
    _go(patient, lambda: patient.get_by_role("link", name="Min AK-behandling").click())
    patient.get_by_role("textbox", name="INR").fill("5,6")
    _go(patient, lambda: patient.get_by_role("button", name="Send INR").click())
    instruction = patient.locator("#instruction")
    instruction.wait_for()
    assert instruction.get_by_role("heading").inner_text() == "Din INR 5,6: det skal du gøre nu"
    first = instruction.locator("p").first.inner_text()
    assert first == (
        "Tag ingen blodfortyndende tabletter fra fredag den 20. november, indtil klinikken har "
        "talt med dig."
    )
    text = instruction.inner_text()
    assert "mandag den 23. november kl. 08.00" in text
    assert "Ring AK-klinikken (demo) i åbningstiden; ved blødning: 1813." in text
    assert "i dag" not in text
    assert patient.get_by_role("button", name="Godkend forslaget").count() == 0
    assert "Ændr ikke" not in patient.content()
    # The week agrees: taken Monday to Thursday, paused from Friday.
    assert _states(patient) == ["take"] * 4 + ["paused"] * 3
    assert patient.get_by_text("Ugens tabletter: sat på pause").is_visible()
    patient.screenshot(path=str(tmp_path / "patient-high-inr.png"), full_page=True)
    suggestion = db.session.scalar(select(DoseSuggestion))
    assert (suggestion.status, suggestion.contact_clinic) == ("pending", True)

    # Monday 08:10: the clinic's nurse, on her phone, from her start page to the worklist.
    app.config["TELEMON_NOW"] = datetime(2026, 11, 23, 8, 10, tzinfo=clock.COPENHAGEN)
    nurse = open_page()
    sign_in_page(nurse, "ak-nurse")
    assert nurse.url.endswith("/home/")
    no_sideways_scroll(nurse)
    _go(nurse, lambda: nurse.get_by_role("link", name="1 dosisforslag venter").click())
    row = nurse.locator(f"#suggestion-{suggestion.id}")
    assert "Synthetic Patient" in row.inner_text() and "5,6" in row.inner_text()
    row.get_by_label("Ugedosis (mg)").fill("30")
    row.get_by_label("Dage uden tabletter (0–7)").fill("1")
    row.get_by_label("Note (valgfri)").fill("Pause 1 dag, derefter 30 mg/uge. Ny INR torsdag.")
    row.get_by_label("Vis noten for patienten").check()
    nurse.screenshot(path=str(tmp_path / "worklist.png"), full_page=True)
    _go(
        nurse,
        lambda: row.get_by_role("button", name="Tilsidesæt: denne dosis og disse dage").click(),
    )
    assert nurse.get_by_text("Ugedosis ændret: 30 mg/uge. 1 dag uden tabletter.").is_visible()
    assert nurse.get_by_text("Ingen dosisforslag venter.").is_visible()
    db.session.refresh(suggestion)
    assert (suggestion.status, suggestion.decided_hold_days) == ("overridden", 1)
    db.session.expire_all()
    alert = db.session.scalar(select(Alert).where(Alert.rule == "inr.out_of_range"))
    assert alert.status == "resolved" and alert.resolved_by_id == ak_nurse.id

    # The patient reads the decision on Monday (signed in again: her Friday session has
    # expired): the dose, the held day (Monday), the note, who.
    sign_in_page(patient, "patient")
    _go(patient, lambda: patient.get_by_role("link", name="Min AK-behandling").click())
    decision = patient.locator("#decision")
    text = decision.inner_text()
    assert "Klinikkens seneste beslutning" in text
    assert "Ugedosis: 30 mg/uge." in text
    assert "Tag ingen tabletter mandag den 23. november." in text
    assert "Pause 1 dag, derefter 30 mg/uge. Ny INR torsdag." in text
    assert "en sygeplejerske i AK clinic" in text and "ak-nurse" not in text
    assert patient.locator("#instruction").count() == 0
    assert _states(patient) == ["held"] + ["take"] * 6
    patient.screenshot(path=str(tmp_path / "patient-decision.png"), full_page=True)
    assert not patient.console_errors and not nurse.console_errors
