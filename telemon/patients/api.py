"""Patients, enrolments and the standard threshold sets. Each endpoint parses, calls one use case
(telemon.patients.service, overview, lifecycle, responsibility, defaults) and answers."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from telemon.errors import NotFound
from telemon.http.auth import api_user
from telemon.models import PROGRAMMES
from telemon.patients import (
    defaults,
    lifecycle,
    limits,
    overview,
    responsibility,
    schemas,
    service,
)
from telemon.vocabulary import Role

bp = Blueprint("patients", __name__, url_prefix="/api/v1", description="Patients and programmes")


@bp.route("/patients", methods=["GET"])
@bp.arguments(schemas.OverviewQuery, location="query")
@bp.response(200, schemas.OverviewOut)
def patient_overview(args: dict[str, Any]) -> Any:
    """The patient overview: one row per patient, the worst open (unacknowledged) alert first,
    then the longest waiting; green where nothing is open.

    Care staff only. `scope=mine` (default): a clinician's care teams' patients, a nurse's or
    GP's organisation's; `scope=all`: every patient the caller may see. `q` searches the name
    or the start of the CPR number. Paged like the alerts: `next` → `after`."""
    user = api_user(Role.CLINICIAN, Role.NURSE, Role.GP)
    f = overview.OverviewFilter(
        search=args.get("q"),
        programme=args.get("programme"),
        care_team_id=args.get("care_team_id"),
        scope=args["scope"],
    )
    page = overview.patient_page(user, f, args["limit"], args.get("after"))
    return {"items": page.items, "next": page.next}


@bp.route("/patients", methods=["POST"])
# Whether a CPR number is registered is itself health data: each "exists" answer is audited
# (service.create_patient) and an account gets only a few of them an hour, here and in the
# console's registration form together (telemon.patients.limits).
@limits.per_account_cpr_conflicts()
@bp.arguments(schemas.PatientIn)
@bp.response(201, schemas.PatientOut)
@bp.alt_response(409, description="A patient with this CPR number exists (audited)")
@bp.alt_response(429, description="Too many CPR numbers found registered; wait and try again")
def create_patient(data: dict[str, Any]) -> Any:
    """Register a patient by CPR number (a clinician, or an administrator, of a treating
    organisation); the birth date follows from the CPR number. Phone and next of kin are
    optional."""
    return service.create_patient(api_user(Role.ADMIN, Role.CLINICIAN), data)


@bp.route("/patients/<int:patient_id>")
class PatientResource(MethodView):
    @bp.response(200, schemas.PatientOut)
    def get(self, patient_id: int) -> Any:
        """A patient's record, for those who may see the patient."""
        return service.read_patient(api_user(), patient_id)

    @bp.arguments(schemas.PatientPatch)
    @bp.response(200, schemas.PatientOut)
    def patch(self, data: dict[str, Any], patient_id: int) -> Any:
        """Change name, phone or next of kin (clinicians of the registering organisation or a
        responsible team)."""
        return service.update_patient(api_user(Role.CLINICIAN), patient_id, data)


@bp.route("/patients/<int:patient_id>/enrollments", methods=["POST"])
@bp.arguments(schemas.EnrollmentIn)
@bp.response(201, schemas.EnrollmentOut)
@bp.alt_response(403, description="Not a clinician of the registering organisation or team")
def enroll(data: dict[str, Any], patient_id: int) -> Any:
    """Enrol the patient in a programme with a responsible care team: a clinician of the
    registering organisation or of a care team responsible for another of the patient's
    enrolments. Thresholds and schedule not given come from the programme's defaults."""
    return service.enroll(api_user(Role.CLINICIAN), patient_id, data)


@bp.route("/enrollments/<int:enrollment_id>")
class EnrollmentResource(MethodView):
    @bp.response(200, schemas.EnrollmentOut)
    def get(self, enrollment_id: int) -> Any:
        """An enrolment with its thresholds."""
        return service.read_enrollment(api_user(), enrollment_id)

    @bp.arguments(schemas.EnrollmentPatch)
    @bp.response(200, schemas.EnrollmentOut)
    def patch(self, data: dict[str, Any], enrollment_id: int) -> Any:
        """Change thresholds (per code, all four limits), schedule, INR target, tablet
        strength, self-management limits or other settings (members of the responsible care
        team, whatever their role); hand over to another care team (`care_team_id`) or change
        the sharing (clinicians of the responsible team only). Others who see the patient get
        403, audited. Audited with before and after.

        The administrator of the organisation that owns the responsible team may hand the
        enrolment over (`{"care_team_id"}` alone, to a team of her organisation), for a team
        that no longer works; she sees no patient, so the answer then holds only `id`,
        `patient_id`, `programme`, `care_team_id` and `status`."""
        user = api_user()
        if user.role == Role.ADMIN and set(data) == {"care_team_id"}:
            return responsibility.hand_over(user, enrollment_id, data["care_team_id"])
        return service.update_enrollment(user, enrollment_id, data)


@bp.route("/enrollments/<int:enrollment_id>/pause", methods=["POST"])
@bp.arguments(schemas.PauseIn)
@bp.response(200, schemas.EnrollmentOut)
def pause(data: dict[str, Any], enrollment_id: int) -> Any:
    """Pause monitoring over local days (admitted to hospital, on holiday): no blue alerts
    while paused. Sending the same pause again changes nothing."""
    return lifecycle.pause(
        api_user(Role.CLINICIAN),
        enrollment_id,
        data["paused_from"],
        data.get("paused_until"),
        data["reason"],
    )


@bp.route("/enrollments/<int:enrollment_id>/resume", methods=["POST"])
@bp.response(200, schemas.EnrollmentOut)
def resume(enrollment_id: int) -> Any:
    """End the pause today: measurements are expected again from today."""
    return lifecycle.resume(api_user(Role.CLINICIAN), enrollment_id)


@bp.route("/enrollments/<int:enrollment_id>/end", methods=["POST"])
@bp.arguments(schemas.EndIn)
@bp.response(200, schemas.EnrollmentOut)
def end(data: dict[str, Any], enrollment_id: int) -> Any:
    """End the enrolment: monitoring stops, and its open alerts are resolved with the reason.
    Ending an ended enrolment changes nothing."""
    return lifecycle.end_enrolment(api_user(Role.CLINICIAN), enrollment_id, data["reason"])


@bp.route("/threshold-defaults/<string:programme>")
class DefaultThresholds(MethodView):
    @bp.response(200, schemas.DefaultThresholdsOut)
    def get(self, programme: str) -> Any:
        """The programme's standard threshold set, copied into each new enrolment."""
        api_user(Role.ADMIN, Role.CLINICIAN)
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
            api_user(Role.ADMIN), programme, data.get("thresholds") or {}
        )
        return {
            "programme": programme,
            "thresholds": {c: schemas.limits_dict(r) for c, r in rows.items()},
        }


@bp.route("/schedule-defaults/<string:programme>")
class DefaultSchedules(MethodView):
    @bp.response(200, schemas.ScheduleDefaultsOut)
    def get(self, programme: str) -> Any:
        """The programme's default measurement schedule, copied into each new enrolment."""
        api_user(Role.ADMIN, Role.CLINICIAN)
        _known(programme)
        return {"programme": programme, "settings": defaults.default_schedule(programme)}

    @bp.arguments(schemas.ScheduleDefaultsIn)
    @bp.response(200, schemas.ScheduleDefaultsOut)
    def put(self, data: dict[str, Any], programme: str) -> Any:
        """Change the default schedule (system administrator); enrolments keep their copies."""
        _known(programme)
        settings = defaults.set_default_schedule(api_user(Role.ADMIN), programme, data["settings"])
        return {"programme": programme, "settings": settings}


def _known(programme: str) -> None:
    if programme not in PROGRAMMES:
        raise NotFound("No such programme.")
