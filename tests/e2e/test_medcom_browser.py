"""A hospital stay told by MedCom HospitalNotifications, in Debian's headless Chromium: the
clinician at a 1366 px desk sees "Indlagt på <afdeling> siden <tid>" on the patient page and
the queue; after the discharge the home nurse on a 390 px phone reads "Udskrevet: genoptag
målinger" and taps "Målinger genoptaget" (a 44 px target). No page scrolls sideways."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from telemon import clock
from telemon.extensions import db
from telemon.models import DischargeFollowUp
from tests.browser import BROWSER_CONFIG, no_sideways_scroll, sign_in_page
from tests.helpers import create_broker, raise_alert, token_for
from tests.medcom import DEPARTMENT, header_id, notification

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)


def _send(client: Any, message: dict[str, Any]) -> None:
    headers = {**token_for(client, "broker"), "Content-Type": "application/fhir+json"}
    answer = client.post("/fhir/$process-message", json=message, headers=headers)
    assert answer.status_code == 200, answer.get_json()


def test_the_stay_on_a_desk_and_on_a_phone(app, client, world, open_page, base_url) -> None:
    create_broker(world)
    db.session.commit()
    now = clock.now()
    admitted = now - timedelta(days=2)
    stin = notification("STIN", cpr=world.patient.cpr, episode="ep-b", start=admitted)
    _send(client, stin)
    raise_alert(world.enrollment, "spo2_low", "red", 0)

    desk = open_page(1366, 900)
    sign_in_page(desk, "clinician")
    desk.goto(f"/patients/{world.patient.id}")
    assert f"Indlagt på {DEPARTMENT} siden" in desk.inner_text("main")
    no_sideways_scroll(desk)
    desk.goto("/queue")
    assert f"Indlagt på {DEPARTMENT}" in desk.inner_text("main")
    no_sideways_scroll(desk)

    discharged: datetime = now - timedelta(hours=1)
    slhj = notification(
        "SLHJ",
        cpr=world.patient.cpr,
        episode="ep-b",
        start=admitted,
        end=discharged,
        history=[(header_id(stin), "admit-inpatient")],
    )
    _send(client, slhj)
    phone = open_page()
    sign_in_page(phone, "nurse")
    assert "Udskrevet: genoptag målinger" in phone.inner_text("main")
    no_sideways_scroll(phone)
    button = phone.get_by_role("button", name="Målinger genoptaget")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    with phone.expect_navigation():
        button.click()
    no_sideways_scroll(phone)
    assert "Noteret: målingerne er genoptaget." in phone.inner_text("main")
    assert "Udskrevet: genoptag målinger" not in phone.inner_text("main")
    db.session.expire_all()
    (follow_up,) = db.session.scalars(select(DischargeFollowUp)).all()
    assert follow_up.done_by_id == world.nurse.id
    assert desk.console_errors == [] and phone.console_errors == []
