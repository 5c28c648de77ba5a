"""The audit trail viewer: a patient's access history (found by CPR number, sent in a form,
never in a URL) and a user's actions."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telemon.administration import audit_trail
from telemon.errors import NotFound
from telemon.http import paging
from telemon.i18n import N_
from telemon.identity import users
from telemon.identity.names import user_names
from telemon.web.admin import ROLES, bp
from telemon.web.components.forms import kept_form, send_back
from telemon.web.guard import signed_in

PAGE_SIZE = 100

# What the trail's action codes mean, in words; a code not listed is shown as it is.
ACTIONS = {
    "patient.read": N_("read the record"),
    "patient.list": N_("saw the patient in a list"),
    "patient.create": N_("registered the patient"),
    "patient.update": N_("changed contact details"),
    "observation.read": N_("read the measurements"),
    "observation.export": N_("exported the measurements"),
    "observation.create": N_("recorded measurements"),
    "alert.read": N_("read an alert"),
    "alert.list": N_("listed alerts"),
    "alert.acknowledge": N_("acknowledged an alert"),
    "alert.resolve": N_("resolved an alert"),
    "queue.read": N_("saw the patient in the queue"),
    "enrollment.create": N_("enrolled the patient"),
    "enrollment.read": N_("read the enrolment"),
    "enrollment.update": N_("changed the enrolment"),
    "enrollment.pause": N_("paused monitoring"),
    "enrollment.resume": N_("resumed monitoring"),
    "enrollment.end": N_("ended the enrolment"),
    "enrollment.hand_over": N_("handed the enrolment to another care team"),
    "thresholds.read": N_("read the thresholds"),
    "anticoagulation.read": N_("read the anticoagulation"),
    "dose_suggestion.decide": N_("decided a dose"),
    "dose_suggestion.list": N_("saw the patient in the dose worklist"),
    "audit.read": N_("read this audit trail"),
    "user.create": N_("created a user"),
    "user.update": N_("changed a user"),
    "user.deactivate": N_("deactivated a user"),
    "user.password_reset": N_("reset a password"),
    "user.password_change": N_("changed their own password"),
    "user.sign_out": N_("signed a user out everywhere"),
    "care_team.create": N_("created a care team"),
    "care_team.update": N_("changed a care team"),
    "organisation.create": N_("created an organisation"),
    "organisation.update": N_("changed an organisation"),
    "observation.list": N_("listed the measurements"),
    "patient.search": N_("searched for the patient"),
    "patient.match": N_("matched the patient in an upload"),
    "patient.create.cpr_exists": N_("asked whether a CPR number is registered"),
    "wound.read": N_("read a wound record"),
    "wound.create": N_("opened a wound record"),
    "wound.update": N_("changed a wound record"),
    "wound_assessment.create": N_("recorded a wound assessment"),
    "photo.read": N_("looked at a wound photo"),
    "review_request.read": N_("read a review request"),
    "review_request.list": N_("listed review requests"),
    "review_request.create": N_("asked the wound clinic"),
    "review_request.reply": N_("answered a review request"),
    "review_request.acknowledge": N_("read the wound clinic's answer"),
    "holiday.add": N_("added a public holiday"),
    "holiday.remove": N_("removed a public holiday"),
    "nomogram.add": N_("added a nomogram version"),
    "default_thresholds.update": N_("changed the standard thresholds"),
    "default_schedule.update": N_("changed the standard schedule"),
}


@bp.app_template_filter("audit_action")
def audit_action(code: str) -> str:
    """The action in words; a code not listed in words is said to be one (never shown raw)."""
    label = ACTIONS.get(code)
    return _(label) if label else _("another action (%(code)s)", code=code)


@bp.route("/audit", methods=["GET", "POST"])
@signed_in(*ROLES)
def audit() -> Any:
    """Ask by CPR number (a patient) or by username (a user)."""
    error = None
    kept = kept_form()
    if kept:
        error = kept[1].get("cpr")
    if request.method == "POST":
        # Post/Redirect/Get: the CPR number is sent in the form and never kept (not even to be
        # shown again): the trail's address holds the patient's number only.
        cpr = request.form.get("cpr", "").strip()
        try:
            patient_id = audit_trail.find_patient(g.user, cpr)
        except NotFound:
            return send_back(
                {}, {"cpr": _("No patient with this CPR number whose trail you may read.")}
            )
        return redirect(url_for("admin.patient_trail", patient_id=patient_id), 303)
    return render_template("admin/audit.html", error=error), (404 if error else 200)


@bp.route("/audit/patients/<int:patient_id>")
@signed_in(*ROLES)
def patient_trail(patient_id: int) -> Any:
    return _patient_page(patient_id, _cursor(request.args.get("after")))


def _patient_page(patient_id: int, after: paging.Key | None) -> Any:
    page = audit_trail.patient_trail(g.user, patient_id, audit_trail.Period(), PAGE_SIZE, after)
    return render_template(
        "admin/trail.html",
        title=_("Patient no. %(id)s: who read or changed the patient's data", id=patient_id),
        entries=audit_trail.collapse_repeats(page.items),
        people=user_names(e.event.user_id for e in page.items),
        next_page=url_for("admin.patient_trail", patient_id=patient_id, after=page.next)
        if page.next
        else None,
    )


@bp.route("/audit/users")
@signed_in(*ROLES)
def user_search() -> Any:
    f = users.UserFilter(search=request.args.get("q") or None)
    found = users.user_page(g.user, f, 20).items if f.search else []
    return render_template("admin/audit.html", found=found, q=f.search or "")


@bp.route("/audit/users/<int:user_id>")
@signed_in(*ROLES)
def user_trail(user_id: int) -> Any:
    page = audit_trail.user_trail(
        g.user, user_id, audit_trail.Period(), PAGE_SIZE, _cursor(request.args.get("after"))
    )
    name = user_names([user_id]).get(user_id, str(user_id))
    return render_template(
        "admin/trail.html",
        title=_("What %(name)s did", name=name),
        entries=audit_trail.collapse_repeats(page.items),
        people=user_names(e.event.user_id for e in page.items),
        next_page=url_for("admin.user_trail", user_id=user_id, after=page.next)
        if page.next
        else None,
    )


def _cursor(raw: str | None) -> paging.Key | None:
    if not raw:
        return None
    try:
        return paging.decode(raw, audit_trail.CURSOR_SHAPE)
    except ValueError:
        return None
