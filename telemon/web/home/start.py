"""The home nurse's start page, and the wound clinic's answer to one of her requests (the page
the answered-review mail leads to). Each page reads through one use case
(telemon.patients.home_visit.start_page, telemon.woundcare.home_nursing.answer_page); "I have
read it" is telemon.woundcare.reviews.acknowledge, as in the API."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import admissions, clock
from telemon.anticoagulation import dose_worklist
from telemon.errors import Conflict
from telemon.http import paging
from telemon.messages import pages as messages
from telemon.models import PROGRAMMES
from telemon.patients import home_visit, overview
from telemon.web.components.forms import kept_search, posted_search
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp
from telemon.web.safe_redirect import local_target
from telemon.woundcare import home_nursing, reviews

PAGE_SIZE = 30


@bp.route("/", methods=["GET", "POST"])
@signed_in(*ROLES)
def start() -> Any:
    # The search is sent by POST and kept in the session: a CPR number or a name never goes
    # into a URL (nor a log); the POST redirects here (Post/Redirect/Get), so Back and reload
    # never resend it.
    if request.method == "POST":
        posted_search("home.start", request.form.get("q"))
        chosen = request.form.get("programme")
        return redirect(
            url_for("home.start", **({"programme": chosen} if chosen in PROGRAMMES else {})), 303
        )
    programme = request.args.get("programme")
    f = overview.OverviewFilter(
        search=kept_search("home.start"),
        programme=programme if programme in PROGRAMMES else None,
    )
    after = _cursor(request.args.get("after"))
    mine = home_visit.start_page(g.user, f, PAGE_SIZE, after)
    page = mine.patients
    shown = {"programme": f.programme} if f.programme else {}
    return render_template(
        "home/start.html",
        # A nurse of the anticoagulation clinic decides doses: her worklist, with its count.
        doses_waiting=dose_worklist.waiting_count(g.user),
        answers=mine.answers,
        # The care teams' answers to her organisation's messages that nobody of it has read.
        unread_messages=messages.unread_answers(g.user),
        requests=mine.requests,
        in_hospital_team=mine.in_hospital_team,
        names=mine.names,
        follow_ups=mine.follow_ups,
        stays=mine.stays,
        rows=page.items,
        filters=f,
        programmes=PROGRAMMES,
        now=clock.now(),
        next_page=url_for("home.start", **shown, after=page.next) if page.next else None,
        first_page=url_for("home.start", **shown) if after is not None else None,
    )


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@signed_in(*ROLES)
def follow_up_done(follow_up_id: int) -> Response:
    """After a discharge: "measurements resumed", the work item done."""
    admissions.follow_up_done(g.user, follow_up_id)
    flash(_("Noted: measurements resumed."))
    return redirect(url_for("home.start"))


def _cursor(raw: str | None) -> paging.Key | None:
    """A stale or mangled paging link shows the first page."""
    if not raw:
        return None
    try:
        return overview.decode_cursor(raw)
    except ValueError:
        return None


@bp.route("/reviews/<int:review_id>")
@signed_in(*ROLES)
def review(review_id: int) -> Any:
    """One review request and the wound clinic's answer, with "I have read it"."""
    page = home_nursing.answer_page(g.user, review_id)
    return render_template(
        "home/review.html",
        review=page.review,
        wound=page.wound,
        photos=page.photos,
        patient_name=page.patient_name,
        may_confirm=page.may_confirm,
        answered_by=page.answered_by,
        now=clock.now(),
    )


@bp.route("/reviews/<int:review_id>/read", methods=["POST"])
@signed_in(*ROLES)
def confirm_read(review_id: int) -> Response:
    try:
        reviews.acknowledge(g.user, review_id)
        flash(_("Thank you: the wound clinic can see that you have read the instructions."))
    except Conflict:
        flash(_("The wound clinic has not answered yet."))
    back = local_target(request.form.get("back"), url_for("home.review", review_id=review_id))
    return redirect(back)
