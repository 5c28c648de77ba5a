"""The observation endpoints."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from telemon import clock
from telemon.http.auth import api_user
from telemon.ingest import schemas, service

bp = Blueprint("ingest", __name__, url_prefix="/api/v1", description="Observations")


@bp.route("/observations", methods=["POST"])
# An instance, made once: given the class, webargs makes a schema (and its nested item schema,
# copying their fields) for every request.
@bp.arguments(schemas.ObservationBatchIn())
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
    """The patient's observations, newest first: a page of up to `limit`; `next` is the cursor
    of the following page (send it as `after`), null on the last."""
    page = service.list_observations(
        api_user(),
        patient_id,
        args.get("code"),
        args.get("since"),
        args.get("until"),
        args["limit"],
        args.get("after"),
    )
    return {"items": page.items, "next": page.next}


@bp.route("/patients/<int:patient_id>/observations.csv", methods=["GET"])
@bp.arguments(schemas.CsvExportQuery, location="query")
@bp.response(200, content_type="text/csv", description="One row per observation, newest first")
def export_observations(args: dict[str, Any], patient_id: int) -> Response:
    """The measurement table as CSV (care staff who may see the patient); audited. The file
    is named after the patient's id and the day, never her name or CPR number. `format`:
    machine-readable (the default) or for a spreadsheet in the caller's language."""
    user = api_user("clinician", "nurse", "gp")
    text = service.export_observations(
        user,
        patient_id,
        args.get("code"),
        args.get("since"),
        args.get("until"),
        args["format"],
        user.language or "da",
    )
    day = clock.local(clock.now()).strftime("%Y%m%d")
    return csv_response(text, f"observations-patient-{patient_id}-{day}")


def csv_response(text: str, stem: str) -> Response:
    """A CSV download; `stem` must hold no patient data."""
    return Response(
        "\ufeff" + text,  # the BOM lets spreadsheet programs read UTF-8 (°C, æøå)
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
