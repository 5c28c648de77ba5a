"""Self-managed anticoagulation (WEB-AK): the patient reports an INR, reads the dose
suggestion and accepts it (or is told the clinic will contact them), and reads the week in
tablets, the next test date and a reminder when a test is overdue."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from telemon import clock
from telemon.anticoagulation import service as anticoagulation
from telemon.anticoagulation.tablet_plan import days_overdue, weekly_tablet_plan
from telemon.errors import Conflict, Invalid, NotFound
from telemon.extensions import db
from telemon.models import DoseSuggestion, IngestBatch, Observation
from telemon.web.components import reading_form
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp
from telemon.web.patient.readings import active_enrolments, own_patient


def _page(values: dict[str, Any], errors: dict[str, str], key: str) -> Any:
    person = own_patient()
    enrollment = active_enrolments(person).get("anticoagulation")
    if enrollment is None or enrollment.anticoagulation is None:
        raise NotFound("You are not in the anticoagulation programme.")
    plan = enrollment.anticoagulation
    summary = anticoagulation.summary(g.user, person.id)
    suggestion: DoseSuggestion | None = summary["dose_suggestion"]
    today = clock.local(clock.now()).date()
    pending = suggestion if suggestion is not None and suggestion.status == "pending" else None
    db.session.commit()
    return render_template(
        "patient/anticoagulation.html",
        summary=summary,
        plan=plan,
        week=weekly_tablet_plan(plan.weekly_dose_mg, plan.tablet_strength_mg),
        suggestion=pending,
        suggested_week=weekly_tablet_plan(pending.weekly_dose_mg, plan.tablet_strength_mg)
        if pending is not None and not pending.contact_clinic
        else None,
        # The newest INR not yet evaluated: its suggestion is on its way (the page reloads).
        waiting=request.method == "GET" and _awaiting_evaluation(summary["latest_inr"]),
        overdue=days_overdue(plan.next_test_due, today),
        values=values,
        errors=errors,
        form_key=key,
    ), (422 if errors else 200)


def _awaiting_evaluation(latest: dict[str, Any] | None) -> bool:
    if latest is None:
        return False
    evaluated = db.session.scalar(
        select(IngestBatch.evaluated_at)
        .join(Observation, Observation.batch_id == IngestBatch.id)
        .where(Observation.id == latest["observation_id"])
    )
    return evaluated is None


@bp.route("/anticoagulation")
@signed_in(*ROLES)
def anticoagulation_page() -> Any:
    return _page({"effective_at": reading_form.local_now_text()}, {}, reading_form.new_key())


@bp.route("/anticoagulation/inr", methods=["POST"])
@signed_in(*ROLES)
def enter_inr() -> Any:
    person = own_patient()
    enrollment = active_enrolments(person).get("anticoagulation")
    if enrollment is None or enrollment.anticoagulation is None:
        raise NotFound("You are not in the anticoagulation programme.")
    extra = {"device": enrollment.anticoagulation.device, "location": "home"}
    result, errors, key = reading_form.submit(g.user, request.form, person.id, ["inr"], extra)
    if result is not None:
        return redirect(url_for("patient.anticoagulation_page"))
    return _page(reading_form.shown_values(request.form, ["inr"]), errors, key)


@bp.route("/dose-suggestions/<int:suggestion_id>/accept", methods=["POST"])
@signed_in(*ROLES)
def accept_dose(suggestion_id: int) -> Response:
    suggestion = db.session.get(DoseSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("No such dose suggestion.")
    try:
        anticoagulation.decide(g.user, suggestion_id, suggestion.weekly_dose_mg, None)
        flash(_("Accepted. Your new week plan is below."))
    except (Conflict, Invalid):
        db.session.rollback()
        flash(_("A newer suggestion has come; read it before accepting."))
    return redirect(url_for("patient.anticoagulation_page"))
