"""The web UI in real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, token_for
from tests.helpers import item

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TELEMON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def base_url(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=base_url, viewport={"width": 390, "height": 844}, locale="da-DK"
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def _sign_in(page: Any, username: str) -> None:
    page.goto("/")
    assert "Log ind" in page.title()  # Danish by default
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_clinician_sees_red_first_opens_it_and_acknowledges(client, world, page, tmp_path) -> None:
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "pulse", 105)]},
        headers=nurse,
    )
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )

    _sign_in(page, "clinician")
    assert page.title().startswith("Review queue")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
    first = rows.nth(0)
    assert "sev-red" in (first.get_attribute("class") or "")
    red_id = first.get_attribute("data-alert-id")
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)

    first.get_by_role("link").click()
    assert "Rød alarm" in page.title()
    assert page.get_by_text("Synthetic Patient").is_visible()
    page.get_by_role("button", name="Kvittér").click()
    assert page.get_by_text("Alarmen er kvitteret.").is_visible()

    page.goto("/")
    ids = [r.get_attribute("data-alert-id") for r in page.locator("table.queue tbody tr").all()]
    assert red_id not in ids and len(ids) == 1
    page.goto("/?status=acknowledged")
    ids = [r.get_attribute("data-alert-id") for r in page.locator("table.queue tbody tr").all()]
    assert ids == [red_id]


def test_another_teams_clinician_cannot_open_the_alert_by_url(client, world, page) -> None:
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=token_for(client, "nurse"),
    )
    alert_id = client.get("/api/v1/alerts", headers=token_for(client, "clinician")).get_json()[
        "items"
    ][0]["id"]
    _sign_in(page, "other-clinician")
    assert page.locator("table.queue tbody tr").count() == 0
    response = page.goto(f"/alerts/{alert_id}")
    assert response is not None and response.status == 404
    assert "Synthetic Patient" not in page.content()


def test_forms_need_the_csrf_token(client, world, base_url) -> None:
    import urllib.error
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode({"username": "clinician", "password": PASSWORD}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base_url}/sign-in", data=data)
    assert refused.value.code == 400
