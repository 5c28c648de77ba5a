"""The patient's readings and notes, and entering their own readings. Each page reads through
one use case (telemon.patients.own_view) and stores through the API's (telemon.ingest)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telemon import clock
from telemon.messages import pages as messages
from telemon.patients import own_view
from telemon.web.components import reading_form
from telemon.web.components.forms import kept_form, send_back
from telemon.web.components.patient_charts import charts
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp


@bp.route("/")
@signed_in(*ROLES)
def home() -> Any:
    page = own_view.own_page(g.user, clock.now())
    return render_template(
        "patient/home.html",
        patient=page.patient,
        programmes=page.programmes,
        charts=charts(page.series),
        readings=page.readings,
        notes=page.notes,
        # Answers from the care team she has not read (her "Beskeder").
        unread_messages=sum(u.count for u in messages.unread_answers(g.user)),
    )


@bp.route("/readings/new", methods=["GET", "POST"])
@signed_in(*ROLES)
def new_readings() -> Any:
    mine = own_view.own_programmes(g.user)
    copd = mine.programmes.get("copd")
    fields = reading_form.copd_fields(copd) if copd is not None else []
    codes = [f.code for f in fields]
    values: dict[str, Any] = {"effective_at": reading_form.local_now_text()}
    key = reading_form.new_key()
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
        key = values.pop("form_key", key)
    if request.method == "POST" and not codes:
        return redirect(url_for("patient.new_readings"), 303)  # nothing to enter: the page
    if request.method == "POST":
        result, errors, key = reading_form.submit(g.user, request.form, mine.patient.id, codes)
        if result is not None:
            flash(
                _("Saved. Your care team sees your readings.")
                if result.created
                else _("These readings were saved already; nothing was stored twice.")
            )
            return redirect(url_for("patient.home"))
        shown = reading_form.shown_values(request.form, codes)
        return send_back({**shown, "form_key": key}, errors)
    return render_template(
        "patient/new_readings.html",
        fields=fields,
        values=values,
        errors=errors,
        form_key=key,
        in_anticoagulation="anticoagulation" in mine.programmes,
    ), (422 if errors else 200)
