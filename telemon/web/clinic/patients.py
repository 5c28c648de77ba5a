"""The patient overview and threshold editing in the web UI (dose decisions:
telemon.web.clinic.dose_decisions)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from telemon import access, clock
from telemon.alerts import queries
from telemon.anticoagulation import patient_view
from telemon.errors import Invalid, NotFound
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import Enrollment, Wound
from telemon.patients import service as patients
from telemon.web.clinic import ROLES, bp
from telemon.web.clinic.timeline import patient_timeline
from telemon.web.components import limits_form
from telemon.web.components.clinical import language
from telemon.web.components.filters import reasons
from telemon.web.components.forms import new_form_key
from telemon.web.components.patient_charts import CHART_DAYS, copd_charts, inr_chart
from telemon.web.guard import signed_in

LIMIT_FIELDS = patients.LIMIT_FIELDS


@bp.route("/patients/<int:patient_id>")
@signed_in(*ROLES)
def patient(patient_id: int) -> Any:
    patient = access.patient_for(g.user, patient_id, "patient.read")
    now = clock.now()
    enrollments = [e for e in patient.enrollments if e.status == "active"]
    by_programme = {e.programme: e for e in enrollments}
    alerts = queries.work_list(g.user, queries.AlertFilter(patient_id=patient_id))
    charts = copd_charts(patient_id, by_programme.get("copd"), now)
    ak = None
    if "anticoagulation" in by_programme:
        ak = patient_view.summary(g.user, patient_id)
        charts.insert(0, inr_chart(patient_id, ak["target_low"], ak["target_high"], now))
    timeline = patient_timeline(
        patient_id, language(), reason_of=lambda alert: reasons(alert.reasons)
    )
    wounds = db.session.scalars(
        select(Wound).where(Wound.patient_id == patient_id).order_by(Wound.created_at.desc())
    ).all()
    db.session.commit()
    return render_template(
        "clinic/patient.html",
        patient=patient,
        enrollments=enrollments,
        alerts=alerts,
        charts=charts,
        ak=ak,
        timeline=timeline,
        wounds=wounds,
        # What the user may do here, asked of telemon.access: buttons they may not use are
        # not shown (and the services refuse them anyway).
        may_edit=access.acting_on(g.user, [e.id for e in enrollments], access.CHANGE_PLAN),
        may_decide_dose=access.acting_on(g.user, [e.id for e in enrollments], access.DECIDE_DOSE),
        decide_key=new_form_key(),
        chart_days=CHART_DAYS,
    )


@bp.route("/enrollments/<int:enrollment_id>/thresholds", methods=["GET", "POST"])
@signed_in(*ROLES)
def thresholds(enrollment_id: int) -> Any:
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment.")
    access.patient_for(
        g.user, enrollment.patient_id, "thresholds.read", "enrollment", enrollment_id
    )
    access.require_act(g.user, enrollment, access.CHANGE_PLAN, "enrollment", enrollment_id)
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
                db.session.rollback()
                bad = (invalid.errors or {}).get("thresholds") or {}
                errors = {code: [str(m) for m in messages] for code, messages in bad.items()}
            else:
                flash(_("Thresholds saved."))
                return redirect(url_for("clinic.patient", patient_id=enrollment.patient_id))
    db.session.commit()
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
