"""The alert page: what was found, the readings behind it, its timeline; acknowledge, resolve.
Each view is one use case (telemon.alerts.detail, telemon.alerts.handling)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import clock
from telemon.alerts import detail, handling
from telemon.errors import Conflict, Invalid
from telemon.questionnaires import view as questionnaire_view
from telemon.web.clinic import ROLES, alert_page, bp
from telemon.web.clinic.timeline import alert_timeline
from telemon.web.components import questionnaire_form
from telemon.web.components.clinical import language
from telemon.web.components.forms import new_form_key
from telemon.web.guard import signed_in
from telemon.web.safe_redirect import local_target


@bp.route("/alerts/<int:alert_id>")
@signed_in(*ROLES)
def alert(alert_id: int) -> Any:
    now = clock.now()
    lang = language()
    page = detail.alert_detail(g.user, alert_id, now)
    return render_template(
        "clinic/alert.html",
        alert=page.alert,
        patient=page.patient,
        page=page,
        chart=alert_page.chart(page.series, lang) if page.series else None,
        timeline=alert_timeline(page.alert, page.names, lang),
        now=now,
        may=page.may,
        decide_key=new_form_key(),
        answer_text=lambda item, value: questionnaire_form.shown(item, value, lang),
        lang=lang,
    )


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@signed_in(*ROLES)
def acknowledge(alert_id: int) -> Response:
    handling.acknowledge_alert(
        g.user,
        alert_id,
        request.form.get("note"),
        visible_to_patient=bool(request.form.get("visible_to_patient")),
    )
    flash(_("Alert acknowledged."))
    return redirect(local_target(request.form.get("back"), url_for("clinic.worklist")))


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@signed_in(*ROLES)
def resolve(alert_id: int) -> Any:
    note = request.form.get("note") or ""
    visible = request.form.get("visible_to_patient") == "on"
    try:
        handling.resolve_alert(g.user, alert_id, note, visible)
    except Invalid:
        flash(_("Write a note before resolving."))
        return redirect(url_for("clinic.alert", alert_id=alert_id))
    except Conflict:  # resolved meanwhile (by a colleague, or this form sent twice)
        flash(_("The alert was resolved already."))
        return redirect(url_for("clinic.alert", alert_id=alert_id))
    flash(_("Alert resolved."))
    return redirect(url_for("clinic.worklist"))


@bp.route("/questionnaire-responses/<int:response_id>")
@signed_in(*ROLES)
def questionnaire_response(response_id: int) -> Any:
    """One response's questions and answers (the overview table's cell opens it)."""
    lang = language()
    return render_template(
        "clinic/questionnaire_response.html",
        rv=questionnaire_view.response_page(g.user, response_id),
        answer_text=lambda item, value: questionnaire_form.shown(item, value, lang),
        lang=lang,
    )
