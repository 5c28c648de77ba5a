"""The console's care teams: members (care staff of the team's organisation), the alert and
escalation addresses, the language of the team's mail, the opening hours and the text its
patients read out of hours; and handing a team's patients to another team (a team that no
longer works: telemon.access.may_hand_over). The console shows how many enrolments a team
holds, never who. Each form calls one use case of telemon.identity.service (the API's) or
telemon.patients.responsibility; the lists come from telemon.identity.queries."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from telemon.errors import TelemonError
from telemon.identity import queries
from telemon.identity import service as identity
from telemon.patients import responsibility
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


@bp.route("/teams")
@signed_in(*ROLES)
def team_list() -> Any:
    organisations = queries.administered_organisations(g.user)
    teams = queries.care_teams([o.id for o in organisations])
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
    organisations = queries.administered_organisations(g.user)
    chosen = request.values.get("organisation_id", type=id_value) or (
        g.user.organisation_id or (organisations[0].id if organisations else None)
    )
    values: dict[str, Any] = {"member_ids": [], "language": "da", "form_key": new_form_key()}
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
    here = url_for("admin.team_new", **({"organisation_id": chosen} if chosen else {}))
    if request.method == "POST" and not request.form.get("save"):
        return redirect(here, 303)  # another organisation chosen: its staff to choose from
    if request.method == "POST":
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
            errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
        else:
            where = url_for("admin.team_edit", team_id=team.id)
            remember(values["form_key"], where)
            flash(_("Care team created."))
            return redirect(where)
        return send_back(values, errors, to=here)
    return render_template(
        "admin/team_form.html",
        team=None,
        values=values,
        errors=errors,
        organisations=organisations,
        chosen=chosen,
        staff=queries.care_staff(chosen),
    ), (422 if errors else 200)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@signed_in(*ROLES)
def team_edit(team_id: int) -> Any:
    team = queries.managed_care_team(g.user, team_id)
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
    kept = kept_form()
    if kept:
        values, errors = kept
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
            errors = field_errors(error.errors) or {"form": _("This could not be saved.")}
        else:
            flash(_("Saved."))
            return redirect(url_for("admin.team_edit", team_id=team_id))
        return send_back(values, errors)
    return render_template(
        "admin/team_form.html",
        team=team,
        values=values,
        errors=errors,
        organisations=[],
        chosen=team.organisation_id,
        staff=queries.care_staff(team.organisation_id),
        held=queries.enrolments_held(team.id),
        receivers=queries.receiving_teams(team),
        default_hours=current_app.config["TELEMON_WORKING_HOURS"],
    ), (422 if errors else 200)


@bp.route("/teams/<int:team_id>/hand-over", methods=["POST"])
@signed_in(*ROLES)
def team_hand_over(team_id: int) -> Any:
    """Hand every active enrolment of the team to another team of the organisation."""
    queries.managed_care_team(g.user, team_id)
    to_team = request.form.get("to_team_id", type=id_value)
    if to_team is None:
        flash(_("Choose the team that takes over."))
        return redirect(url_for("admin.team_edit", team_id=team_id))
    try:
        moved = responsibility.hand_over_team(g.user, team_id, to_team)
    except TelemonError as error:
        flash(" ".join(field_errors(error.errors).values()) or _("This could not be saved."))
    else:
        flash(ngettext("%(num)s enrolment handed over.", "%(num)s enrolments handed over.", moved))
    return redirect(url_for("admin.team_edit", team_id=team_id))
