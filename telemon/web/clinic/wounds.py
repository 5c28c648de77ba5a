"""Wound pages: assessments side by side with their photos, area and PUSH over time, and the
review conversation between the home nurse and the wound clinic. Each view calls one use case of
telemon.woundcare (records, photos, reviews), as the API does."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import clock
from telemon.errors import Conflict, Forbidden
from telemon.identity.names import user_names
from telemon.web.clinic import ROLES, bp
from telemon.web.components.charts import Point, line_chart
from telemon.web.components.clinical import language
from telemon.web.guard import signed_in
from telemon.woundcare import photos, records, reviews


@bp.route("/wounds/<int:wound_id>")
@signed_in(*ROLES)
def wound(wound_id: int) -> Any:
    record = records.wound_record(g.user, wound_id)
    oldest_first = sorted(record["assessments"], key=lambda a: a.assessed_at)
    now = clock.now()
    start = oldest_first[0].assessed_at if oldest_first else now
    area = line_chart(
        [Point(a.assessed_at, a.area_cm2) for a in oldest_first],
        title=_("Area"),
        unit="cm²",
        start=start,
        end=now,
        language=language(),
    )
    push = line_chart(
        [Point(a.assessed_at, a.push_score) for a in oldest_first if a.push_score is not None],
        title="PUSH",
        unit="0-17",
        start=start,
        end=now,
        language=language(),
    )
    people = user_names(_people(record))
    return render_template(
        "clinic/wound.html",
        wound=record,
        assessments=oldest_first,
        area_chart=area,
        push_chart=push,
        reviews=record["review_requests"],
        people=people,
        may_reply={r.id: reviews.in_clinic(g.user, r) for r in record["review_requests"]},
        may_acknowledge={
            r.id: reviews.may_acknowledge(g.user, r) for r in record["review_requests"]
        },
        now=now,
    )


def _people(record: dict[str, Any]) -> set[int | None]:
    ids: set[int | None] = {a.assessed_by_id for a in record["assessments"]}
    for r in record["review_requests"]:
        ids |= {r.requested_by_id, r.answered_by_id, r.acknowledged_by_id}
    return ids


@bp.route("/wounds/photos/<int:photo_id>")
@signed_in(*ROLES)
def wound_photo(photo_id: int) -> Response:
    return photos.image_response(photos.photo_content(g.user, photo_id, False))


@bp.route("/wounds/photos/<int:photo_id>/thumbnail")
@signed_in(*ROLES)
def wound_thumbnail(photo_id: int) -> Response:
    return photos.image_response(photos.photo_content(g.user, photo_id, True))


@bp.route("/review-requests/<int:review_id>")
@signed_in(*ROLES)
def review_request(review_id: int) -> Response:
    """From the work list or a mail: record that the clinic has seen it, show it with its wound."""
    review = reviews.read_review(g.user, review_id)
    return redirect(
        url_for("clinic.wound", wound_id=review.wound_id, _anchor=f"review-{review.id}")
    )


@bp.route("/review-requests/<int:review_id>/reply", methods=["POST"])
@signed_in(*ROLES)
def reply_review(review_id: int) -> Response:
    instructions = (request.form.get("instructions") or "").strip()
    if not instructions:
        flash(_("Write the instructions before sending."))
        return redirect(url_for("clinic.review_request", review_id=review_id))
    try:
        review = reviews.reply(g.user, review_id, instructions)
    except Conflict:
        flash(_("The review request is already answered."))
    except Forbidden:
        flash(_("Only the wound clinic the request was sent to answers it."))
    else:
        flash(_("Reply sent; the nurse's team is notified."))
        return redirect(
            url_for("clinic.wound", wound_id=review.wound_id, _anchor=f"review-{review_id}")
        )
    # Not answered: back to the request, shown in its wound as the user may read it.
    return redirect(url_for("clinic.review_request", review_id=review_id))


@bp.route("/review-requests/<int:review_id>/acknowledge", methods=["POST"])
@signed_in(*ROLES)
def acknowledge_review(review_id: int) -> Response:
    review = reviews.acknowledge(g.user, review_id)
    flash(_("Marked as read."))
    return redirect(
        url_for("clinic.wound", wound_id=review.wound_id, _anchor=f"review-{review_id}")
    )
