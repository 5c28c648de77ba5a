"""The patient overview, threshold editing and dose decisions in the web UI."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from telemon import access, clock
from telemon.alerts import queries
from telemon.anticoagulation import service as anticoagulation
from telemon.errors import Invalid, NotFound
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import Alert, AlertEvent, DoseSuggestion, Enrollment, Wound
from telemon.patients import service as patients
from telemon.web.clinic import ROLES, bp
from telemon.web.components.patient_charts import CHART_DAYS, copd_charts, inr_chart, unit_shown
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
        ak = anticoagulation.summary(g.user, patient_id)
        charts.insert(0, inr_chart(patient_id, ak["target_low"], ak["target_high"], now))
    timeline = _timeline(patient_id)
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
        chart_days=CHART_DAYS,
    )


def _timeline(patient_id: int) -> list[dict[str, Any]]:
    """Notes and decisions about the patient, newest first: acknowledgements, resolutions,
    dose decisions."""
    events = db.session.execute(
        select(AlertEvent, Alert)
        .join(Alert, AlertEvent.alert_id == Alert.id)
        .where(
            Alert.patient_id == patient_id,
            AlertEvent.kind.in_(("acknowledged", "resolved", "escalated")),
        )
        .order_by(AlertEvent.at.desc())
        .limit(50)
    ).all()
    items = [
        {"at": e.at, "what": f"{e.kind.capitalize()}: {a.reason}", "note": e.note, "by": e.by_id}
        for e, a in events
    ]
    decisions = db.session.scalars(
        select(DoseSuggestion)
        .where(DoseSuggestion.patient_id == patient_id, DoseSuggestion.decided_at.is_not(None))
        .order_by(DoseSuggestion.decided_at.desc())
        .limit(50)
    ).all()
    items += [
        {
            "at": d.decided_at,
            "what": f"Weekly dose {d.status}: {d.decided_weekly_dose_mg:g} mg (INR {d.inr:g})",
            "note": d.decision_note,
            "by": d.decided_by_id,
        }
        for d in decisions
    ]
    return sorted(items, key=lambda i: i["at"], reverse=True)


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
    errors: dict[str, Any] = {}
    values = {t.code: {f: getattr(t, f) for f in LIMIT_FIELDS} for t in enrollment.thresholds}
    if request.method == "POST":
        values, errors = _parse_limits(enrollment, request.form)
        if not errors:
            try:
                patients.update_enrollment(g.user, enrollment_id, {"thresholds": values})
            except Invalid as invalid:
                errors = dict((invalid.errors or {}).get("thresholds") or {})
            else:
                flash(_("Thresholds saved."))
                return redirect(url_for("clinic.patient", patient_id=enrollment.patient_id))
    db.session.commit()
    codes = sorted(
        set(values) | {c for c, s in CODES.items() if s.programme == enrollment.programme}
    )
    return render_template(
        "clinic/thresholds.html",
        enrollment=enrollment,
        codes=codes,
        labels={c: CODES[c].label for c in codes},
        units={c: unit_shown(CODES[c].unit) for c in codes},
        values=values,
        errors=errors,
        fields=LIMIT_FIELDS,
    ), (422 if errors else 200)


def _parse_limits(enrollment: Enrollment, form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, dict[str, float | None]] = {}
    errors: dict[str, list[str]] = {}
    for code, spec in CODES.items():
        if spec.programme != enrollment.programme:
            continue
        row: dict[str, float | None] = {}
        for field in LIMIT_FIELDS:
            raw = (form.get(f"{code}.{field}") or "").strip().replace(",", ".")
            try:
                row[field] = float(raw) if raw else None
            except ValueError:
                errors.setdefault(code, []).append(f"{field.replace('_', ' ')}: not a number")
        values[code] = row
    return values, errors


@bp.route("/dose-suggestions/<int:suggestion_id>/confirm", methods=["POST"])
@signed_in(*ROLES)
def confirm_dose(suggestion_id: int) -> Response:
    suggestion = db.session.get(DoseSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("No such dose suggestion.")
    raw = (request.form.get("weekly_dose_mg") or "").replace(",", ".")
    try:
        dose = float(raw)
    except ValueError:
        flash(_("Give the weekly dose in mg."))
    else:
        try:
            anticoagulation.decide(g.user, suggestion_id, dose, request.form.get("note") or None)
            flash(_("Weekly dose set to %(dose)s mg.", dose=f"{dose:g}"))
        except Invalid as invalid:
            db.session.rollback()
            flash(invalid.detail)
    return redirect(url_for("clinic.patient", patient_id=suggestion.patient_id))
