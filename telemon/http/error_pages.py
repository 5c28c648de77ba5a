"""The web UI's error pages (403, 404, 405, 500, ...): in the user's language, with a way back
to their start page and, when signed in, the top bar with its sign-out. The API answers the
same errors as problem+json (telemon.http.problems); this is only what a browser is shown.

What a service said in its error (in English, for the log and the API) is not shown: each
status has its own sentence, which is translated."""

from __future__ import annotations

import logging

from flask import g, render_template

from telemon.extensions import db
from telemon.http.auth import web_user
from telemon.i18n import N_

log = logging.getLogger(__name__)

# status -> (title, what it means and what to do)
TEXTS: dict[int, tuple[str, str]] = {
    400: (
        N_("The request could not be handled"),
        N_("The form may have expired. Go back, reload the page and try again."),
    ),
    403: (N_("Not allowed"), N_("You may not open this page or do this.")),
    404: (N_("Not found"), N_("No such page, or not one you may see.")),
    405: (N_("Not possible here"), N_("This address does not take that kind of request.")),
    409: (
        N_("Changed in the meantime"),
        N_("Someone changed this in the meantime. Go back, reload the page and try again."),
    ),
    413: (N_("Too large"), N_("What was sent is too large.")),
    422: (N_("Invalid input"), N_("Some of what was sent is not valid. Go back and correct it.")),
    429: (N_("Too many attempts"), N_("Wait a minute, then try again.")),
    500: (
        N_("Something went wrong"),
        N_("It has been logged. Try again, or go back to your start page."),
    ),
}


def render_error_page(status: int) -> str:
    """The page for `status` (an unknown 4xx reads as 400, an unknown 5xx as 500)."""
    known = status if status in TEXTS else (500 if status >= 500 else 400)
    title, detail = TEXTS[known]
    _find_user()
    return render_template("components/error.html", status=status, title=title, detail=detail)


def _find_user() -> None:
    """The signed-in user, for the page's language, its top bar and its sign-out: the page
    guard sets g.user, but an error may come before it (an unknown address, a refused
    method) or after the database gave up (then no one is looked up)."""
    if "user" in g or g.get("database_unavailable"):
        return
    try:
        db.session.rollback()  # whatever failed must not leave the session unusable
        g.user = web_user()
    except Exception:
        log.exception("could not look up the signed-in user for an error page")
        g.user = None
