"""The patient page and threshold editing in the web UI (dose decisions:
telemon.web.clinic.dose_decisions). The page reads through telemon.patients.detail; the
thresholds form through telemon.patients.editing, and stores through the API's use case."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telemon import clock
from telemon.errors import Invalid
from telemon.ingest.codes import CODES
from telemon.patients import detail, editing
from telemon.patients import service as patients
from telemon.web.clinic import ROLES, bp
from telemon.web.clinic.timeline import patient_timeline
from telemon.web.components import limits_form
from telemon.web.components.clinical import language
from telemon.web.components.filters import reasons
from telemon.web.components.forms import new_form_key
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
        # What the user may do here, asked of telemon.access: buttons they may not use are
        # not shown (and the services refuse them anyway).
        may_edit=page.may_edit,
        may_decide_dose=page.may_decide_dose,
        decide_key=new_form_key(),
        chart_days=CHART_DAYS,
        overview=page.overview,
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
