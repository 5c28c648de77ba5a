"""The home nurse's start page, and the wound clinic's answer to one of her requests (the page
the answered-review mail leads to)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from telemon import clock
from telemon.anticoagulation import dose_worklist
from telemon.errors import Conflict
from telemon.extensions import db
from telemon.http import paging
from telemon.models import PROGRAMMES, CareTeam, Organisation, Patient, Photo, User, Wound
from telemon.patients import overview
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp
from telemon.web.safe_redirect import local_target
from telemon.woundcare import home_nursing, reviews

PAGE_SIZE = 30


@bp.route("/", methods=["GET", "POST"])
@signed_in(*ROLES)
def start() -> Any:
    # The search is sent by POST: a CPR number or a name never goes into a URL (nor a log).
    programme = request.values.get("programme")
    f = overview.OverviewFilter(
        search=(request.form.get("q") or "").strip()[:100] or None,
        programme=programme if programme in PROGRAMMES else None,
    )
    after = _cursor(request.args.get("after"))
    page = overview.patient_page(g.user, f, PAGE_SIZE, after)
    answers = home_nursing.answers_to_read(g.user)
    requests = home_nursing.open_requests(g.user)
    names = _patient_names({r.patient_id for r in answers + requests})
    # A nurse of a hospital team (the anticoagulation clinic's) also works its work list.
    in_hospital_team = bool(
        db.session.scalar(
            select(CareTeam.id)
            .join(Organisation, Organisation.id == CareTeam.organisation_id)
            .where(CareTeam.members.any(User.id == g.user.id), Organisation.kind == "hospital")
            .limit(1)
        )
    )
    # A nurse of the anticoagulation clinic decides doses: her worklist, with its count.
    doses_waiting = dose_worklist.waiting_count(g.user)
    db.session.commit()
    shown = {"programme": f.programme} if f.programme else {}
    return render_template(
        "home/start.html",
        doses_waiting=doses_waiting,
        answers=answers,
        requests=requests,
        in_hospital_team=in_hospital_team,
        names=names,
        rows=page.items,
        filters=f,
        programmes=PROGRAMMES,
        now=clock.now(),
        # A search's result is one page: paging links would lose it (it is not in the URL).
        next_page=url_for("home.start", **shown, after=page.next)
        if page.next and not f.search
        else None,
        more_found=bool(page.next and f.search),
        first_page=url_for("home.start", **shown) if after is not None else None,
    )


def _cursor(raw: str | None) -> paging.Key | None:
    """A stale or mangled paging link shows the first page."""
    if not raw:
        return None
    try:
        return overview.decode_cursor(raw)
    except ValueError:
        return None


def _patient_names(ids: set[int]) -> dict[int, str]:
    """Names of patients the lists already showed the user (each list checked and audited)."""
    if not ids:
        return {}
    rows = db.session.execute(select(Patient.id, Patient.name).where(Patient.id.in_(ids)))
    return {row.id: row.name for row in rows}


@bp.route("/reviews/<int:review_id>")
@signed_in(*ROLES)
def review(review_id: int) -> Any:
    """One review request and the wound clinic's answer, with "I have read it"."""
    item = reviews.load_review(g.user, review_id, "review_request.read")
    wound = db.session.get(Wound, item.wound_id)
    photos = (
        db.session.scalars(
            select(Photo).where(Photo.assessment_id == item.assessment_id).order_by(Photo.id)
        ).all()
        if item.assessment_id is not None
        else []
    )
    name = _patient_names({item.patient_id}).get(item.patient_id, "")
    may_confirm = item.status == "answered" and reviews.may_acknowledge(g.user, item)
    db.session.commit()
    return render_template(
        "home/review.html",
        review=item,
        wound=wound,
        photos=photos,
        patient_name=name,
        may_confirm=may_confirm,
        now=clock.now(),
    )


@bp.route("/reviews/<int:review_id>/read", methods=["POST"])
@signed_in(*ROLES)
def confirm_read(review_id: int) -> Response:
    try:
        reviews.acknowledge(g.user, review_id)
        flash(_("Thank you: the wound clinic can see that you have read the instructions."))
    except Conflict:
        db.session.rollback()
        flash(_("The wound clinic has not answered yet."))
    back = local_target(request.form.get("back"), url_for("home.review", review_id=review_id))
    return redirect(back)
