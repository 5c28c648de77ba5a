"""The console's installation settings: organisations, the programmes' standard thresholds and
default schedules, nomogram versions and public holidays. A system administrator changes them;
an organisation's administrator reads the standards. Each form calls one use case (the
API's, where the API does the same)."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.administration import holidays as holiday_service
from telemon.anticoagulation import plans
from telemon.copd import schedule as schedule_rules
from telemon.errors import Conflict, Forbidden, NotFound, TelemonError
from telemon.identity import queries
from telemon.identity import service as identity
from telemon.identity.schemas import OrganisationPatch
from telemon.ingest.codes import CODES
from telemon.models import ORGANISATION_KINDS, PROGRAMMES
from telemon.patients import defaults
from telemon.patients import service as patients
from telemon.patients import standards as standard_settings
from telemon.web.admin import ROLES, bp
from telemon.web.components import limits_form
from telemon.web.components.clinical import language
from telemon.web.components.forms import (
    already_done,
    field_errors,
    kept_form,
    new_form_key,
    remember,
    send_back,
)
from telemon.web.guard import signed_in


def _system_admin() -> None:
    if not g.user.is_system_admin:
        raise Forbidden("Only a system administrator does this.")


# ---- organisations --------------------------------------------------------------------------


@bp.route("/organisations", methods=["GET", "POST"])
@signed_in(*ROLES)
def organisations() -> Any:
    _system_admin()
    errors: dict[str, str] = {}
    values = {"name": "", "kind": "hospital", "form_key": new_form_key()}
    kept = kept_form()
    if kept:
        values, errors = kept
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("name", "kind", "form_key")}
        done = already_done(values["form_key"])
        if done:
            return redirect(done)
        if not values["name"]:
            errors["name"] = _("Required.")
        elif values["kind"] not in ORGANISATION_KINDS:
            errors["kind"] = _("Choose a kind.")
        else:
            identity.create_organisation(g.user, values["name"], values["kind"])
            remember(values["form_key"], url_for("admin.organisations"))
            flash(_("Organisation created."))
            return redirect(url_for("admin.organisations"))
        return send_back(values, errors)
    return render_template(
        "admin/organisations.html",
        organisations=queries.organisations(),
        kinds=ORGANISATION_KINDS,
        values=values,
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/organisations/<int:organisation_id>", methods=["POST"])
@signed_in(*ROLES)
def organisation_rename(organisation_id: int) -> Response:
    """The name, and the SOR code and EAN (GLN) number MedCom names the organisation by."""
    name = request.form.get("name", "").strip()
    if not name:
        flash(_("A name is required."))
        return redirect(url_for("admin.organisations"))
    data: dict[str, Any] = {"name": name}
    for code in ("sor_code", "ean_code"):
        if code in request.form:
            data[code] = request.form.get(code, "").strip() or None
    invalid = OrganisationPatch().validate(data)
    if invalid:
        for messages in field_errors(invalid).values():
            flash(messages)
        return redirect(url_for("admin.organisations"))
    try:
        identity.update_organisation(g.user, organisation_id, data)
    except Conflict as refused:
        for messages in field_errors(refused.errors).values():
            flash(messages)
    else:
        flash(_("Saved."))
    return redirect(url_for("admin.organisations"))


# ---- standard thresholds and schedules ------------------------------------------------------

LIMIT_FIELDS = patients.LIMIT_FIELDS


@bp.route("/standards")
@signed_in(*ROLES)
def standards() -> Any:
    return render_template(
        "admin/standards.html",
        programmes=PROGRAMMES,
        thresholds={p: patients.default_thresholds(p) for p in PROGRAMMES},
        schedules={
            p: schedule_rules.schedule_from(defaults.default_schedule(p)) for p in PROGRAMMES
        },
        labels={c: s.label for c, s in CODES.items()},
        fields=LIMIT_FIELDS,
    )


@bp.route("/standards/<string:programme>", methods=["GET", "POST"])
@signed_in(*ROLES)
def standard_edit(programme: str) -> Any:
    _system_admin()
    if programme not in PROGRAMMES:
        raise NotFound("No such programme.")
    codes = sorted(c for c, s in CODES.items() if s.programme == programme)
    stored = patients.default_thresholds(programme)
    values = limits_form.shown_limits(stored, codes, language())
    plan = schedule_rules.schedule_from(defaults.default_schedule(programme))
    schedule_values: dict[str, Any] = {
        "interval_days": plan.interval_days,
        "grace_hours": plan.grace_hours,
    }
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, schedule_values = kept[0]["limits"], kept[0]["schedule"]
        errors = kept[1]
    if request.method == "POST":
        limits, values, limit_errors = limits_form.parse(request.form, codes, language())
        errors = limits_form.joined(limit_errors)
        schedule_values = {
            "interval_days": request.form.get("interval_days", "").strip(),
            "grace_hours": request.form.get("grace_hours", "").strip().replace(",", "."),
        }
        settings: dict[str, Any] = {}
        for key, kind in (("interval_days", int), ("grace_hours", float)):
            try:
                settings[key] = kind(schedule_values[key])
            except ValueError:
                errors[key] = _("Not a number.")
        if not errors:
            try:
                standard_settings.set_standards(g.user, programme, limits, settings)
            except TelemonError as error:
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
            else:
                flash(_("Saved. New enrolments get these; existing ones keep their own."))
                return redirect(url_for("admin.standards"))
        return send_back({"limits": values, "schedule": schedule_values}, errors)
    return render_template(
        "admin/standard_form.html",
        programme=programme,
        codes=codes,
        labels={c: CODES[c].label for c in codes},
        values=values,
        schedule=schedule_values,
        errors=errors,
        fields=LIMIT_FIELDS,
    ), (422 if errors else 200)


# ---- nomograms ------------------------------------------------------------------------------


@bp.route("/nomograms", methods=["GET", "POST"])
@signed_in(*ROLES)
def nomograms() -> Any:
    errors: dict[str, str] = {}
    current = plans.current_nomogram_version()
    draft = ""
    if request.method == "POST":
        _system_admin()
        draft = request.form.get("definition", "")
        try:
            definition = json.loads(draft)
            if not isinstance(definition, dict):
                raise ValueError
        except ValueError:
            errors["definition"] = _("Not a JSON object.")
        else:
            try:
                plans.store_nomogram(g.user, definition)
            except TelemonError as error:
                errors = field_errors(error.errors) or {"definition": _("Check this field.")}
            else:
                flash(_("Nomogram version added: new suggestions use it."))
                return redirect(url_for("admin.nomograms"))
    versions = plans.nomogram_versions()
    if not draft:
        stored = next((v for v in versions if v.version == current), None)
        draft = json.dumps(stored.definition if stored else {}, indent=2, ensure_ascii=False)
    return render_template("admin/nomograms.html", versions=versions, draft=draft, errors=errors), (
        422 if errors else 200
    )


# ---- public holidays ------------------------------------------------------------------------


@bp.route("/holidays", methods=["GET", "POST"])
@signed_in(*ROLES)
def holidays() -> Any:
    errors: dict[str, str] = {}
    values = {"day": "", "name": ""}
    kept = kept_form()
    if kept:
        values, errors = kept
    if request.method == "POST":
        _system_admin()
        values = {k: request.form.get(k, "").strip() for k in ("day", "name")}
        try:
            day = date.fromisoformat(values["day"])
        except ValueError:
            errors["day"] = _("A date, e.g. 2026-12-24.")
        else:
            try:
                holiday_service.add(g.user, day, values["name"])
            except TelemonError as error:
                errors = field_errors(error.errors)
            else:
                flash(_("Holiday added."))
                return redirect(url_for("admin.holidays"))
        return send_back(values, errors)
    return render_template(
        "admin/holidays.html", holidays=holiday_service.listed(), values=values, errors=errors
    ), (422 if errors else 200)


@bp.route("/holidays/<string:day>/remove", methods=["POST"])
@signed_in(*ROLES)
def holiday_remove(day: str) -> Response:
    with contextlib.suppress(ValueError):  # not a date: nothing to remove
        holiday_service.remove(g.user, date.fromisoformat(day))
    flash(_("Holiday removed."))
    return redirect(url_for("admin.holidays"))
