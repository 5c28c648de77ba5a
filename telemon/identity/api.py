"""Sign-in tokens and administration endpoints: each parses, calls one function of
telemon.identity (a use case, or a query of telemon.identity.queries) and answers."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from telemon.http import sessions
from telemon.http.auth import api_user
from telemon.identity import limits, queries, schemas, service, tokens, users

bp = Blueprint("identity", __name__, url_prefix="/api/v1", description="Sign-in and administration")


@bp.route("/auth/token", methods=["POST"])
@limits.per_address()
@limits.per_user_name()
@bp.arguments(schemas.TokenRequest)
@bp.response(200, schemas.TokenResponse)
@bp.alt_response(401, description="Wrong username or password")
@bp.alt_response(403, description="The password is temporary: change it first")
@bp.alt_response(429, description="Too many failed attempts; wait and try again")
def token(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token.

    Failed attempts are limited per address and per username. A user whose password is
    temporary (new, or reset by an administrator) gets 403 until she has changed it with
    POST /api/v1/auth/password."""
    access_token, ttl = tokens.sign_in_for_token(data["username"], data["password"])
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl}


@bp.route("/auth/token", methods=["DELETE"])
@bp.response(204)
def revoke_token() -> None:
    """Sign out of the API: the bearer token sent stops working at once."""
    api_user()
    _, _, presented = request.headers.get("Authorization", "").partition(" ")
    sessions.revoke_token(presented.strip())


@bp.route("/auth/password", methods=["POST"])
@limits.per_address()
@limits.per_user_name()
@bp.arguments(schemas.PasswordChangeIn)
@bp.response(204)
@bp.alt_response(401, description="Wrong username or password")
@bp.alt_response(422, description="The new password does not meet the rule")
def change_password(data: dict[str, Any]) -> None:
    """Change one's own password (also a temporary one). Needs the current password, not a
    token. Every session and token of the user ends: sign in again with the new one."""
    users.change_own_password(
        users.user_by_name(data["username"]), data["current_password"], data["new_password"]
    )


@bp.route("/organisations")
class Organisations(MethodView):
    @bp.response(200, schemas.OrganisationOut(many=True))
    def get(self) -> Any:
        """List organisations (any signed-in staff member)."""
        api_user("admin", "clinician", "nurse", "gp")
        return queries.organisations()

    @bp.arguments(schemas.OrganisationIn)
    @bp.response(201, schemas.OrganisationOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an organisation (system administrator)."""
        return service.create_organisation(
            api_user("admin"),
            data["name"],
            data["kind"],
            data.get("sor_code"),
            data.get("ean_code"),
        )


@bp.route("/organisations/<int:organisation_id>", methods=["PATCH"])
@bp.arguments(schemas.OrganisationPatch)
@bp.response(200, schemas.OrganisationOut)
def update_organisation(data: dict[str, Any], organisation_id: int) -> Any:
    """Rename an organisation, change its kind, or set the SOR code and EAN (GLN) number MedCom
    names it by (system administrator)."""
    return service.update_organisation(api_user("admin"), organisation_id, data)


@bp.route("/users")
class Users(MethodView):
    @bp.arguments(schemas.UserQuery, location="query")
    @bp.response(200, schemas.UserList)
    def get(self, args: dict[str, Any]) -> Any:
        """The users an administrator manages (her organisation's; a system administrator's:
        everyone's, or one organisation's), active first. Paged: `next` → `after`."""
        f = users.UserFilter(
            search=args.get("q"),
            role=args.get("role"),
            organisation_id=args.get("organisation_id"),
            active=args.get("active"),
            care_team_id=args.get("care_team_id"),
        )
        page = users.user_page(api_user("admin"), f, args["limit"], args.get("after"))
        return {"items": page.items, "next": page.next}

    @bp.arguments(schemas.UserIn)
    @bp.response(201, schemas.NewUserOut)
    @bp.alt_response(409, description="The username is taken")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user: staff by an administrator of their organisation; a patient's login
        (role patient, patient_id) by the patient's registering organisation, its
        administrators or clinicians. Without a password a temporary one is returned once."""
        user, temporary = service.create_user_with_password(api_user("admin", "clinician"), data)
        return schemas.NewUser(user, temporary)


@bp.route("/users/<int:user_id>")
class UserResource(MethodView):
    @bp.response(200, schemas.UserOut)
    def get(self, user_id: int) -> Any:
        """A user the administrator manages."""
        return users.managed_user(api_user("admin"), user_id)

    @bp.arguments(schemas.UserPatch)
    @bp.response(200, schemas.UserOut)
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Change role, care teams, e-mail or language; `active: false` deactivates the user
        (her sessions and tokens stop working at once). Audited with before and after."""
        return users.update_user(api_user("admin"), user_id, data)


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@bp.response(200, schemas.PasswordResetOut)
def reset_password(user_id: int) -> Any:
    """A temporary password, returned once, to be changed at the next sign-in; the user's
    sessions and tokens end."""
    user, password = users.reset_password(api_user("admin"), user_id)
    return {"user_id": user.id, "temporary_password": password}


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@bp.response(200, schemas.SignOutOut)
def sign_out_user(user_id: int) -> Any:
    """End every web session and revoke every API token of the user."""
    return {"ended": users.sign_out_everywhere(api_user("admin"), user_id)}


@bp.route("/care-teams")
class CareTeams(MethodView):
    @bp.response(200, schemas.CareTeamOut(many=True))
    def get(self) -> Any:
        """List the care teams the caller needs, e.g. to choose one at enrolment: her own
        organisation's (a system administrator: every one), and the responsible teams of the
        patients she may see, of other organisations by id, name and organisation only."""
        user = api_user("admin", "clinician", "nurse", "gp")
        organisation_id = request.args.get("organisation_id", type=int)
        return queries.visible_care_teams(
            user, None if organisation_id is None else [organisation_id]
        )

    @bp.arguments(schemas.CareTeamIn)
    @bp.response(201, schemas.CareTeamOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a care team with its alert e-mail address and members (staff of the team's
        organisation), by an administrator of that organisation."""
        return service.create_care_team(api_user("admin"), data)


@bp.route("/care-teams/<int:team_id>")
class CareTeamResource(MethodView):
    @bp.response(200, schemas.CareTeamOut)
    def get(self, team_id: int) -> Any:
        """A care team the caller may see, as GET /care-teams shows it."""
        return queries.visible_care_team(api_user("admin", "clinician", "nurse", "gp"), team_id)

    @bp.arguments(schemas.CareTeamPatch)
    @bp.response(200, schemas.CareTeamOut)
    def patch(self, data: dict[str, Any], team_id: int) -> Any:
        """Change name, alert address, escalation address or members (an administrator of the
        team's organisation). Audited with before and after."""
        return service.update_care_team(api_user("admin"), team_id, data)
