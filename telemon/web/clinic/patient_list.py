"""The clinician's patient list (telemon.patients.overview): the search sent by POST and kept
in the session (a CPR number never in an address), the other filters in the address."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for

from telemon import admissions
from telemon.http import paging
from telemon.models import PROGRAMMES
from telemon.patients import overview
from telemon.web.clinic import ROLES, bp
from telemon.web.components.forms import id_value, kept_search, posted_search
from telemon.web.guard import signed_in

PAGE_SIZE = 50


@bp.route("/patients", methods=["GET", "POST"])
@signed_in(*ROLES)
def patient_list() -> Any:
    # The search is sent by POST and kept in the session: a CPR number or a name never goes
    # into a URL (nor the access log, nor the browser's history); the POST redirects to the
    # list (Post/Redirect/Get), so Back and reload never resend it. The other filters stay in
    # the address, to be linked to.
    if request.method == "POST":
        posted_search("clinic.patient_list", request.form.get("q"))
        chosen = {k: request.form.get(k) for k in ("programme", "team", "scope")}
        return redirect(
            url_for("clinic.patient_list", **{k: v for k, v in chosen.items() if v}), 303
        )
    f = overview.OverviewFilter(
        search=kept_search("clinic.patient_list"),
        programme=request.args.get("programme")
        if request.args.get("programme") in PROGRAMMES
        else None,
        care_team_id=request.args.get("team", type=id_value),
        scope="all" if request.args.get("scope") == "all" else "mine",
    )
    after = cursor(request.args.get("after"), overview.CURSOR_SHAPE)
    found = overview.overview_page(g.user, f, PAGE_SIZE, after)
    page = found.page
    shown = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "clinic/patient_list.html",
        rows=page.items,
        stays=admissions.current_stays(r.patient_id for r in page.items),
        filters=f,
        teams=found.teams,
        programmes=PROGRAMMES,
        team_names=found.team_names,
        next_page=url_for("clinic.patient_list", **shown, after=page.next) if page.next else None,
        first_page=url_for("clinic.patient_list", **shown) if after is not None else None,
    )


def cursor(raw: str | None, shape: tuple[type, ...]) -> paging.Key | None:
    if not raw:
        return None
    try:
        return paging.decode(raw, shape)
    except ValueError:
        return None
