"""No error page anywhere: every demo role, in Danish and in English, at 1366 and 390 px wide,
follows every link it can reach and submits every form with good and with bad values, on a
real server and worker with the demo data (`telemon demo`), on PostgreSQL and on the embedded
default `make run` uses (SQLite, work in-process). Fails on any 5xx, any console error, any
page wider than the screen and any English on a Danish page (tests/crawler.py).

The users are crawled in an order that keeps the demo usable: those who only read first, the
administrators (who deactivate and reset) last; each user's acting forms (end, deactivate,
revoke, reset) are submitted after the rest of that user's crawl.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from telemon.demo import DEMO_PASSWORD
from tests.apps import TEST_REDIS_URL, USES_TEST_REDIS
from tests.browser import sign_in_page
from tests.crawler import Crawl
from tests.servers import _port_open, free_port, start_worker, stop_process, until

pytestmark = pytest.mark.browser

USERS = (
    "demo-patient",
    "demo-ak-patient",  # a self-managing anticoagulation patient (issue 11)
    "demo-gp",
    "demo-nurse",
    "demo-ak-nurse",
    "demo-clinician",
    "demo-municipality-admin",
    "demo-hospital-admin",
    "admin",
)
# System accounts have no pages (the message broker only POSTs to /fhir/$process-message): a
# web sign-in lands on a refusal, so they are not crawled.
SYSTEM_ACCOUNTS = ("demo-broker",)
# Those who only read first, the administrators (who deactivate and reset) last.
CRAWL_ORDER = ("patient", "gp", "nurse", "clinician", "municipality-admin", "hospital-admin")


def demo_users(printed: str) -> list[str]:
    """USERS and every user `telemon demo` names (so that new demo users are crawled too),
    in CRAWL_ORDER."""
    named = set(re.findall(r"^  (admin|demo-[\w-]+)\b", printed, re.MULTILINE))

    def order(name: str) -> tuple[int, str]:
        rank = next((i for i, part in enumerate(CRAWL_ORDER) if part in name), None)
        return (len(CRAWL_ORDER) + (name == "admin") if rank is None else rank, name)

    return sorted((named | set(USERS)) - set(SYSTEM_ACCOUNTS), key=order)


# Users of organisations the demo's enrolments are only shared with: they see the patients and
# their alerts, and are offered nothing that acts on the care team's alerts or plan.
SHARED_ONLY = ("demo-nurse", "demo-gp")
TEAM_ACTIONS = re.compile(r"/(acknowledge|resolve|thresholds|confirm)$|^/enrollments/\d+/edit$")
# What the demo's users typed is Danish like the page (names, places, notes, the wound clinic's
# question), so it is held against a Danish page like telemon's own text; only the crawler's
# own typing and the language switch are English.
DEMO_INPUT = (
    "Crawler text",
    "English",  # the button that switches to English
)


def _env(app: Any, instance: Path, port: int) -> dict[str, str]:
    # Nothing of the test session's settings but its cheap password hashing (tests/conftest.py).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TELEMON_") or k.startswith("TELEMON_PASSWORD_HASH_")
    }
    env.update(
        TELEMON_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TELEMON_INSTANCE=str(instance),
        TELEMON_SECRET_KEY="crawler-secret",
        TELEMON_BASE_URL=f"http://127.0.0.1:{port}",
        TELEMON_LOGIN_LIMIT="10000 per minute",
        TELEMON_LOGIN_USER_LIMIT="10000 per minute",
    )
    return env


@pytest.fixture(params=[pytest.param("postgresql", marks=USES_TEST_REDIS), "embedded"])
def demo_server(app: Any, tmp_path: Path, request: Any) -> Iterator[Served]:
    """`telemon demo` into the test database, then `telemon serve` and a worker on Redis; or
    the embedded default `make run` starts: a SQLite file, work done in-process, no worker."""
    port = free_port()
    env = _env(app, tmp_path / "instance", port)
    embedded = request.param == "embedded"
    if embedded:
        env["TELEMON_DATABASE_URL"] = f"sqlite:///{tmp_path / 'telemon.db'}"
    # The demo loads with work done in-process, so that its alerts exist before the crawl.
    loaded = subprocess.run(
        [sys.executable, "-m", "telemon", "demo"], env=env, capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    if not embedded:
        env["TELEMON_REDIS_URL"] = TEST_REDIS_URL
    log = open(tmp_path / "serve.log", "ab")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "telemon", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = None
    if not embedded:
        worker = start_worker(
            env,
            tmp_path / "worker.log",
            "--queues",
            "evaluation,mail,periodic",
            "--concurrency",
            "1",
        )
    try:
        until(lambda: _port_open(port), "telemon serve")
        yield Served(f"http://127.0.0.1:{port}", tmp_path / "serve.log", demo_users(loaded.stdout))
    finally:
        stop_process(server)
        if worker is not None:
            stop_process(worker)
        log.close()


@dataclass
class Served:
    url: str
    log: Path
    users: list[str]

    def failures(self) -> list[str]:
        """What the server logged as failing: the request, and the exception's last line."""
        found, request = [], None
        for line in self.log.read_text(errors="replace").splitlines():
            if "unhandled error on" in line:
                request = line.split("unhandled error on", 1)[1].strip()
            elif request and re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Invalid\w*)\b", line):
                found.append(f"server: {request}: {line[:300]}")
                request = None
        return found


def _switch_language(crawl: Crawl, language: str) -> None:
    crawl.page.goto("/")
    with crawl.page.expect_navigation():
        crawl.page.click(f"form.language button[value={language}]")
    assert crawl.page.locator("html").get_attribute("lang") == language


# What made this cheaper walks no less: one Chromium for the session (tests/e2e/conftest.py),
# a fresh context (no cookies) per user as before; passwords hashed at the tests' cost in
# `telemon demo` and `telemon serve` (every sign-in, the password forms' bad values, the
# users the admin forms create); no resize to the width a page already has (tests/crawler.py);
# and, in `make test`, the two halves running at once in the two test processes. No visit
# was dropped: within one user's pass in one language no address is visited twice already,
# and the same address for another user or in the other language is another page (other
# links and forms, other text, other widths of text), so it is checked again.
def test_no_error_page_anywhere(demo_server: Served, browser: Any) -> None:
    problems = []
    pages = 0
    for username in demo_server.users:
        context = browser.new_context(
            base_url=demo_server.url, viewport={"width": 390, "height": 900}, locale="da-DK"
        )
        try:
            page = context.new_page()
            page.set_default_timeout(20000)
            crawl = Crawl(context, page, demo_server.url, username, DEMO_INPUT)
            sign_in_page(page, username, DEMO_PASSWORD, start="/sign-in")
            assert page.locator("html").get_attribute("lang") == "da"
            crawl.pass_("da")
            _switch_language(crawl, "en")
            crawl.forms.clear()
            crawl.pass_("en")
            if username in SHARED_ONLY:
                acting = sorted(p for p in crawl.form_paths if TEAM_ACTIONS.search(p))
                assert acting == [], f"{username} is offered {acting}"
            crawl.act("en")
            problems += crawl.problems
            pages += crawl.pages
        finally:
            context.close()
    assert pages > 100, pages  # it did get round
    found = [str(p) for p in problems] + demo_server.failures()
    assert found == [], "\n".join(found)
