"""Issue 11's check, as a new user would try it, in Debian's headless Chromium on a 390 × 844
phone: the home nurse finds a patient by CPR number, records SpO2 85 (the red alert reaches the
lung team's queue), records a wound assessment with a photo from the file chooser and an urgent
review request; the wound clinic answers; the nurse opens the answer mail's link (a real SMTP
server received it), signs in on the way and confirms she has read it; a self-managing patient
enters INR 4.2, accepts the dose suggestion and reads the week in tablets. No page scrolls
sideways, no page logs a console error."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert, DoseSuggestion, ReviewRequest
from tests.browser import no_sideways_scroll, sign_in_page
from tests.helpers import enrol_in_anticoagulation, jpeg_with_gps, open_wound, token_for
from tests.servers import free_port, smtp_server

pytestmark = pytest.mark.browser


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True, "TELEMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Any]:
    received, controller = smtp_server(smtp_port)
    yield received
    controller.stop()


def _go(page: Any, action: Any) -> None:
    """Click and read the page that follows, then check it fits the phone."""
    with page.expect_navigation():
        action()
    no_sideways_scroll(page)


def test_the_issue_11_walkthrough(  # noqa: PLR0915  (one story, told in order)
    app,
    client,
    wounds,
    open_page,
    base_url,
    inbox,
    tmp_path,
) -> None:
    world = wounds.base
    enrollment = enrol_in_anticoagulation(app, world)  # the patient also manages her INR
    enrollment.anticoagulation.self_managing = True
    db.session.commit()
    open_wound(client, token_for(client, "wound-specialist"), world.patient.id)
    photo = tmp_path / "wound.jpg"
    photo.write_bytes(jpeg_with_gps())

    # The nurse finds the patient by CPR number.
    nurse = open_page()
    sign_in_page(nurse, "nurse", start="/")
    assert nurse.url.endswith("/home/")
    no_sideways_scroll(nurse)
    nurse.get_by_label("Navn eller CPR-nummer").fill("010170-1234")
    _go(nurse, lambda: nurse.get_by_role("button", name="Søg").click())
    _go(nurse, lambda: nurse.get_by_role("link", name="Synthetic Patient").click())

    # SpO2 85: a red alert in the lung team's queue.
    _go(nurse, lambda: nurse.get_by_role("link", name="Målinger").click())
    nurse.get_by_label("SpO2").fill("85")
    _go(nurse, lambda: nurse.get_by_role("button", name="Gem målinger").click())
    assert nurse.get_by_text("Gemt. Målingerne tjekkes nu").is_visible()
    assert nurse.get_by_text("endnu ikke set af hospitalet").is_visible()
    alert = db.session.scalar(select(Alert).where(Alert.patient_id == world.patient.id))
    assert alert.severity == "red" and alert.care_team_id == world.lung_team.id
    lung = open_page()
    sign_in_page(lung, "clinician", start="/queue")
    assert lung.locator("table.queue tbody tr.sev-red").count() == 1
    lung.context.close()

    # A wound assessment with a photo from the file chooser, and an urgent question.
    _go(nurse, lambda: nurse.get_by_role("link", name=re.compile("Sårvurdering")).click())
    nurse.get_by_label("Dit spørgsmål").fill("Red edges since Monday: antibiotics?")
    # Sent without photo and size: the form comes back (through upload.js) with Danish errors
    # and what was typed.
    nurse.get_by_role("button", name="Send vurdering").click()
    nurse.get_by_text("Tag eller vælg mindst ét foto.").wait_for()
    assert nurse.get_by_text("Skal udfyldes.").count() == 2
    assert nurse.get_by_label("Dit spørgsmål").input_value() == (
        "Red edges since Monday: antibiotics?"
    )
    with nurse.expect_file_chooser() as chooser:
        nurse.locator("#photo-1").click()
    chooser.value.set_files(str(photo))
    nurse.get_by_label("Længde (cm)").fill("4,5")
    nurse.get_by_label("Bredde (cm)").fill("3")
    nurse.get_by_label("Vævstype").select_option("slough")
    nurse.get_by_label("rødme").check()
    nurse.get_by_label("Bed sårklinikken om at vurdere dette").check()
    nurse.get_by_label("haster").check()
    nurse.get_by_label("Dit spørgsmål").fill("Red edges since Monday: antibiotics?")
    nurse.screenshot(path=str(tmp_path / "assessment.png"), full_page=True)
    uploads: list[Any] = []
    nurse.on("request", lambda r: uploads.append(r) if r.method == "POST" else None)
    no_sideways_scroll(nurse)
    _go(nurse, lambda: nurse.get_by_role("button", name="Send vurdering").click())
    assert nurse.get_by_text("Vurderingen er gemt, og dit spørgsmål").is_visible()
    # Sent by upload.js (with its progress bar), not by the browser's own form submission.
    assert any(r.headers.get("x-telemon-upload") == "1" for r in uploads)
    review = db.session.scalar(select(ReviewRequest))
    assert review.urgency == "urgent" and review.assessment_id is not None

    # The wound clinic answers.
    clinic = open_page()
    sign_in_page(clinic, "wound-specialist", start=f"/review-requests/{review.id}")
    clinic.get_by_label("Instruks til sygeplejersken").fill("Swab; start flucloxacillin.")
    _go(clinic, lambda: clinic.get_by_role("button", name="Send svar").click())
    clinic.context.close()

    # The mail's link, opened on a phone not signed in: through sign-in, to the answer.
    # The answer goes to the nurse's home-nursing team (the only mail to that address).
    received = [email.message_from_bytes(m) for m in inbox.messages]
    answered = [m for m in received if m["To"] == "home-nursing@example.invalid"]
    assert len(answered) == 1
    text = next(p for p in answered[0].walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode(text.get_content_charset() or "utf-8")
    link = re.search(r"https?://\S+", body).group(0)
    assert "0101701234" not in body and "Synthetic" not in body
    phone = open_page()
    phone.goto(link.replace(app.config["TELEMON_BASE_URL"], base_url))
    assert "/sign-in" in phone.url
    sign_in_page(phone, "nurse", start=None)  # on the sign-in page the link led to
    no_sideways_scroll(phone)
    assert phone.get_by_text("Swab; start flucloxacillin.").first.is_visible()
    phone.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    _go(phone, lambda: phone.get_by_role("button", name="Jeg har læst det").first.click())
    assert phone.get_by_text("Tak: sårklinikken kan se").is_visible()
    db.session.refresh(review)
    assert review.status == "closed"
    assert not nurse.console_errors and not phone.console_errors

    # The self-managing patient: INR 4.2, the suggestion accepted, the week in tablets.
    patient = open_page()
    sign_in_page(patient, "patient", start="/")
    assert patient.url.endswith("/me/")
    no_sideways_scroll(patient)
    _go(patient, lambda: patient.get_by_role("link", name="Min AK-behandling").click())
    patient.get_by_role("textbox", name="INR").fill("4,2")
    _go(patient, lambda: patient.get_by_role("button", name="Send INR").click())
    assert patient.get_by_text("Din INR 4,2: det skal du gøre nu").is_visible()
    _go(patient, lambda: patient.get_by_role("button", name="Godkend forslaget").click())
    assert patient.get_by_text("Godkendt.").is_visible()
    suggestion = db.session.scalar(select(DoseSuggestion))
    db.session.refresh(suggestion)
    assert suggestion.status == "accepted"
    week = patient.locator("table.week td")
    planned = [float(week.nth(i).get_attribute("data-tablets")) for i in range(7)]
    # The week's tablets at the new dose, with the accepted held day (the test day) at 0.
    held = [week.nth(i).get_attribute("data-state") for i in range(7)].count("held")
    assert held == 1
    # 31.25 mg a week is 12.5 tablets of 2.5 mg (1.5 or 2 a day): one day held takes off 1.5-2.
    assert suggestion.weekly_dose_mg == 31.25
    assert 12.5 - 2 <= sum(planned) <= 12.5 - 1.5
    patient.screenshot(path=str(tmp_path / "week.png"), full_page=True)
    assert not patient.console_errors
