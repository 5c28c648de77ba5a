"""`/`: each role's own start page.

START_PAGES is the one place that says where a role starts, NAVIGATION what the top bar
offers it. Hospital clinicians and GPs start at the work list ("Review queue"), the home nurse
at her work (telemon.web.home), the patient at their own readings (telemon.web.patient),
administrators at the administration console.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import g, redirect, request, send_from_directory, url_for
from werkzeug.wrappers import Response

from telemon.errors import Forbidden
from telemon.i18n import N_
from telemon.web.entry import bp
from telemon.web.guard import signed_in

START_PAGES: dict[str, str] = {
    "clinician": "clinic.worklist",
    "gp": "clinic.worklist",
    "nurse": "home.start",
    "patient": "patient.home",
    "admin": "admin.home",
}

_WORKLIST = ("clinic.worklist", N_("Review queue"))
_PATIENTS = ("clinic.patient_list", N_("Patients"))
NAVIGATION: dict[str, tuple[tuple[str, str], ...]] = {
    "clinician": (_WORKLIST, _PATIENTS),
    "gp": (_WORKLIST, _PATIENTS),
    "nurse": (("home.start", N_("My work")),),
    "patient": (
        ("patient.home", N_("My readings")),
        ("patient.new_readings", N_("Enter readings")),
    ),
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
    endpoint = START_PAGES.get(g.user.role)
    if endpoint is None:  # a messaging account (a system) has no pages
        raise Forbidden("This account has no pages.")
    # The work list's filters survive, so that an old bookmark of "/?status=acknowledged" works.
    args: dict[str, Any] = request.args.to_dict() if endpoint == "clinic.worklist" else {}
    return redirect(url_for(endpoint, **args))


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The tab's icon, where browsers look for it without being told (every page also links
    it): a 404 on every page load fills the logs and the console."""
    return send_from_directory(
        Path(__file__).resolve().parent.parent / "components" / "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
