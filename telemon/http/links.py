"""Links telemon puts in mail: one place that builds them, so a link can be pointed elsewhere.

The address is TELEMON_BASE_URL when it is set (behind a proxy, in production: the address
clinicians open). Unset, it is the address the server is served on: `telemon serve` records
the host and port it binds (TELEMON_SERVED_URL); a worker that did not start the server knows
no such address and needs TELEMON_BASE_URL. The address a request came in on is never used:
a Host header is the sender's to choose, and a mail link must not be.
"""

from __future__ import annotations

import logging

from flask import current_app

log = logging.getLogger(__name__)

# The last resort, when neither is known (a worker without TELEMON_BASE_URL): `telemon
# serve`'s defaults, which is where `make run` serves.
FALLBACK_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """Where telemon is reached, without a trailing slash."""
    config = current_app.config
    url = config.get("TELEMON_BASE_URL") or config.get("TELEMON_SERVED_URL")
    if not url:
        if not config.get("TELEMON_FALLBACK_WARNED"):
            config["TELEMON_FALLBACK_WARNED"] = True
            log.warning("TELEMON_BASE_URL is not set: mailed links point to %s", FALLBACK_URL)
        url = FALLBACK_URL
    return str(url).rstrip("/")


def served_url(host: str, port: int) -> str:
    """The address of a server bound to host:port ("0.0.0.0" is reached on the loopback)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def link(endpoint: str, _anchor: str | None = None, **values: object) -> str:
    """The absolute address of a web page (a Flask endpoint) on base_url(), built from the
    app's routes alone: no request is needed (workers mail too), and none is consulted."""
    path = current_app.url_map.bind("telemon").build(endpoint, values)
    return base_url() + path + (f"#{_anchor}" if _anchor else "")


def alert_link(alert_id: int) -> str:
    """An alert's page."""
    return link("clinic.alert", alert_id=alert_id)


def worklist_link() -> str:
    """The work list, where a team's open alerts and review requests wait."""
    return link("clinic.worklist")


def review_answer_link(review_id: int) -> str:
    """The page where the requesting nurse reads the wound clinic's answer and confirms it."""
    return link("home.review", review_id=review_id)


def messages_link(patient_id: int) -> str:
    """The care team's page of a patient's message thread (an id, no patient data)."""
    return link("clinic.messages", patient_id=patient_id)
