"""`/`: each role's own start page.

START_PAGES is the one place that says where a role starts, NAVIGATION what the top bar
offers it. Hospital clinicians and GPs start at the review queue, administrators at the
administration console. The home nurse's pages (issue 11) and the patient's own pages
(issue 11) are not built yet: until they are, their roles
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
    "admin": "admin.home",
}

_QUEUE = ("clinic.queue", N_("Review queue"))
_PATIENTS = ("clinic.patient_list", N_("Patients"))
NAVIGATION: dict[str, tuple[tuple[str, str], ...]] = {
    "clinician": (_QUEUE, _PATIENTS),
    "gp": (_QUEUE, _PATIENTS),
    "nurse": (("entry.start", N_("Start")), _QUEUE, _PATIENTS),
    "patient": (("entry.start", N_("Start")),),
    "admin": (
        ("admin.home", N_("Administration")),
        ("admin.user_list", N_("Users")),
        ("admin.team_list", N_("Care teams")),
        ("admin.audit", N_("Audit trail")),
    ),
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
