"""Issue 22's path in Debian's headless Chromium: the patient answers telemon's COPD
questionnaire on a 390 px phone, one question per screen (a low SpO2, more breathless, green
sputum), sees the advice on the way and a summary, sends once; the clinician at 1366 px opens
the alert from her queue and reads the answers, the marked ones coloured. No page scrolls
sideways."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert, QuestionnaireResponse
from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)  # forms carry their CSRF token, as in production


def _go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()
    no_sideways_scroll(page)


def _next(page: Any) -> None:
    _go(page, lambda: page.get_by_role("button", name="Næste").click())


def _choose(page: Any, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    _next(page)


def test_a_phone_answer_reaches_the_clinicians_alert(app, world, open_page, tmp_path) -> None:
    patient = open_page()
    sign_in_page(patient, "patient")
    _go(patient, lambda: patient.get_by_role("link", name="Besvar spørgsmål").click())
    _go(
        patient, lambda: patient.get_by_role("link", name="KOL: daglig måling og spørgsmål").click()
    )
    assert patient.get_by_text("Godmorgen. Vi starter med dine målinger.").is_visible()
    _next(patient)
    patient.get_by_label("SpO2").fill("86")
    patient.get_by_label("Puls").fill("90")
    _next(patient)
    _go(patient, lambda: patient.get_by_role("button", name="Spring over").click())  # weight
    _go(patient, lambda: patient.get_by_role("button", name="Spring over").click())  # BP
    _choose(patient, "Ja")  # more breathless
    _choose(patient, "Nej")  # not at rest
    assert patient.get_by_text("Brug dine vejrtrækningsteknikker", exact=False).is_visible()
    # Back to the question, and on again: the answer is kept.
    _go(patient, lambda: patient.get_by_role("button", name="Tilbage").click())
    assert patient.get_by_label("Nej", exact=True).is_checked()
    _next(patient)
    _next(patient)  # the advice
    _choose(patient, "Nej")  # cough
    _choose(patient, "Ja")  # more sputum
    _choose(patient, "Grøn")
    assert patient.get_by_text("Start din egenbehandlingsplan", exact=False).is_visible()
    _next(patient)
    _choose(patient, "Nej")  # fever
    _choose(patient, "Nej")  # no new treatment
    _next(patient)  # the CAT's introduction
    for _ in range(8):
        patient.get_by_role("textbox").fill("3")
        _next(patient)
    _next(patient)  # thanks
    assert patient.get_by_role("heading", name="Dine svar").is_visible()
    patient.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
    for button in patient.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44, button.inner_text()
    _go(patient, lambda: patient.get_by_role("button", name="Send svar").click())
    assert patient.get_by_text("Sendt.", exact=False).is_visible()
    (response,) = db.session.scalars(select(QuestionnaireResponse)).all()
    assert response.triage == "red"

    clinician = open_page(1366, 900)
    sign_in_page(clinician, "clinician")
    (alert,) = db.session.scalars(select(Alert)).all()
    _go(clinician, lambda: clinician.locator(f"a[href='/alerts/{alert.id}']").first.click())
    rows = clinician.locator("table.answers tr.severity-red")
    assert rows.count() == 1 and "Grøn" in rows.first.inner_text()
    # More breathless, more sputum.
    assert clinician.locator("table.answers tr.severity-yellow").count() == 2
    assert clinician.get_by_text("SpO2 86", exact=False).first.is_visible()
    clinician.screenshot(path=str(tmp_path / "alert.png"), full_page=True)
