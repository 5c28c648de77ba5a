"""The web UI's error pages: in the user's language, with a way back and a sign-out; the API
keeps answering problem+json."""

from __future__ import annotations

import html

import pytest

from telemon.extensions import db
from tests.helpers import sign_in, token_for


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("username", "method", "url", "status", "title"),
    [
        ("clinician", "get", "/no-such-page", 404, "Ikke fundet"),
        ("clinician", "get", "/alerts/999999", 404, "Ikke fundet"),
        ("hospital-admin", "get", "/queue", 403, "Ikke tilladt"),
        ("clinician", "get", "/alerts/1/acknowledge", 405, "Ikke muligt her"),
    ],
)
def test_an_error_page_is_danish_with_a_way_back_and_a_sign_out(
    client, world, username, method, url, status, title
) -> None:
    sign_in(client, username)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = _text(response)
    assert f"<h1>{title}</h1>" in page and f"Fejl {status}" in page
    assert 'href="/">Tilbage til din startside</a>' in page
    assert 'action="/sign-out"' in page
    for english in ("Not Found", "Forbidden", "Method Not Allowed", "Back to", "Not allowed"):
        assert english not in page


def test_an_english_user_reads_it_in_english(client, world) -> None:
    world.clinician.language = "en"
    db.session.commit()
    sign_in(client, "clinician")
    page = _text(client.get("/no-such-page"))
    assert "<h1>Not found</h1>" in page and "Back to your start page" in page


def test_not_signed_in_the_page_offers_the_sign_in(client, world) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'href="/sign-in">Log ind</a>' in _text(response)


def test_an_unexpected_failure_is_a_danish_500_page(app, client, world) -> None:
    def broken(**_kwargs):
        raise RuntimeError("a defect")

    app.view_functions["clinic.patient_list"] = broken
    sign_in(client, "clinician")
    response = client.get("/patients")
    assert response.status_code == 500
    page = _text(response)
    assert "<h1>Noget gik galt</h1>" in page and "a defect" not in page
    assert 'href="/">Tilbage til din startside</a>' in page and 'action="/sign-out"' in page


def test_the_api_keeps_problem_json(client, world) -> None:
    clinician = token_for(client, "clinician")
    for url, status in (("/api/v1/alerts/999999", 404), ("/api/v1/observations", 405)):
        response = client.get(url, headers=clinician)
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == status
