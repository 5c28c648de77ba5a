"""`/`: each role's own start page.

START_PAGES is the one place that says where a role starts, NAVIGATION what the top bar
offers it. Hospital clinicians and GPs start
at the review queue. The home nurse's pages (issue 11), the patient's own pages (issue 11)
and the administration console (issue 12) are not built yet: until they are, their roles
start at the interim page below, which says what they can do today. Whoever builds one of
those start pages points its role here at the new endpoint and the interim page's entry for
that role can go.
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from telemon.i18n import N_
from telemon.web.entry import bp
from telemon.web.guard import signed_in

START_PAGES: dict[str, str] = {
    "clinician": "clinic.queue",
    "gp": "clinic.queue",
    "nurse": "entry.start",  # until issue 11's home-nursing start page
    "patient": "entry.start",  # until issue 11's patient pages
    "admin": "entry.start",  # until issue 12's administration console
}

_QUEUE = ("clinic.queue", N_("Review queue"))
NAVIGATION: dict[str, tuple[tuple[str, str], ...]] = {
    "clinician": (_QUEUE,),
    "gp": (_QUEUE,),
    "nurse": (("entry.start", N_("Start")), _QUEUE),
    "patient": (("entry.start", N_("Start")),),
    "admin": (("entry.start", N_("Start")),),
}


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    """The top bar's links for the signed-in user: (endpoint, label to translate)."""
    user = g.get("user")
    return {"navigation": NAVIGATION.get(user.role, ()) if user is not None else ()}


@bp.route("/")
@signed_in()
def landing() -> Response:
    endpoint = START_PAGES.get(g.user.role, "entry.start")
    # The queue's filters survive, so that an old bookmark of "/?status=acknowledged" works.
    args: dict[str, Any] = request.args.to_dict() if endpoint == "clinic.queue" else {}
    return redirect(url_for(endpoint, **args))


@bp.route("/start")
@signed_in()
def start() -> Any:
    """The interim start page of the roles whose own pages are still to come."""
    return render_template("entry/start.html")
