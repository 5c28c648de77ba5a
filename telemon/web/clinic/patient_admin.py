"""The clinician's patients: the overview (telemon.patients.overview), registering by CPR
number, enrolling with team, sharing and limits, editing, pausing and ending an enrolment, and
the measurement table with CSV export. Each page reads through one use case
(telemon.patients.overview, .editing, .detail) and stores through the API's
(telemon.patients.service, .lifecycle), which ask telemon.access."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import clock, monitoring
from telemon.anticoagulation import plans
from telemon.errors import Conflict, Forbidden, TelemonError
from telemon.identity.names import user_names
from telemon.ingest import service as ingest
from telemon.ingest.api import csv_response
from telemon.ingest.codes import CODES
from telemon.models import PROGRAMMES
from telemon.patients import detail, editing, lifecycle
from telemon.patients import limits as patient_limits
from telemon.patients import service as patients
from telemon.patients.cpr import normalise_cpr
from telemon.patients.schemas import PatientIn
from telemon.web.clinic import ROLES, bp
from telemon.web.clinic.patient_list import cursor
from telemon.web.components import limits_form
from telemon.web.components.clinical import language
from telemon.web.components.forms import (
    already_done,
    field_errors,
    id_list,
    id_value,
    kept_form,
    new_form_key,
    remember,
    send_back,
    typed_number,
)
from telemon.web.guard import signed_in

TABLE_SIZE = 100
SELF_MANAGEMENT_FIELDS = tuple(plans.SELF_MANAGEMENT_COLUMNS)
LIMIT_FIELDS = patients.LIMIT_FIELDS


@bp.route("/patients/new", methods=["GET", "POST"])
# "This CPR number is registered" (409) counts against the account's budget, shared with the
# API's POST /api/v1/patients (telemon.patients.limits).
@patient_limits.per_account_cpr_conflicts()
@signed_in("clinician")
def patient_new() -> Any:
    """Register a patient by CPR number; the birth date follows from it."""
    values: dict[str, Any] = {"form_key": new_form_key()}
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
    if request.method == "POST":
        values = {
            k: request.form.get(k, "").strip()
            for k in ("cpr", "name", "phone", "next_of_kin_name", "next_of_kin_phone", "form_key")
        }
        done = already_done(values["form_key"])
        if done:
            return redirect(done)
        try:
            cpr = normalise_cpr(values["cpr"])
        except ValueError as error:
            errors["cpr"] = field_errors({"cpr": [str(error)]})["cpr"]
        if not values["name"]:
            errors["name"] = _("Required.")
        if not errors:
            loaded = PatientIn().validate(
                {k: v for k, v in values.items() if v and k != "form_key"}
            )
            if loaded:
                errors = field_errors(loaded)
        if not errors:
            try:
                patient = patients.create_patient(
                    g.user,
                    {
                        "cpr": cpr,
                        "name": values["name"],
                        **{
                            k: values[k] or None
                            for k in ("phone", "next_of_kin_name", "next_of_kin_phone")
                        },
                    },
                )
            except Conflict as error:  # registered already: counted as the API's 409 is
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
                g.cpr_registered = True
            except TelemonError as error:
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
            else:
                where = url_for("clinic.enrol", patient_id=patient.id)
                remember(values["form_key"], where)
                flash(_("Patient registered. Enrol the patient in a programme."))
                return redirect(where)
        return send_back(values, errors)
    return render_template("clinic/patient_new.html", values=values, errors=errors), (
        422 if errors else 200
    )


def _number(form: Any, name: str, errors: dict[str, str]) -> float | None:
    raw = form.get(name) or ""
    if not raw.strip():
        return None
    value = typed_number(raw)
    if value is None:
        errors[name] = _("Not a number.")
    return value


@bp.route("/patients/<int:patient_id>/enrol", methods=["GET", "POST"])
@signed_in("clinician")
def enrol(patient_id: int) -> Any:
    programme = (
        request.values.get("programme") if request.values.get("programme") in PROGRAMMES else "copd"
    )
    form_data = editing.enrol_form(g.user, patient_id, programme)
    codes = sorted(c for c, s in CODES.items() if s.programme == programme)
    values: dict[str, Any] = {
        "programme": programme,
        "care_team_id": None,
        "shared_with": [],
        "limits": limits_form.shown_limits(form_data.standard, codes, language()),
        "form_key": new_form_key(),
        "tablet_strength_mg": 2.5,
        "inr_target_low": 2.0,
        "inr_target_high": 3.0,
    }
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values.update(kept[0])
        errors = kept[1]
    here = url_for("clinic.enrol", patient_id=patient_id, programme=programme)
    if request.method == "POST" and not request.form.get("save"):
        return redirect(here, 303)  # another programme chosen: its form
    if request.method == "POST":
        form = request.form
        limits, shown, limit_errors = limits_form.parse(form, codes, language())
        errors = limits_form.joined(limit_errors)
        values.update(
            care_team_id=form.get("care_team_id", type=id_value),
            shared_with=id_list(form.getlist("shared_with")),
            limits=shown,
            form_key=form.get("form_key"),
            weekly_dose_mg=form.get("weekly_dose_mg", ""),
            tablet_strength_mg=form.get("tablet_strength_mg", ""),
            inr_target_low=form.get("inr_target_low", ""),
            inr_target_high=form.get("inr_target_high", ""),
        )
        done = already_done(values["form_key"])
        if done:
            return redirect(done)
        data: dict[str, Any] = {
            "programme": programme,
            "care_team_id": values["care_team_id"],
            "shared_with": values["shared_with"],
            "thresholds": limits,
        }
        if programme == "anticoagulation":
            for name in (
                "weekly_dose_mg",
                "tablet_strength_mg",
                "inr_target_low",
                "inr_target_high",
            ):
                data[name] = _number(form, name, errors)
        if values["care_team_id"] is None:
            errors["care_team_id"] = _("Choose the responsible care team.")
        if not errors:
            try:
                patients.enroll(g.user, patient_id, data)
            except TelemonError as error:
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
                for code, message in (error.errors or {}).get("thresholds", {}).items():
                    errors[code] = field_errors({code: message})[code]
            else:
                where = url_for("clinic.patient", patient_id=patient_id)
                remember(values["form_key"], where)
                flash(_("Enrolled."))
                return redirect(where)
        return send_back(values, errors, to=here)
    return render_template(
        "clinic/enrol.html",
        patient=form_data.patient,
        values=values,
        errors=errors,
        programmes=PROGRAMMES,
        codes=codes,
        labels={c: CODES[c].label for c in codes},
        fields=LIMIT_FIELDS,
        teams=form_data.teams,
        organisations=form_data.organisations,
    ), (422 if errors else 200)


@bp.route("/enrollments/<int:enrollment_id>/edit", methods=["GET", "POST"])
@signed_in(*ROLES)
def enrolment_edit(enrollment_id: int) -> Any:
    form_data = editing.enrolment_form(g.user, enrollment_id)
    enrollment = form_data.enrollment
    plan = enrollment.anticoagulation
    schedule = enrollment.schedule or {}
    values: dict[str, Any] = {
        "care_team_id": enrollment.care_team_id,
        "shared_with": [o.id for o in enrollment.shared_with],
        "interval_days": schedule.get("interval_days", ""),
        "grace_hours": schedule.get("grace_hours", ""),
        "tablet_strength_mg": plan.tablet_strength_mg if plan else "",
        "inr_target_low": plan.target_low if plan else "",
        "inr_target_high": plan.target_high if plan else "",
        "self_managing": plan.self_managing if plan else False,
        **({f"self_{k}": v for k, v in plans.self_management_of(plan).items()} if plan else {}),
    }
    may_settings, may_manage = form_data.may_settings, form_data.may_manage
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values.update(kept[0])
        errors = kept[1]
    if request.method == "POST":
        form = request.form
        data: dict[str, Any] = {}
        if may_manage:
            data["care_team_id"] = (
                form.get("care_team_id", type=id_value) or enrollment.care_team_id
            )
            data["shared_with"] = id_list(form.getlist("shared_with"))
        if may_settings:
            new_schedule = dict(schedule)
            interval = _number(form, "interval_days", errors)
            grace = _number(form, "grace_hours", errors)
            if interval is not None:
                new_schedule["interval_days"] = (
                    int(interval) if interval == int(interval) else interval
                )
            if grace is not None:
                new_schedule["grace_hours"] = grace
            if new_schedule != schedule:
                data["schedule"] = new_schedule
            if plan is not None:
                for name in ("tablet_strength_mg", "inr_target_low", "inr_target_high"):
                    number = _number(form, name, errors)
                    if number is not None:
                        data[name] = number
                data["self_managing"] = form.get("self_managing") == "on"
                limits = {}
                for name in SELF_MANAGEMENT_FIELDS:
                    number = _number(form, f"self_{name}", errors)
                    if number is not None:
                        limits[name] = int(number) if name == "max_hold_doses" else number
                if limits:
                    data["self_management"] = limits
        values.update(
            {
                k: form.get(k, "")
                for k in (
                    "interval_days",
                    "grace_hours",
                    "tablet_strength_mg",
                    "inr_target_low",
                    "inr_target_high",
                    *(f"self_{name}" for name in SELF_MANAGEMENT_FIELDS),
                )
            },
            self_managing=form.get("self_managing") == "on",
        )
        values.update(
            care_team_id=data.get("care_team_id", values["care_team_id"]),
            shared_with=data.get("shared_with", values["shared_with"]),
        )
        if not errors:
            try:
                patients.update_enrollment(g.user, enrollment_id, data)
            except TelemonError as error:
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
            else:
                flash(_("Saved."))
                return redirect(url_for("clinic.patient", patient_id=enrollment.patient_id))
        return send_back(values, errors)
    today = monitoring_today()
    return render_template(
        "clinic/enrolment_edit.html",
        enrollment=enrollment,
        values=values,
        errors=errors,
        may_settings=may_settings,
        may_manage=may_manage,
        teams=form_data.teams,
        organisations=form_data.organisations,
        paused=monitoring.is_paused(enrollment.paused_from, enrollment.paused_until, today),
        # Who paused or resumed by hand (a pause by a hospital notification says so itself).
        pause_names=user_names([enrollment.paused_by_id, enrollment.resumed_by_id]),
        today=today,
        pause_reasons=monitoring.PAUSE_REASONS,
        end_reasons=monitoring.END_REASONS,
    ), (422 if errors else 200)


def monitoring_today() -> date:
    return clock.local(clock.now()).date()


@bp.route("/enrollments/<int:enrollment_id>/pause", methods=["POST"])
@signed_in("clinician")
def enrolment_pause(enrollment_id: int) -> Response:
    try:
        start = date.fromisoformat(request.form.get("paused_from", ""))
        raw_end = request.form.get("paused_until", "")
        end = date.fromisoformat(raw_end) if raw_end else None
        lifecycle.pause(g.user, enrollment_id, start, end, request.form.get("reason", ""))
    except ValueError:
        flash(_("Give the first paused day as a date."))
    except Forbidden:
        raise  # refused (and audited): the 403 page, not a message beside the form
    except TelemonError as error:
        flash(" ".join(field_errors(error.errors).values()) or _("This could not be saved."))
    else:
        flash(_("Monitoring paused."))
    # The edit page reads the enrolment as the user may (404 for one she may not see).
    return redirect(url_for("clinic.enrolment_edit", enrollment_id=enrollment_id))


@bp.route("/enrollments/<int:enrollment_id>/resume", methods=["POST"])
@signed_in("clinician")
def enrolment_resume(enrollment_id: int) -> Response:
    lifecycle.resume(g.user, enrollment_id)
    flash(_("Monitoring resumed."))
    return redirect(url_for("clinic.enrolment_edit", enrollment_id=enrollment_id))


@bp.route("/enrollments/<int:enrollment_id>/end", methods=["POST"])
@signed_in("clinician")
def enrolment_end(enrollment_id: int) -> Response:
    enrollment = lifecycle.end_enrolment(
        g.user,
        enrollment_id,
        request.form.get("reason", "other")
        if request.form.get("reason") in monitoring.END_REASONS
        else "other",
    )
    flash(_("The enrolment has ended; its open alerts are closed."))
    return redirect(url_for("clinic.patient", patient_id=enrollment.patient_id))


@bp.route("/patients/<int:patient_id>/measurements")
@signed_in(*ROLES)
def measurements(patient_id: int) -> Any:
    code = request.args.get("code") if request.args.get("code") in CODES else None
    after = cursor(request.args.get("after"), ingest.OBSERVATION_CURSOR)
    table = detail.measurement_table(g.user, patient_id, code, TABLE_SIZE, after)
    page = table.page
    shown = {"code": code} if code else {}
    return render_template(
        "clinic/measurements.html",
        patient=table.patient,
        rows=page.items,
        code=code,
        codes=sorted(CODES),
        labels={c: s.label for c, s in CODES.items()},
        next_page=url_for("clinic.measurements", patient_id=patient_id, **shown, after=page.next)
        if page.next
        else None,
        first_page=url_for("clinic.measurements", patient_id=patient_id, **shown)
        if after is not None
        else None,
    )


@bp.route("/patients/<int:patient_id>/measurements.csv")
@signed_in(*ROLES)
def measurements_csv(patient_id: int) -> Response:
    """For Excel in the page's language by default; `?format=machine` for programs."""
    code = request.args.get("code") if request.args.get("code") in CODES else None
    form = "machine" if request.args.get("format") == "machine" else "spreadsheet"
    text = ingest.export_observations(g.user, patient_id, code, None, None, form, language())
    return csv_response(
        text, f"observations-patient-{patient_id}-{clock.local(clock.now()):%Y%m%d}"
    )
