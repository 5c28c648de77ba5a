"""The patient page and threshold editing in the web UI (dose decisions:
telemon.web.clinic.dose_decisions). The page reads through telemon.patients.detail; the
thresholds form through telemon.patients.editing, and stores through the API's use case."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telemon import admissions, clock
from telemon.errors import Invalid
from telemon.ingest.codes import CODES
from telemon.patients import detail, editing
from telemon.patients import service as patients
from telemon.patients.schemas import PatientPatch
from telemon.web.clinic import ROLES, bp
from telemon.web.clinic.timeline import patient_timeline
from telemon.web.components import limits_form
from telemon.web.components.clinical import language
from telemon.web.components.filters import reasons
from telemon.web.components.forms import field_errors, kept_form, new_form_key, send_back
from telemon.web.components.patient_charts import CHART_DAYS, charts
from telemon.web.guard import signed_in

LIMIT_FIELDS = patients.LIMIT_FIELDS


@bp.route("/patients/<int:patient_id>")
@signed_in(*ROLES)
def patient(patient_id: int) -> Any:
    page = detail.patient_detail(g.user, patient_id, clock.now())
    return render_template(
        "clinic/patient.html",
        patient=page.patient,
        enrollments=page.enrollments,
        alerts=page.alerts,
        charts=charts(page.series),
        ak=page.anticoagulation,
        timeline=patient_timeline(
            page.events,
            page.decisions,
            page.names,
            language(),
            reason_of=lambda alert: reasons(alert.reasons),
        ),
        wounds=page.wounds,
        other_measurements=page.other_measurements,
        # What the user may do here, asked of telemon.access: buttons they may not use are
        # not shown (and the services refuse them anyway).
        may_edit=page.may_edit,
        may_decide_dose=page.may_decide_dose,
        decide_key=new_form_key(),
        chart_days=CHART_DAYS,
        stay=admissions.current_stays([patient_id]).get(patient_id),
        may_edit_contact=page.may_edit_contact,
        overview=page.overview,
    )


CONTACT_FIELDS = ("phone", "next_of_kin_name", "next_of_kin_phone")


@bp.route("/patients/<int:patient_id>/contact", methods=["GET", "POST"])
@signed_in("clinician")
def patient_contact(patient_id: int) -> Any:
    """The phone and next of kin (those who may enrol the patient); audited as patient.update."""
    person = editing.contact_form(g.user, patient_id)
    values = {f: getattr(person, f) or "" for f in CONTACT_FIELDS}
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
    if request.method == "POST":
        values = {f: (request.form.get(f) or "").strip() for f in CONTACT_FIELDS}
        invalid = PatientPatch().validate({f: v or None for f, v in values.items()})
        if invalid:
            return send_back(values, field_errors(invalid))
        try:
            patients.update_patient(g.user, patient_id, {f: v or None for f, v in values.items()})
        except Invalid as refused:
            return send_back(values, field_errors(refused.errors))
        flash(_("Contact details saved."))
        return redirect(url_for("clinic.patient", patient_id=patient_id), 303)
    return render_template("clinic/contact.html", patient=person, values=values, errors=errors), (
        422 if errors else 200
    )


@bp.route("/enrollments/<int:enrollment_id>/thresholds", methods=["GET", "POST"])
@signed_in(*ROLES)
def thresholds(enrollment_id: int) -> Any:
    enrollment = editing.thresholds_form(g.user, enrollment_id)
    errors: dict[str, list[str]] = {}
    lang = language()
    shown = limits_form.shown_limits(
        {t.code: t for t in enrollment.thresholds}, [t.code for t in enrollment.thresholds], lang
    )
    kept = kept_form()
    if kept:
        shown, errors = kept
    if request.method == "POST":
        values, shown, errors = limits_form.parse(
            request.form, _codes_of(enrollment.programme), lang
        )
        if not errors:
            try:
                patients.update_enrollment(g.user, enrollment_id, {"thresholds": values})
            except Invalid as invalid:
                bad = (invalid.errors or {}).get("thresholds") or {}
                errors = {code: [str(m) for m in messages] for code, messages in bad.items()}
            else:
                flash(_("Thresholds saved."))
                return redirect(url_for("clinic.patient", patient_id=enrollment.patient_id))
        return send_back(shown, errors)
    codes = sorted(set(shown) | set(_codes_of(enrollment.programme)))
    return render_template(
        "clinic/thresholds.html",
        enrollment=enrollment,
        codes=codes,
        shown=shown,
        errors=errors,
        fields=LIMIT_FIELDS,
    ), (422 if errors else 200)


def _codes_of(programme: str) -> list[str]:
    return [c for c, spec in CODES.items() if spec.programme == programme]
