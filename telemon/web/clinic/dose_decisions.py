"""The anticoagulation clinic's dose decisions in the browser: the dose worklist of suggestions
waiting for a clinician of the user's care teams (telemon.anticoagulation.dose_worklist), and the
one view that decides a suggestion -- confirm or override, with days without tablets, a note
and "show the note to the patient" -- from the dose worklist, the alert page and the patient page,
through the same use case as the API (decisions.decide_dose); the worklist page reads through
dose_worklist.worklist_page. Post/Redirect/Get; a resent form (its key) stores once."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from telemon import clinical_text as ct
from telemon.anticoagulation import decision, dose_worklist
from telemon.anticoagulation.decisions import DoseDecision, decide_dose
from telemon.anticoagulation.inr_rules import MAX_WEEKLY_DOSE_MG
from telemon.clinical_text.events import DECISION_WORDS
from telemon.errors import Conflict, Invalid
from telemon.http import paging
from telemon.web.clinic import ROLES, bp
from telemon.web.components.clinical import language
from telemon.web.components.forms import (
    already_done,
    field_errors,
    kept_form,
    new_form_key,
    remember,
    send_back,
    typed_number,
)
from telemon.web.guard import signed_in
from telemon.web.safe_redirect import local_target

PAGE_SIZE = 50


@bp.route("/dose-suggestions", endpoint="dose_worklist")
@signed_in(*ROLES)
def dose_worklist_page() -> Any:
    kept = kept_form()
    if kept and isinstance(kept[0].get("suggestion_id"), int):
        values = dict(kept[0])
        suggestion_id = values.pop("suggestion_id")
        return _worklist({suggestion_id: values}, {suggestion_id: kept[1]})
    return _worklist({}, {})


def _worklist(values: dict[int, dict[str, Any]], errors: dict[int, dict[str, str]]) -> Any:
    after = _cursor(request.args.get("after"))
    found = dose_worklist.worklist_page(g.user, PAGE_SIZE, after)
    page = found.page
    return render_template(
        "clinic/dose_worklist.html",
        items=page.items,
        names=found.names,
        keys={item.id: new_form_key() for item in page.items},
        values=values,
        errors=errors,
        next_page=url_for("clinic.dose_worklist", after=page.next) if page.next else None,
        first_page=url_for("clinic.dose_worklist") if after is not None else None,
    ), (422 if errors else 200)


def _cursor(raw: str | None) -> paging.Key | None:
    """A stale or mangled paging link shows the first page."""
    if not raw:
        return None
    try:
        return paging.decode(raw, dose_worklist.CURSOR_SHAPE)
    except ValueError:
        return None


def _parse(form: Any) -> tuple[DoseDecision | None, dict[str, Any], dict[str, str]]:
    """The decision the form asks for, what was typed, and the typed fields' errors."""
    values = {
        "weekly_dose_mg": form.get("weekly_dose_mg", ""),
        "hold_days": form.get("hold_days", ""),
        "note": (form.get("note") or "").strip()[:4000],
        "note_visible_to_patient": form.get("note_visible_to_patient") == "on",
    }
    note = values["note"] or None
    visible = values["note_visible_to_patient"]
    # Only the confirm button takes the suggestion as it stands; anything else sent puts the
    # typed dose and days in force (the rule says "confirmed" when they are the suggestion's).
    if form.get("decision") == "confirm":
        return DoseDecision(None, None, note, visible), values, {}
    errors: dict[str, str] = {}
    dose = typed_number(values["weekly_dose_mg"])
    if dose is None or not 0 < dose <= MAX_WEEKLY_DOSE_MG:
        errors["weekly_dose_mg"] = _(
            "Give the weekly dose in mg: above 0 and at most %(max)s.",
            max=ct.number(MAX_WEEKLY_DOSE_MG, language()),
        )
    raw_hold = values["hold_days"].strip()
    hold = int(raw_hold) if raw_hold.isdigit() else None
    if raw_hold and (hold is None or hold > decision.MAX_HOLD_DAYS):
        errors["hold_days"] = _("Give the days without tablets: a whole number from 0 to 7.")
    if errors:
        return None, values, errors
    return DoseDecision(dose, hold, note, visible), values, {}


@bp.route("/dose-suggestions/<int:suggestion_id>/confirm", methods=["POST"])
@signed_in(*ROLES)
def confirm_dose(suggestion_id: int) -> Any:
    form = request.form
    back = local_target(form.get("back"), url_for("clinic.dose_worklist"))
    done = already_done(form.get("form_key"))
    if done:
        return redirect(done)
    asked, values, errors = _parse(form)
    if asked is not None:
        try:
            decided = decide_dose(g.user, suggestion_id, asked)
        except Conflict:
            flash(_("The dose was not set: the suggestion has been decided or replaced."))
            return redirect(back)
        except Invalid as invalid:
            errors = field_errors(invalid.errors) or {"form": _("This could not be saved.")}
        else:
            remember(form.get("form_key"), back)
            flash(_decided_text(decided.status, decided.decided_weekly_dose_mg or 0, decided))
            return redirect(back)
    if back.startswith(url_for("clinic.dose_worklist")):
        # Post/Redirect/Get: back to the worklist, with what was typed and what is wrong.
        return send_back({**values, "suggestion_id": suggestion_id}, errors, to=back)
    flash(" ".join(errors.values()))
    return redirect(back)


def _decided_text(status: str, dose: float, decided: Any) -> str:
    words = _(DECISION_WORDS.get(status, status))
    text = _(
        "Weekly dose %(decision)s: %(dose)s.",
        decision=words,
        dose=ct.weekly_dose_text(dose, language()),
    )
    if decided.decided_hold_days:
        text += " " + ngettext(
            "%(num)s day without tablets.",
            "%(num)s days without tablets.",
            decided.decided_hold_days,
        )
    return text
