"""Recording at the patient's side: the COPD measurements of the patient's schedule, and INR
(the nurse's coagulometer, at home or in a nursing home). Stored by the API's own path
(telemon.web.components.reading_form); a resent form stores once. The patient is read, and
her enrolment found, by telemon.patients.home_visit.enrolment_to_record (audited)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.ingest.schemas import LOCATIONS
from telemon.models import Patient
from telemon.patients import home_visit
from telemon.web.components import reading_form
from telemon.web.components.forms import kept_form, send_back
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp


@bp.route("/patients/<int:patient_id>/measurements", methods=["GET", "POST"])
@signed_in(*ROLES)
def measurements(patient_id: int) -> Any:
    enrollment = home_visit.enrolment_to_record(g.user, patient_id, "copd")
    fields = reading_form.copd_fields(enrollment)
    return _form(
        enrollment.patient,
        [f.code for f in fields],
        fields=fields,
        heading=_("Measurements"),
        device_label=_("Device (optional)"),
        submit=_("Save measurements"),
    )


@bp.route("/patients/<int:patient_id>/inr", methods=["GET", "POST"])
@signed_in(*ROLES)
def inr(patient_id: int) -> Any:
    enrollment = home_visit.enrolment_to_record(g.user, patient_id, "anticoagulation")
    plan = enrollment.anticoagulation
    inr_field = reading_form.ReadingField("inr", "INR", "", "any", planned=False)
    return _form(
        enrollment.patient,
        ["inr"],
        fields=[inr_field],
        device=plan.device if plan is not None else None,
        heading=_("INR"),
        device_label=_("Coagulometer"),
        submit=_("Save INR"),
    )


def _form(person: Patient, codes: list[str], **shown: Any) -> Any:
    values: dict[str, Any] = {
        "effective_at": reading_form.local_now_text(),
        "device": shown.get("device") or "",
        "location": "home",
    }
    key = reading_form.new_key()
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
        key = values.pop("form_key", key)
    if request.method == "POST":
        location = request.form.get("location")
        extra = {
            "location": location if location in LOCATIONS else None,
            "device": (request.form.get("device") or "").strip()[:200] or None,
        }
        result, errors, key = reading_form.submit(g.user, request.form, person.id, codes, extra)
        if result is not None:
            return _stored(person.id, result.created)
        shown_values = reading_form.shown_values(request.form, codes)
        return send_back({**shown_values, "form_key": key}, errors)
    return render_template(
        "home/reading_form.html",
        patient=person,
        values=values,
        errors=errors,
        form_key=key,
        locations=LOCATIONS,
        **shown,
    ), (422 if errors else 200)


def _stored(patient_id: int, created: int) -> Response:
    if created:
        flash(_("Saved. The readings are checked against the patient's limits now."))
    else:
        flash(_("These readings were saved already; nothing was stored twice."))
    return redirect(url_for("home.patient", patient_id=patient_id))
