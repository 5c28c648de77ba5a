"""Anticoagulation endpoints: the patient's overview, dose decisions, nomogram versions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from telemon.anticoagulation import schemas, service
from telemon.extensions import db
from telemon.http.auth import api_user
from telemon.models import StoredNomogram

bp = Blueprint(
    "anticoagulation", __name__, url_prefix="/api/v1", description="Anticoagulation (INR)"
)


@bp.route("/patients/<int:patient_id>/anticoagulation", methods=["GET"])
@bp.response(200, schemas.AnticoagulationOut)
def overview(patient_id: int) -> Any:
    """Target range, dose in force, latest INR, TTR, next test and the newest suggestion.

    Readable by the patient too."""
    return service.summary(api_user(), patient_id)


@bp.route("/dose-suggestions/<int:suggestion_id>/confirm", methods=["POST"])
@bp.arguments(schemas.DecisionIn)
@bp.response(200, schemas.DoseSuggestionOut)
def confirm(data: dict[str, Any], suggestion_id: int) -> Any:
    """Confirm (the suggested dose) or override (another dose); the dose in force changes now.

    Members of the patient's responsible care team decide, whatever their role (the
    anticoagulation clinic's nurses too); a trained self-managing patient may accept the
    suggested dose for themselves. Others who see the patient get 403."""
    user = api_user()
    return service.decide(user, suggestion_id, data["weekly_dose_mg"], data.get("note"))


@bp.route("/nomograms")
class Nomograms(MethodView):
    @bp.response(200, schemas.NomogramOut(many=True))
    def get(self) -> Any:
        """The stored nomogram versions."""
        api_user("admin", "clinician")
        return db.session.scalars(select(StoredNomogram).order_by(StoredNomogram.created_at)).all()

    @bp.arguments(schemas.NomogramIn)
    @bp.response(201, schemas.NomogramOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a nomogram version (system administrator). Versions are never changed."""
        return service.store_nomogram(api_user("admin"), data["definition"])
