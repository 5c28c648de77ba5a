"""Every page works under the Content-Security-Policy (telemon/http/headers.py) in Chromium:
no inline script or style is refused, worklist.js runs, images (photos, SVG charts) show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser import BROWSER_CONFIG, sign_in_page
from tests.helpers import (
    assessment_data,
    item,
    jpeg_with_gps,
    open_wound,
    post_assessment,
    token_for,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict[str, Any]:
    return dict(BROWSER_CONFIG)  # the queue refreshes every second: worklist.js is seen running


def _watch(browser_page: Any) -> list[str]:
    problems: list[str] = []
    browser_page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    # Resource failures are told by their responses (the browser's own favicon probe aside).
    browser_page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    return problems


def test_the_pages_run_under_the_csp(client, wounds, page) -> None:
    world = wounds.base
    nurse = token_for(client, "nurse")
    client.post(
        "/api/v1/observations",
        json={"observations": [item(world.patient.id, "spo2", 85)]},
        headers=nurse,
    )
    wound_id = open_wound(client, nurse, world.patient.id)
    data = assessment_data(assessed_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    assert post_assessment(client, nurse, wound_id, data, jpeg_with_gps()).status_code == 201
    problems = _watch(page)

    sign_in_page(page, "clinician")
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # worklist.js runs under the policy: it fetches the list anew (TELEMON_QUEUE_REFRESH_SECONDS 1).
    page.wait_for_event("request", lambda request: request.resource_type == "fetch")
    alert_link = page.locator("a[href^='/alerts/']").first
    pages = ["/", alert_link.get_attribute("href"), f"/patients/{world.patient.id}"]
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.context.clear_cookies()  # signed out
    sign_in_page(page, "wound-specialist")
    page.goto(f"/wounds/{wound_id}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert not [p for p in problems if not p.startswith("Failed to load resource")], problems
