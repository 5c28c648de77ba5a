"""Patients, enrolments and the standard threshold sets."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from telemon import access
from telemon.auth import api_user
from telemon.errors import TelemonError
from telemon.extensions import db, limiter
from telemon.models import PROGRAMMES
from telemon.patients import schemas, service

bp = Blueprint("patients", __name__, url_prefix="/api/v1", description="Patients and programmes")


def _cpr_conflict_limit() -> str:
    return str(current_app.config["TELEMON_CPR_CONFLICT_LIMIT"])


def _caller_key() -> str:
    # Per user, not per address: a CPR probe is limited for the account that makes it.
    try:
        return f"user:{api_user().id}"
    except TelemonError:
        return f"address:{request.remote_addr}"  # refused with 401 anyway


@bp.route("/patients", methods=["POST"])
# Whether a CPR number is registered is itself health data: each "exists" answer is audited
# (service.create_patient) and an account gets only a few of them an hour.
@limiter.limit(
    _cpr_conflict_limit,
    key_func=_caller_key,
    deduct_when=lambda response: response.status_code == 409,
)
@bp.arguments(schemas.PatientIn)
@bp.response(201, schemas.PatientOut)
@bp.alt_response(409, description="A patient with this CPR number exists (audited)")
@bp.alt_response(429, description="Too many CPR numbers found registered; wait and try again")
def create_patient(data: dict[str, Any]) -> Any:
    """Register a patient (admin or clinician of a treating organisation)."""
    return service.create_patient(api_user("admin", "clinician"), data)


@bp.route("/patients/<int:patient_id>", methods=["GET"])
@bp.response(200, schemas.PatientOut)
def get_patient(patient_id: int) -> Any:
    """A patient's record, for those who may see the patient."""
    patient = access.patient_for(api_user(), patient_id, "patient.read")
    db.session.commit()
    return patient


@bp.route("/patients/<int:patient_id>/enrollments", methods=["POST"])
@bp.arguments(schemas.EnrollmentIn)
@bp.response(201, schemas.EnrollmentOut)
def enroll(data: dict[str, Any], patient_id: int) -> Any:
    """Enrol the patient in a programme with a responsible care team."""
    return service.enroll(api_user("admin", "clinician"), patient_id, data)


@bp.route("/enrollments/<int:enrollment_id>")
class EnrollmentResource(MethodView):
    @bp.response(200, schemas.EnrollmentOut)
    def get(self, enrollment_id: int) -> Any:
        """An enrolment with its thresholds."""
        enrollment = service.get_enrollment(api_user(), enrollment_id, "enrollment.read")
        db.session.commit()
        return enrollment

    @bp.arguments(schemas.EnrollmentPatch)
    @bp.response(200, schemas.EnrollmentOut)
    def patch(self, data: dict[str, Any], enrollment_id: int) -> Any:
        """Change thresholds (per code, all four limits), care team, sharing or settings.

        Members of the responsible care team do this, whatever their role; others who see the
        patient get 403."""
        return service.update_enrollment(api_user(), enrollment_id, data)


@bp.route("/threshold-defaults/<string:programme>")
class DefaultThresholds(MethodView):
    @bp.response(200, schemas.DefaultThresholdsOut)
    def get(self, programme: str) -> Any:
        """The programme's standard threshold set, copied into each new enrolment."""
        api_user("admin", "clinician")
        _known(programme)
        rows = service.default_thresholds(programme)
        return {
            "programme": programme,
            "thresholds": {c: schemas.limits_dict(r) for c, r in rows.items()},
        }

    @bp.arguments(schemas.DefaultThresholdsIn)
    @bp.response(200, schemas.DefaultThresholdsOut)
    def put(self, data: dict[str, Any], programme: str) -> Any:
        """Change the standard set (system administrator); enrolments keep their own copies."""
        _known(programme)
        rows = service.replace_default_thresholds(
            api_user("admin"), programme, data.get("thresholds") or {}
        )
        return {
            "programme": programme,
            "thresholds": {c: schemas.limits_dict(r) for c, r in rows.items()},
        }


def _known(programme: str) -> None:
    from telemon.errors import NotFound

    if programme not in PROGRAMMES:
        raise NotFound("No such programme.")
