"""Driving Debian's headless Chromium with Playwright (tests/e2e/conftest.py launches it once
per session; each test gets fresh browser contexts, so nothing is shared between tests but
the browser process)."""

from __future__ import annotations

import os
from typing import Any

from tests.helpers import PASSWORD

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
PHONE = (390, 844)
# The app's configuration under a browser: forms need their CSRF token, as in production (the
# test client's tests leave it out), and the queue fetches itself anew every second.
BROWSER_CONFIG = {"WTF_CSRF_ENABLED": True, "TELEMON_QUEUE_REFRESH_SECONDS": 1}


def new_page(browser: Any, base_url: str, width: int = PHONE[0], height: int = PHONE[1]) -> Any:
    """A page in a context of its own (its own cookies: a user of its own), in Danish, that
    keeps its console errors in `page.console_errors`."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="da-DK"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    # A refused form or page answers 4xx on purpose; Chromium reports that as a failed load.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "responded with a status of 4" not in m.text
            else None
        ),
    )
    page.console_errors = errors
    return page


def sign_in_page(
    page: Any, username: str, password: str = PASSWORD, start: str | None = "/"
) -> None:
    """Sign in as a user does, on the sign-in page in Danish (the default language): the
    browser first goes to `start` (the site, or any address that sends it to the sign-in
    page, or that page itself), or with `start=None` stays on the sign-in page it is on."""
    if start is not None:
        page.goto(start)
    assert "Log ind" in page.title()  # the sign-in page, in Danish by default
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    with page.expect_navigation():  # read the next page, not this one
        page.get_by_role("button", name="Log ind").click()
    assert "/sign-in" not in page.url, f"{username} could not sign in"


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
