"""Issue 24's threads walked in Debian's headless Chromium: the patient writes on her phone
(390 px), the clinician answers at her desk (1366 px) from the work list, the patient reads the
answer on her start page; the home nurse asks on her phone and reads the team's answer. No page
scrolls sideways, the send buttons are tap-sized, no page logs a console error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)


def _go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()
    no_sideways_scroll(page)


def _tap_sized(page: Any, name: str) -> None:
    box = page.get_by_role("button", name=name).bounding_box()
    assert box and box["height"] >= 44, f"{name}: {box}"


def test_patient_clinician_patient(open_page: Any, world: Any) -> None:
    patient = open_page()
    sign_in_page(patient, "patient")
    _go(patient, lambda: patient.get_by_role("link", name="Beskeder").click())
    _tap_sized(patient, "Send")
    patient.get_by_label("Skriv en besked").fill(
        "Jeg hoster mere i dag. Skal jeg tage mere medicin?"
    )
    _go(patient, lambda: patient.get_by_role("button", name="Send").click())
    assert patient.get_by_text("Din besked er sendt.").is_visible()
    assert patient.get_by_text("Venter på svar fra behandlerteamet").is_visible()

    desk = open_page(1366, 900)
    sign_in_page(desk, "clinician")
    desk.goto("/queue")
    _go(desk, lambda: desk.locator("tr.message a", has_text="Besked:").click())
    assert desk.get_by_text("Jeg hoster mere i dag.").is_visible()
    _go(desk, lambda: desk.get_by_role("link", name="Svar").first.click())
    desk.get_by_label("Skriv en besked").fill("Tag din anfaldsmedicin og mål iltmætningen i aften.")
    _go(desk, lambda: desk.get_by_role("button", name="Send").click())
    assert desk.get_by_text("Tag din anfaldsmedicin").is_visible()
    assert desk.get_by_role("button", name="Markér som behandlet").count() == 0
    desk.goto("/queue")
    assert desk.locator("tr.message").count() == 0

    patient.goto("/me/")
    no_sideways_scroll(patient)
    link = patient.locator("#messages-link")
    assert "1 nyt svar" in link.inner_text()
    _go(patient, lambda: link.click())
    assert patient.get_by_text("Tag din anfaldsmedicin og mål iltmætningen i aften.").is_visible()
    patient.goto("/me/")
    assert "nyt svar" not in patient.locator("#messages-link").inner_text()
    assert patient.console_errors == [] and desk.console_errors == []


def test_nurse_asks_and_reads_the_answer_on_her_phone(open_page: Any, world: Any) -> None:
    nurse = open_page()
    sign_in_page(nurse, "nurse")
    nurse.goto(f"/home/patients/{world.patient.id}")
    _go(nurse, lambda: nurse.get_by_role("link", name="Beskeder med behandlerteamet").click())
    nurse.get_by_label("Skriv en besked").fill("Hun virker træt. Skal vi måle oftere?")
    _go(nurse, lambda: nurse.get_by_role("button", name="Send").click())

    desk = open_page(1366, 900)
    sign_in_page(desk, "clinician")
    desk.goto(f"/patients/{world.patient.id}")
    _go(desk, lambda: desk.locator("#messages-link").click())
    _go(desk, lambda: desk.get_by_role("link", name="Svar").first.click())
    desk.get_by_label("Skriv en besked").fill("Ja, mål to gange dagligt i en uge.")
    _go(desk, lambda: desk.get_by_role("button", name="Send").click())

    nurse.goto("/home/")
    no_sideways_scroll(nurse)
    _go(nurse, lambda: nurse.locator("#unread-messages a").first.click())
    assert nurse.get_by_text("Ja, mål to gange dagligt i en uge.").is_visible()
    assert nurse.console_errors == [] and desk.console_errors == []
