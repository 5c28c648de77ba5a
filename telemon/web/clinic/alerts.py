"""The alert page: what was found, the readings behind it, its timeline; acknowledge, resolve."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import access, clock
from telemon.alerts import service
from telemon.alerts.api import load_alert, mark_seen
from telemon.extensions import db
from telemon.models import Enrollment, Patient
from telemon.web.clinic import ROLES, alert_page, bp
from telemon.web.clinic.timeline import alert_timeline
from telemon.web.components.clinical import language
from telemon.web.components.forms import new_form_key
from telemon.web.guard import signed_in
from telemon.web.safe_redirect import local_target


@bp.route("/alerts/<int:alert_id>")
@signed_in(*ROLES)
def alert(alert_id: int) -> Any:
    item = load_alert(g.user, alert_id, "alert.read")
    mark_seen(item, g.user)
    patient = db.session.get(Patient, item.patient_id)
    enrollment = db.session.get(Enrollment, item.enrollment_id)
    assert enrollment is not None
    now = clock.now()
    lang = language()
    page = alert_page.build(g.user, item, enrollment, now, lang)
    may = {
        "acknowledge": access.may_act(g.user, enrollment, access.ACKNOWLEDGE_ALERT),
        "resolve": access.may_act(g.user, enrollment, access.RESOLVE_ALERT),
        "decide_dose": access.may_act(g.user, enrollment, access.DECIDE_DOSE),
    }
    timeline = alert_timeline(item, lang)
    db.session.commit()
    return render_template(
        "clinic/alert.html",
        alert=item,
        patient=patient,
        page=page,
        timeline=timeline,
        now=now,
        may=may,
        decide_key=new_form_key(),
    )


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@signed_in(*ROLES)
def acknowledge(alert_id: int) -> Response:
    item = load_alert(g.user, alert_id, "alert.acknowledge")
    mark_seen(item, g.user)
    service.acknowledge(item, g.user, request.form.get("note") or None)
    db.session.commit()
    flash(_("Alert acknowledged."))
    return redirect(local_target(request.form.get("back"), url_for("clinic.worklist")))


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@signed_in(*ROLES)
def resolve(alert_id: int) -> Any:
    item = load_alert(g.user, alert_id, "alert.resolve")
    note = (request.form.get("note") or "").strip()
    if not note:
        flash(_("Write a note before resolving."))
        return redirect(url_for("clinic.alert", alert_id=alert_id))
    service.resolve(item, g.user, note, request.form.get("visible_to_patient") == "on")
    db.session.commit()
    flash(_("Alert resolved."))
    return redirect(url_for("clinic.worklist"))
