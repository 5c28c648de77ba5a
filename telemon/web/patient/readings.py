"""The patient's readings and notes, and entering their own readings."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telemon import access, clock
from telemon.extensions import db
from telemon.models import Enrollment, Patient
from telemon.patients import own_view
from telemon.web.components import reading_form
from telemon.web.components.patient_charts import copd_charts, inr_chart
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp


def own_patient() -> Patient:
    """The signed-in patient, the read audited (404 for a login without a patient)."""
    return access.patient_for(g.user, g.user.patient_id or 0, "patient.read")


def active_enrolments(person: Patient) -> dict[str, Enrollment]:
    return {e.programme: e for e in person.enrollments if e.status == "active"}


@bp.route("/")
@signed_in(*ROLES)
def home() -> Any:
    person = own_patient()
    programmes = active_enrolments(person)
    now = clock.now()
    charts = copd_charts(person.id, programmes.get("copd"), now)
    ak = programmes.get("anticoagulation")
    if ak is not None and ak.anticoagulation is not None:
        plan = ak.anticoagulation
        charts.insert(0, inr_chart(person.id, plan.target_low, plan.target_high, now))
    rows = own_view.own_readings(g.user)
    notes = own_view.notes_for_patient(g.user)
    db.session.commit()
    return render_template(
        "patient/home.html",
        patient=person,
        programmes=programmes,
        charts=charts,
        readings=rows,
        notes=notes,
    )


@bp.route("/readings/new", methods=["GET", "POST"])
@signed_in(*ROLES)
def new_readings() -> Any:
    person = own_patient()
    copd = active_enrolments(person).get("copd")
    fields = reading_form.copd_fields(copd) if copd is not None else []
    codes = [f.code for f in fields]
    values: dict[str, Any] = {"effective_at": reading_form.local_now_text()}
    key = reading_form.new_key()
    errors: dict[str, str] = {}
    if request.method == "POST" and codes:
        result, errors, key = reading_form.submit(g.user, request.form, person.id, codes)
        if result is not None:
            flash(
                _("Saved. Your care team sees your readings.")
                if result.created
                else _("These readings were saved already; nothing was stored twice.")
            )
            return redirect(url_for("patient.home"))
        values = reading_form.shown_values(request.form, codes)
    db.session.commit()
    return render_template(
        "patient/new_readings.html",
        fields=fields,
        values=values,
        errors=errors,
        form_key=key,
        in_anticoagulation="anticoagulation" in active_enrolments(person),
    ), (422 if errors else 200)
