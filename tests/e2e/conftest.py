"""Fixtures of the end-to-end tests: the browser, a live server, and `acting`'s cast.

One Chromium for the session (launching one takes a second or two); each test opens contexts
of its own in it (`page`, `open_page`), closed when the test ends, so no cookie or page
outlives its test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import User
from telemon.patients import service as patients
from tests.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, new_page
from tests.helpers import PASSWORD, item, token_for


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def base_url(app: Any) -> Iterator[str]:
    """The app served on a free loopback port, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """`open_page(width, height)`: a page of its own user (its own context); a phone's size
    unless told."""
    contexts: list[Any] = []

    def opened(width: int = PHONE[0], height: int = PHONE[1]) -> Any:
        page = new_page(browser, base_url, width, height)
        contexts.append(page.context)
        return page

    yield opened
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """A phone-sized page, not signed in."""
    return open_page()


# ---- who may act (tests/e2e/test_acting.py, test_alert_page.py) -----------------------------


@dataclass
class Acting:
    world: Any
    team_nurse: Any
    copd: Any
    ak: Any
    red_alert_id: int
    inr_alert_id: int
    suggestion_id: int


def _user(actor: Any, name: str, role: str, organisation: Any) -> Any:
    return identity.create_user(
        actor,
        {
            "username": name,
            "password": PASSWORD,
            "role": role,
            "organisation_id": organisation.id,
            "email": f"{name}@example.invalid",
        },
    )


@pytest.fixture
def acting(client: Any, world: Any) -> Acting:
    """The world's patient in COPD (the lung team, now with a hospital nurse in it) and in
    anticoagulation (an AK clinic of the clinician and that nurse), shared with the
    municipality and the GP; a red COPD alert, an INR alert and a dose suggestion open; and
    users who see the patient without acting: a ward clinician, a municipal clinician."""
    root = db.session.scalar(select(User).where(User.username == "root"))
    team_nurse = _user(world.admin, "team-nurse", "nurse", world.hospital)  # the hospital's
    _user(world.admin, "ward-clinician", "clinician", world.hospital)
    municipal_admin = _user(root, "municipal-admin", "admin", world.municipality)
    _user(municipal_admin, "municipal-clinician", "clinician", world.municipality)
    world.lung_team.members.append(team_nurse)
    db.session.commit()
    ak_team = identity.create_care_team(
        world.admin,
        {
            "name": "AK clinic",
            "organisation_id": world.hospital.id,
            "email": "ak@example.invalid",
            "member_ids": [world.clinician.id, team_nurse.id],
        },
    )
    ak = patients.enroll(
        world.clinician,
        world.patient.id,
        {
            "programme": "anticoagulation",
            "care_team_id": ak_team.id,
            "shared_with": [world.municipality.id, world.gp_practice.id],
            "weekly_dose_mg": 35,
        },
    )
    nurse = token_for(client, "nurse")
    for code, value in (("spo2", 85), ("inr", 4.2)):
        body = {"observations": [item(world.patient.id, code, value)]}
        assert client.post("/api/v1/observations", json=body, headers=nurse).status_code == 201
    clinician = token_for(client, "clinician")
    alerts = client.get("/api/v1/alerts", headers=clinician).get_json()["items"]
    by_programme = {a["programme"]: a["id"] for a in alerts}
    overview = client.get(
        f"/api/v1/patients/{world.patient.id}/anticoagulation", headers=clinician
    ).get_json()
    return Acting(
        world,
        team_nurse,
        world.enrollment,
        ak,
        by_programme["copd"],
        by_programme["anticoagulation"],
        overview["dose_suggestion"]["id"],
    )
