"""The console's users: list and search, create, change role and teams, deactivate, reset the
password, sign out everywhere. Each form calls the use case the API calls (telemon.identity);
the lists come from telemon.identity.queries."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon import access
from telemon.errors import TelemonError
from telemon.http import paging
from telemon.identity import queries, users
from telemon.identity import service as identity
from telemon.web.admin import ROLES, bp
from telemon.web.components.forms import (
    already_done,
    field_errors,
    id_list,
    id_value,
    kept_form,
    new_form_key,
    remember,
    send_back,
)
from telemon.web.guard import signed_in

STAFF_ROLES = ("admin", "clinician", "nurse", "gp")
PAGE_SIZE = 50


@bp.route("/")
@signed_in(*ROLES)
def home() -> Any:
    """The console's start page: what this administrator manages."""
    return render_template("admin/home.html")


@bp.route("/users")
@signed_in(*ROLES)
def user_list() -> Any:
    f = users.UserFilter(
        search=request.args.get("q") or None,
        role=request.args.get("role")
        if request.args.get("role") in STAFF_ROLES + ("patient",)
        else None,
        active={"yes": True, "no": False}.get(request.args.get("active", "")),
        organisation_id=request.args.get("organisation", type=id_value),
    )
    after = _cursor(request.args.get("after"), users.CURSOR_SHAPE)
    page = users.user_page(g.user, f, PAGE_SIZE, after)
    shown = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "admin/users.html",
        items=page.items,
        organisations=queries.organisation_names(),
        roles=STAFF_ROLES + ("patient",),
        args=request.args,
        next_page=url_for("admin.user_list", **shown, after=page.next) if page.next else None,
    )


def _cursor(raw: str | None, shape: tuple[type, ...]) -> paging.Key | None:
    if not raw:
        return None
    try:
        return paging.decode(raw, shape)
    except ValueError:
        return None  # a stale link shows the first page


@bp.route("/users/new", methods=["GET", "POST"])
@signed_in(*ROLES)
def user_new() -> Any:
    organisations = queries.administered_organisations(g.user)
    values: dict[str, Any] = {
        "role": "clinician",
        "language": "da",
        "organisation_id": g.user.organisation_id
        or (organisations[0].id if organisations else None),
        "care_team_ids": [],
        "form_key": new_form_key(),
    }
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values.update(kept[0])
        errors = kept[1]
    if request.method == "POST":
        form = request.form
        values.update(
            username=form.get("username", "").strip(),
            email=form.get("email", "").strip(),
            full_name=form.get("full_name", "").strip()[:120],
            title=form.get("title", "").strip()[:80],
            role=form.get("role", ""),
            language=form.get("language", "da"),
            organisation_id=form.get("organisation_id", type=id_value) or g.user.organisation_id,
            care_team_ids=id_list(form.getlist("care_team_ids")),
            form_key=form.get("form_key"),
        )
        done = already_done(values["form_key"])
        if done:
            return redirect(done)
        values["patient_id"] = form.get("patient_id", "").strip()
        if values["role"] not in STAFF_ROLES + ("patient",):
            errors["role"] = _("Choose a role.")
        elif values["role"] == "patient" and id_value(values["patient_id"]) is None:
            errors["patient_id"] = _("The patient's number, from the patient's record.")
        if not values["username"]:
            errors["username"] = _("Required.")
        if not errors:
            try:
                user, temporary = identity.create_user_with_password(
                    g.user,
                    {
                        "username": values["username"],
                        "role": values["role"],
                        "email": values["email"] or None,
                        "full_name": values["full_name"] or None,
                        "title": values["title"] or None,
                        "language": values["language"]
                        if values["language"] in ("da", "en")
                        else "da",
                        "organisation_id": values["organisation_id"],
                        "care_team_ids": values["care_team_ids"]
                        if values["role"] in ("clinician", "nurse", "gp")
                        else [],
                        "patient_id": int(values["patient_id"])
                        if values["role"] == "patient"
                        else None,
                    },
                )
            except TelemonError as error:
                errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
            else:
                remember(values["form_key"], url_for("admin.user_edit", user_id=user.id))
                return render_template("admin/password_shown.html", user=user, password=temporary)
        return send_back(values, errors)
    return render_template(
        "admin/user_form.html",
        user=None,
        values=values,
        errors=errors,
        roles=STAFF_ROLES + ("patient",),
        organisations=organisations,
        teams=queries.care_teams_of(values["organisation_id"]),
    ), (422 if errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@signed_in(*ROLES)
def user_edit(user_id: int) -> Any:
    user = users.managed_user(g.user, user_id)
    current = [t.id for t in identity.teams_of(user)]
    values: dict[str, Any] = {
        "role": user.role,
        "email": user.email or "",
        "full_name": user.full_name or "",
        "title": user.title or "",
        "language": user.language,
        "care_team_ids": current,
        "active": user.active,
    }
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values.update(kept[0])
        errors = kept[1]
    if request.method == "POST":
        form = request.form
        values.update(
            email=form.get("email", "").strip(),
            full_name=form.get("full_name", "").strip()[:120],
            title=form.get("title", "").strip()[:80],
            language=form.get("language", user.language),
            care_team_ids=id_list(form.getlist("care_team_ids")),
            active=form.get("active") == "on",
        )
        data: dict[str, Any] = {
            "email": values["email"] or None,
            "language": values["language"] if values["language"] in ("da", "en") else user.language,
            "active": values["active"],
        }
        if user.role != "patient":
            data["full_name"] = values["full_name"] or None
            data["title"] = values["title"] or None
            values["role"] = form.get("role", user.role)
            data["role"] = values["role"]
            data["care_team_ids"] = values["care_team_ids"] if values["role"] != "admin" else []
        try:
            users.update_user(g.user, user_id, data)
        except TelemonError as error:
            errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
        else:
            flash(_("Saved."))
            return redirect(url_for("admin.user_edit", user_id=user_id))
        return send_back(values, errors)
    return render_template(
        "admin/user_form.html",
        user=user,
        values=values,
        errors=errors,
        roles=STAFF_ROLES,
        organisations=[],
        teams=queries.care_teams_of(user.organisation_id),
        organisation_name=queries.organisation_names().get(user.organisation_id or -1),
        may_audit=access.may_read_user_audit(g.user, user),
    ), (422 if errors else 200)


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@signed_in(*ROLES)
def user_reset(user_id: int) -> Any:
    user, password = users.reset_password(g.user, user_id)
    return render_template("admin/password_shown.html", user=user, password=password, reset=True)


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@signed_in(*ROLES)
def user_sign_out(user_id: int) -> Response:
    users.sign_out_everywhere(g.user, user_id)
    flash(_("Signed out everywhere: the user's sessions and API tokens have ended."))
    return redirect(url_for("admin.user_edit", user_id=user_id))
