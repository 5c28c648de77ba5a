"""The console's care teams: members (care staff of the team's organisation), the alert and
escalation addresses, the language of the team's mail, the opening hours and the text its
patients read out of hours; and handing a team's patients to another team (a team that no
longer works: telemon.access.may_hand_over). The console shows how many enrolments a team
holds, never who."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from telemon import access
from telemon.errors import NotFound, TelemonError
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import CareTeam, Enrollment, Organisation, User
from telemon.patients import responsibility
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
        "opening_hours": form.get("opening_hours", "").strip(),
        "out_of_hours_text": form.get("out_of_hours_text", "").strip(),
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
                    "opening_hours": values["opening_hours"] or None,
                    "out_of_hours_text": values["out_of_hours_text"] or None,
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
        "opening_hours": team.opening_hours or "",
        "out_of_hours_text": team.out_of_hours_text or "",
        "member_ids": [m.id for m in team.members],
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _values_from(request.form)
        try:
            identity.update_care_team(
                g.user,
                team_id,
                {
                    **values,
                    "escalation_email": values["escalation_email"] or None,
                    "opening_hours": values["opening_hours"] or None,
                    "out_of_hours_text": values["out_of_hours_text"] or None,
                },
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
        held=_enrolments_held(team.id),
        receivers=_receivers(team),
        default_hours=current_app.config["TELEMON_WORKING_HOURS"],
    ), (422 if errors else 200)


def _enrolments_held(team_id: int) -> int:
    """How many active enrolments the team is responsible for (a count: no patient)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.care_team_id == team_id, Enrollment.status == "active")
        )
        or 0
    )


def _receivers(team: CareTeam) -> list[CareTeam]:
    """The teams this administrator may hand the team's patients to: her organisation's."""
    return [
        t
        for t in db.session.scalars(
            select(CareTeam)
            .where(CareTeam.organisation_id == team.organisation_id, CareTeam.id != team.id)
            .order_by(CareTeam.name)
        )
    ]


@bp.route("/teams/<int:team_id>/hand-over", methods=["POST"])
@signed_in(*ROLES)
def team_hand_over(team_id: int) -> Any:
    """Hand every active enrolment of the team to another team of the organisation."""
    team = identity.get_care_team(team_id)
    if not access.may_manage_care_team(g.user, team):
        from telemon.errors import NotFound

        raise NotFound("No such care team, or not one you manage.")
    to_team = request.form.get("to_team_id", type=id_value)
    if to_team is None:
        flash(_("Choose the team that takes over."))
        return redirect(url_for("admin.team_edit", team_id=team_id))
    try:
        moved = responsibility.hand_over_team(g.user, team_id, to_team)
    except TelemonError as error:
        db.session.rollback()
        flash(" ".join(field_errors(error.errors).values()) or _("This could not be saved."))
    else:
        flash(ngettext("%(num)s enrolment handed over.", "%(num)s enrolments handed over.", moved))
    return redirect(url_for("admin.team_edit", team_id=team_id))
