"""The observation endpoints."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from telemon.auth import api_user
from telemon.ingest import schemas, service

bp = Blueprint("ingest", __name__, url_prefix="/api/v1", description="Observations")


@bp.route("/observations", methods=["POST"])
@bp.arguments(schemas.ObservationBatchIn)
@bp.response(201, schemas.ObservationBatchOut)
@bp.alt_response(403, description="An item names a patient the caller may not record for")
@bp.alt_response(409, description="A client_id was used before with other content")
def post_observations(data: dict[str, Any]) -> Any:
    """Upload 1-500 observations. Idempotent per client_id; all or nothing."""
    return service.ingest_batch(api_user(*service.INGEST_ROLES), data["observations"])


@bp.route("/patients/<int:patient_id>/observations", methods=["GET"])
@bp.arguments(schemas.ObservationQuery, location="query")
@bp.response(200, schemas.ObservationList)
def list_observations(args: dict[str, Any], patient_id: int) -> Any:
    """The patient's observations, newest first."""
    items = service.list_observations(
        api_user(),
        patient_id,
        args.get("code"),
        args.get("since"),
        args.get("until"),
        args["limit"],
    )
    return {"items": items}
