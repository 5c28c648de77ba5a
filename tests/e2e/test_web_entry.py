"""Getting in: `/` sends each role to its own start page; each page serves its roles."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD, sign_in


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
        ("nurse", "/home/"),  # her work (issue 11)
        ("patient", "/me/"),  # their own readings (issue 11)
        ("hospital-admin", "/admin/"),  # the administration console (issue 12)
        ("root", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, world, username: str, start: str) -> None:
    assert sign_in(client, username).headers["Location"] == "/"
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"] == start
    page = client.get(start)
    assert page.status_code == 200


def test_the_queue_keeps_its_filters_through_the_landing_page(client, world) -> None:
    assert sign_in(client, "clinician").headers["Location"] == "/"
    landing = client.get("/?status=acknowledged")
    assert landing.headers["Location"] == "/queue?status=acknowledged"


@pytest.mark.parametrize("username", ["patient", "hospital-admin", "root"])
def test_the_clinic_pages_refuse_other_roles(client, world, username: str) -> None:
    assert sign_in(client, username).headers["Location"] == "/"
    assert client.get("/queue").status_code == 403
    assert client.get(f"/patients/{world.patient.id}").status_code == 403


@pytest.mark.parametrize("username", ["clinician", "gp", "hospital-admin", "root", "patient"])
def test_the_home_nursing_pages_are_the_nurses(client, world, username: str) -> None:
    assert sign_in(client, username).headers["Location"] == "/"
    assert client.get("/home/").status_code == 403


@pytest.mark.parametrize("username", ["clinician", "nurse", "hospital-admin"])
def test_the_patient_pages_are_the_patients(client, world, username: str) -> None:
    assert sign_in(client, username).headers["Location"] == "/"
    assert client.get("/me/").status_code == 403
