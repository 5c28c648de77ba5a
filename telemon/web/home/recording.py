"""Recording at the patient's side: the COPD measurements of the patient's schedule, and INR
(the nurse's coagulometer, at home or in a nursing home). Stored by the API's own path
(telemon.web.components.reading_form); a resent form stores once."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import access
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.ingest.schemas import LOCATIONS
from telemon.models import Enrollment, Patient
from telemon.web.components import reading_form
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp


def _enrolment(person: Patient, programme: str) -> Enrollment:
    for enrollment in person.enrollments:
        if enrollment.programme == programme and enrollment.status == "active":
            return enrollment
    raise NotFound("The patient is not in this programme.")


@bp.route("/patients/<int:patient_id>/measurements", methods=["GET", "POST"])
@signed_in(*ROLES)
def measurements(patient_id: int) -> Any:
    person = access.patient_for(g.user, patient_id, "patient.read")
    fields = reading_form.copd_fields(_enrolment(person, "copd"))
    return _form(
        person,
        [f.code for f in fields],
        fields=fields,
        heading=_("Measurements"),
        device_label=_("Device (optional)"),
        submit=_("Save measurements"),
    )


@bp.route("/patients/<int:patient_id>/inr", methods=["GET", "POST"])
@signed_in(*ROLES)
def inr(patient_id: int) -> Any:
    person = access.patient_for(g.user, patient_id, "patient.read")
    plan = _enrolment(person, "anticoagulation").anticoagulation
    inr_field = reading_form.ReadingField("inr", "INR", "", "any", planned=False)
    return _form(
        person,
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
    if request.method == "POST":
        location = request.form.get("location")
        extra = {
            "location": location if location in LOCATIONS else None,
            "device": (request.form.get("device") or "").strip()[:200] or None,
        }
        result, errors, key = reading_form.submit(g.user, request.form, person.id, codes, extra)
        if result is not None:
            return _stored(person.id, result.created)
        values = reading_form.shown_values(request.form, codes)
    db.session.commit()  # the audit entry of this read
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
