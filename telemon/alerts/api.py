"""The alert endpoints: list, read, acknowledge, resolve. Each is one use case
(telemon.alerts.queries for the list, telemon.alerts.handling for the rest)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from telemon.alerts import handling, queries, schemas
from telemon.http.auth import api_user
from telemon.vocabulary import Role

bp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts")

READ_ROLES = (Role.CLINICIAN, Role.NURSE, Role.GP, Role.PATIENT)


@bp.route("/alerts", methods=["GET"])
@bp.arguments(schemas.AlertQuery(), location="query")  # made once (telemon.ingest.api)
@bp.response(200, schemas.AlertList)
def list_alerts(args: dict[str, Any]) -> Any:
    """Alerts for the caller's patients: most severe first, then oldest.

    Without `status`, every alert not yet resolved (open and acknowledged). A page holds up to
    `limit` alerts (200 unless asked); `next` is the cursor of the following page, null on the
    last. To read on, send the same query with `after` set to that `next`. A cursor that is not
    one of this list's is a 422."""
    user = api_user(*READ_ROLES)
    limit = args.pop("limit")
    after = args.pop("after", None)
    f = queries.AlertFilter(**args, shown_to_patient=user.role == Role.PATIENT)
    page = queries.alert_rows(user, f, limit, after)
    # Written from the rows directly (the AlertList shape, which documents it): flask-smorest
    # passes a Response through without dumping it again.
    body = schemas.alert_list_body(page, schemas.caller_language())
    return current_app.json.response(body)


@bp.route("/alerts/<int:alert_id>", methods=["GET"])
@bp.response(200, schemas.AlertDetailOut)
def get_alert(alert_id: int) -> Any:
    """One alert with the readings behind it and its timeline."""
    return handling.open_alert(api_user(*READ_ROLES), alert_id)


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@bp.arguments(schemas.AcknowledgeIn)
@bp.response(200, schemas.AlertDetailOut)
def acknowledge(data: dict[str, Any], alert_id: int) -> Any:
    """Take the alert: who and when are recorded. Repeating it changes nothing.

    Only members of the patient's responsible care team act on its alerts (403 for the others
    who see the patient, such as the organisations the enrolment is shared with)."""
    return handling.acknowledge_alert(
        api_user(), alert_id, data.get("note"), visible_to_patient=data["visible_to_patient"]
    )


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@bp.arguments(schemas.ResolveIn)
@bp.response(200, schemas.AlertDetailOut)
def resolve(data: dict[str, Any], alert_id: int) -> Any:
    """Close the alert with a note, optionally shown to the patient.

    Only members of the patient's responsible care team act on its alerts (403 else)."""
    return handling.resolve_alert(api_user(), alert_id, data["note"], data["visible_to_patient"])
