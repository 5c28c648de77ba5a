"""The console's care teams: members (care staff of the team's organisation), the alert and
escalation addresses, the language of the team's mail."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from telemon import access
from telemon.errors import NotFound, TelemonError
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import CareTeam, Organisation, User
from telemon.web.admin import ROLES, bp
from telemon.web.components.forms import (
    already_done,
    field_errors,
    id_list,
    id_value,
    new_form_key,
    remember,
)
from telemon.web.guard import signed_in


def _administered() -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if not g.user.is_system_admin:
        query = query.where(Organisation.id == g.user.organisation_id)
    return list(db.session.scalars(query))


def _staff(organisation_id: int | None) -> list[User]:
    """Who may be a member: active care staff of the organisation."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role.in_(access.CARE_ROLES),
                User.active.is_(True),
            )
            .order_by(User.username)
        )
    )


@bp.route("/teams")
@signed_in(*ROLES)
def team_list() -> Any:
    organisations = _administered()
    teams = db.session.scalars(
        select(CareTeam)
        .where(CareTeam.organisation_id.in_([o.id for o in organisations]))
        .order_by(CareTeam.name)
    ).all()
    return render_template(
        "admin/teams.html", teams=teams, names={o.id: o.name for o in organisations}
    )


def _values_from(form: Any) -> dict[str, Any]:
    return {
        "name": form.get("name", "").strip(),
        "email": form.get("email", "").strip(),
        "escalation_email": form.get("escalation_email", "").strip(),
        "language": form.get("language", "da"),
        "member_ids": id_list(form.getlist("member_ids")),
    }


@bp.route("/teams/new", methods=["GET", "POST"])
@signed_in(*ROLES)
def team_new() -> Any:
    organisations = _administered()
    chosen = request.values.get("organisation_id", type=id_value) or (
        g.user.organisation_id or (organisations[0].id if organisations else None)
    )
    values: dict[str, Any] = {"member_ids": [], "language": "da", "form_key": new_form_key()}
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("save"):
        values = {**_values_from(request.form), "form_key": request.form.get("form_key")}
        done = already_done(values["form_key"])
        if done:
            return redirect(done)
        try:
            team = identity.create_care_team(
                g.user,
                {
                    "name": values["name"],
                    "organisation_id": chosen,
                    "email": values["email"],
                    "escalation_email": values["escalation_email"] or None,
                    "language": values["language"],
                    "member_ids": values["member_ids"],
                },
            )
        except TelemonError as error:
            db.session.rollback()
            errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
        else:
            where = url_for("admin.team_edit", team_id=team.id)
            remember(values["form_key"], where)
            flash(_("Care team created."))
            return redirect(where)
    return render_template(
        "admin/team_form.html",
        team=None,
        values=values,
        errors=errors,
        organisations=organisations,
        chosen=chosen,
        staff=_staff(chosen),
    ), (422 if errors else 200)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@signed_in(*ROLES)
def team_edit(team_id: int) -> Any:
    team = identity.get_care_team(team_id)
    if not access.may_manage_care_team(g.user, team):
        raise NotFound("No such care team, or not one you manage.")
    values: dict[str, Any] = {
        "name": team.name,
        "email": team.email,
        "escalation_email": team.escalation_email or "",
        "language": team.language,
        "member_ids": [m.id for m in team.members],
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _values_from(request.form)
        try:
            identity.update_care_team(
                g.user,
                team_id,
                {**values, "escalation_email": values["escalation_email"] or None},
            )
        except TelemonError as error:
            db.session.rollback()
            errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
        else:
            flash(_("Saved."))
            return redirect(url_for("admin.team_edit", team_id=team_id))
    return render_template(
        "admin/team_form.html",
        team=team,
        values=values,
        errors=errors,
        organisations=[],
        chosen=team.organisation_id,
        staff=_staff(team.organisation_id),
    ), (422 if errors else 200)
