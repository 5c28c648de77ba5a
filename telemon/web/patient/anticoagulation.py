"""Self-managed anticoagulation (WEB-AK): the patient reports an INR and reads back one
instruction for it (telemon.anticoagulation.instructions: what she decides herself, or what to
do until the clinic has decided, true at this hour), accepts the suggestions that are hers,
reads the clinic's latest decision (new dose, held days, the note it showed her), the week in
tablets as the instruction and the decision have it, the next test date and a reminder when a
test is overdue. The page reads through one use case (patient_view.own_anticoagulation); the INR
is stored through the API's path, and a suggestion accepted through the API's decide_dose."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import clinical_text as ct
from telemon import clock
from telemon.anticoagulation import patient_view
from telemon.anticoagulation.decisions import DoseDecision, decide_dose
from telemon.anticoagulation.tablet_plan import days_overdue
from telemon.errors import Conflict, Invalid, NotFound
from telemon.patients import own_view
from telemon.web.components import reading_form
from telemon.web.components.clinical import language
from telemon.web.components.forms import kept_form, send_back
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp


def _page(values: dict[str, Any], errors: dict[str, str], key: str) -> Any:
    page = patient_view.own_anticoagulation(g.user)
    summary, plan = page.summary, page.plan
    lang = language()
    instruction = summary["instruction"]
    decision = summary["latest_decision"]
    today = clock.local(clock.now()).date()
    return render_template(
        "patient/anticoagulation.html",
        summary=summary,
        plan=plan,
        suggestion=summary["dose_suggestion"] if instruction is not None else None,
        instruction=instruction,
        lines=ct.instruction_text(
            instruction.code, instruction.params, lang, summary["out_of_hours_text"]
        )
        if instruction is not None
        else [],
        may_accept=summary["patient_decides"] and plan.self_managing,
        decision=decision,
        decided_by=ct.decider_text(decision.decided_by_role or "", decision.decided_by_team, lang)
        if decision is not None
        else None,
        held_text=ct.held_days_text(decision.decided_held_from, decision.decided_hold_days, lang)
        if decision is not None and decision.decided_hold_days and decision.decided_held_from
        else None,
        week=summary["week"],
        week_kind=summary["week_kind"],
        week_plan=summary["week_plan"],
        today=today,
        # The newest INR not yet evaluated: its suggestion is on its way (the page reloads).
        waiting=request.method == "GET" and page.awaiting_evaluation,
        overdue=days_overdue(plan.next_test_due, today),
        values=values,
        errors=errors,
        form_key=key,
    ), (422 if errors else 200)


@bp.route("/anticoagulation")
@signed_in(*ROLES)
def anticoagulation_page() -> Any:
    kept = kept_form()
    if kept:
        values, errors = kept
        return _page(values, errors, values.pop("form_key", None) or reading_form.new_key())
    return _page({"effective_at": reading_form.local_now_text()}, {}, reading_form.new_key())


@bp.route("/anticoagulation/inr", methods=["POST"])
@signed_in(*ROLES)
def enter_inr() -> Any:
    mine = own_view.own_programmes(g.user)
    enrollment = mine.programmes.get("anticoagulation")
    if enrollment is None or enrollment.anticoagulation is None:
        raise NotFound("You are not in the anticoagulation programme.")
    extra = {"device": enrollment.anticoagulation.device, "location": "home"}
    result, errors, key = reading_form.submit(g.user, request.form, mine.patient.id, ["inr"], extra)
    if result is not None:
        return redirect(url_for("patient.anticoagulation_page"))
    shown = reading_form.shown_values(request.form, ["inr"])
    return send_back({**shown, "form_key": key}, errors, to=url_for("patient.anticoagulation_page"))


@bp.route("/dose-suggestions/<int:suggestion_id>/accept", methods=["POST"])
@signed_in(*ROLES)
def accept_dose(suggestion_id: int) -> Response:
    """Accept the suggestion as it stands (a suggestion never changes; a newer one has its own
    id). The same service as the API's: a suggestion that is the clinic's is refused 403
    (audited), whatever the page showed or hid."""
    try:
        decide_dose(g.user, suggestion_id, DoseDecision())
        flash(_("Accepted. Your new week plan is below."))
    except (Conflict, Invalid):
        flash(_("A newer suggestion has come; read it before accepting."))
    return redirect(url_for("patient.anticoagulation_page"))
