"""Sign-in tokens and administration endpoints."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from telemon.auth import api_user, authenticate, issue_token
from telemon.errors import Unauthorized
from telemon.extensions import db, limiter
from telemon.identity import schemas, service
from telemon.models import CareTeam, Organisation

bp = Blueprint("identity", __name__, url_prefix="/api/v1", description="Sign-in and administration")


def _login_limit() -> str:
    return str(current_app.config["TELEMON_LOGIN_LIMIT"])


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(_login_limit, deduct_when=lambda response: response.status_code == 401)
@bp.arguments(schemas.TokenRequest)
@bp.response(200, schemas.TokenResponse)
@bp.alt_response(401, description="Wrong username or password")
@bp.alt_response(429, description="Too many failed attempts; wait and try again")
def token(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    user = authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized("Wrong username or password.")
    access_token, ttl = issue_token(user)
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl}


@bp.route("/organisations")
class Organisations(MethodView):
    @bp.response(200, schemas.OrganisationOut(many=True))
    def get(self) -> Any:
        """List organisations (any signed-in staff member)."""
        api_user("admin", "clinician", "nurse", "gp")
        return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()

    @bp.arguments(schemas.OrganisationIn)
    @bp.response(201, schemas.OrganisationOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an organisation (system administrator)."""
        return service.create_organisation(api_user("admin"), data["name"], data["kind"])


@bp.route("/users", methods=["POST"])
@bp.arguments(schemas.UserIn)
@bp.response(201, schemas.UserOut)
def create_user(data: dict[str, Any]) -> Any:
    """Create a user (admin of the organisation, or system administrator)."""
    return service.create_user(api_user("admin"), data)


@bp.route("/care-teams")
class CareTeams(MethodView):
    @bp.response(200, schemas.CareTeamOut(many=True))
    def get(self) -> Any:
        """List care teams (staff), e.g. to choose one at enrolment."""
        api_user("admin", "clinician", "nurse", "gp")
        return db.session.scalars(select(CareTeam).order_by(CareTeam.name)).all()

    @bp.arguments(schemas.CareTeamIn)
    @bp.response(201, schemas.CareTeamOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a care team with its alert e-mail address and members."""
        return service.create_care_team(api_user("admin"), data)
