"""Administration endpoints: public holidays and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from telemon.administration import audit_trail, holidays, schemas
from telemon.errors import NotFound
from telemon.http.auth import api_user

bp = Blueprint(
    "administration", __name__, url_prefix="/api/v1", description="Holidays and the audit trail"
)


@bp.route("/public-holidays", methods=["GET"])
@bp.arguments(schemas.HolidayQuery, location="query")
@bp.response(200, schemas.HolidayOut(many=True))
def list_holidays(args: dict[str, Any]) -> Any:
    """The public holidays working-hour due times skip (of one year, if asked)."""
    api_user("admin", "clinician", "nurse", "gp")
    return holidays.listed(args.get("year"))


@bp.route("/public-holidays/<string:day>")
class Holiday(MethodView):
    @bp.arguments(schemas.HolidayIn)
    @bp.response(200, schemas.HolidayOut)
    def put(self, data: dict[str, Any], day: str) -> Any:
        """Observe a holiday (YYYY-MM-DD; system administrator). Repeating it is harmless."""
        return holidays.add(api_user("admin"), _day(day), data["name"])

    @bp.response(204)
    def delete(self, day: str) -> None:
        """No longer a holiday (system administrator)."""
        holidays.remove(api_user("admin"), _day(day))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound("Not a date (YYYY-MM-DD).") from None


@bp.route("/audit/patient-lookup", methods=["POST"])
@bp.arguments(schemas.PatientLookupIn)
@bp.response(200, schemas.PatientLookupOut)
def patient_lookup(data: dict[str, Any]) -> Any:
    """The patient id for a CPR number (sent in the body), for reading her trail: an
    administrator of the registering organisation, or a system administrator."""
    return {"patient_id": audit_trail.find_patient(api_user("admin"), data["cpr"])}


@bp.route("/audit/patients/<int:patient_id>", methods=["GET"])
@bp.arguments(schemas.TrailQuery, location="query")
@bp.response(200, schemas.TrailOut)
def patient_trail(args: dict[str, Any], patient_id: int) -> Any:
    """Who read or changed the patient's data, when, from where, allowed or refused; newest
    first, paged (`next` → `after`). This read is recorded in the trail too."""
    page = audit_trail.patient_trail(
        api_user("admin"), patient_id, _period(args), args["limit"], args.get("after")
    )
    return {"items": page.items, "next": page.next}


@bp.route("/audit/users/<int:user_id>", methods=["GET"])
@bp.arguments(schemas.TrailQuery, location="query")
@bp.response(200, schemas.TrailOut)
def user_trail(args: dict[str, Any], user_id: int) -> Any:
    """What the user did, when; newest first, paged."""
    page = audit_trail.user_trail(
        api_user("admin"), user_id, _period(args), args["limit"], args.get("after")
    )
    return {"items": page.items, "next": page.next}


def _period(args: dict[str, Any]) -> audit_trail.Period:
    return audit_trail.Period(args.get("since"), args.get("until"), args.get("action"))
