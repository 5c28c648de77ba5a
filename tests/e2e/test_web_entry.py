"""Getting in: `/` sends each role to its own start page; each page serves its roles."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


def _sign_in(client, username: str) -> None:
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_not_signed_in_is_sent_to_sign_in_and_back(client, world) -> None:
    response = client.get("/queue?status=acknowledged")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    signed = client.post(
        response.headers["Location"], data={"username": "clinician", "password": PASSWORD}
    )
    assert signed.headers["Location"] == "/queue?status=acknowledged"


@pytest.mark.parametrize(
    ("username", "start"),
    [
        ("clinician", "/queue"),
        ("gp", "/queue"),
        ("nurse", "/start"),
        ("patient", "/start"),
        ("hospital-admin", "/admin/"),  # the administration console (issue 12)
        ("root", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, world, username: str, start: str) -> None:
    _sign_in(client, username)
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"] == start
    page = client.get(start)
    assert page.status_code == 200


def test_the_queue_keeps_its_filters_through_the_landing_page(client, world) -> None:
    _sign_in(client, "clinician")
    landing = client.get("/?status=acknowledged")
    assert landing.headers["Location"] == "/queue?status=acknowledged"


@pytest.mark.parametrize("username", ["patient", "hospital-admin", "root"])
def test_the_clinic_pages_refuse_other_roles(client, world, username: str) -> None:
    _sign_in(client, username)
    assert client.get("/queue").status_code == 403
    assert client.get(f"/patients/{world.patient.id}").status_code == 403


def test_the_interim_start_page_says_what_each_role_can_do_today(client, world) -> None:
    _sign_in(client, "nurse")
    page = client.get("/start").get_data(as_text=True)
    assert 'href="/queue"' in page  # the nurse works from the queue until her own page exists
    client.post("/sign-out")
    _sign_in(client, "patient")
    page = client.get("/start").get_data(as_text=True)
    assert 'href="/queue"' not in page
