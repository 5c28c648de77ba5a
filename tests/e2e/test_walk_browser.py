"""The merged product walked as its users, in Danish (issue 20-24's seams): the COPD patient on
a 390 px phone answers telemon's COPD questionnaire with a red answer and writes to her team;
the clinician at 1366 px finds the questionnaire alert and the message in her queue, reads the
answers on the alert page, answers the patient from there (signed "Name, title"); the patient
sees the answer. No page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert
from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)


def _go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()
    no_sideways_scroll(page)


def _next(page: Any) -> None:
    _go(page, lambda: page.get_by_role("button", name="Næste").click())


def _choose(page: Any, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    _next(page)


def _answer_red(patient: Any) -> None:
    _go(patient, lambda: patient.get_by_role("link", name="Besvar spørgsmål").click())
    _go(
        patient, lambda: patient.get_by_role("link", name="KOL: daglig måling og spørgsmål").click()
    )
    _next(patient)
    patient.get_by_label("SpO2").fill("93")
    patient.get_by_label("Puls").fill("80")
    _next(patient)
    _go(patient, lambda: patient.get_by_role("button", name="Spring over").click())  # weight
    _go(patient, lambda: patient.get_by_role("button", name="Spring over").click())  # BP
    _choose(patient, "Nej")  # not more breathless
    _choose(patient, "Nej")  # cough
    _choose(patient, "Ja")  # more sputum
    _choose(patient, "Grøn")
    _next(patient)  # the advice
    _choose(patient, "Nej")  # fever
    _choose(patient, "Nej")  # no new treatment
    _next(patient)  # the CAT's introduction
    for _ in range(8):
        patient.get_by_role("textbox").fill("2")
        _next(patient)
    _next(patient)  # thanks
    _go(patient, lambda: patient.get_by_role("button", name="Send svar").click())
    assert patient.get_by_text("Sendt.", exact=False).is_visible()


def test_patient_and_clinician_walk(app, world, open_page) -> None:
    world.clinician.full_name, world.clinician.title = "Hanne Sørensen", "overlæge"
    db.session.commit()
    patient = open_page()
    sign_in_page(patient, "patient")
    _answer_red(patient)
    _go(patient, lambda: patient.goto("/me/"))
    _go(patient, lambda: patient.get_by_role("link", name="Beskeder").first.click())
    patient.get_by_label("Skriv en besked").fill("Mit opspyt er grønt i dag.")
    _go(patient, lambda: patient.get_by_role("button", name="Send").click())
    assert patient.get_by_text("Mit opspyt er grønt i dag.").is_visible()

    clinician = open_page(1366, 900)
    sign_in_page(clinician, "clinician")
    queue = clinician.locator("main").inner_text()
    assert "Besked:" in queue, queue
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red"
    _go(clinician, lambda: clinician.locator(f"a[href='/alerts/{alert.id}']").first.click())
    assert clinician.locator("table.answers tr.severity-red").count() == 1
    _go(clinician, lambda: clinician.locator("#answer-patient").click())
    clinician.get_by_label("Skriv en besked").fill("Start din egenbehandlingsplan; vi ringer.")
    _go(clinician, lambda: clinician.get_by_role("button", name="Send").click())

    _go(patient, lambda: patient.goto("/me/"))
    assert "1 nyt svar" in patient.locator("main").inner_text()
    _go(patient, lambda: patient.get_by_role("link", name="Beskeder").first.click())
    assert patient.get_by_text("Start din egenbehandlingsplan; vi ringer.").is_visible()
    assert patient.get_by_text("Hanne Sørensen, overlæge").is_visible()
    assert not patient.console_errors and not clinician.console_errors
