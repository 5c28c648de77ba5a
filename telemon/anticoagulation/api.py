"""Anticoagulation endpoints: the patient's overview, the clinic's dose worklist, dose decisions,
nomogram versions. Each is one service call."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from telemon.anticoagulation import dose_worklist, patient_view, plans, schemas
from telemon.anticoagulation.decisions import DoseDecision, decide_dose
from telemon.http.auth import api_user
from telemon.vocabulary import Role

bp = Blueprint(
    "anticoagulation", __name__, url_prefix="/api/v1", description="Anticoagulation (INR)"
)


@bp.route("/patients/<int:patient_id>/anticoagulation", methods=["GET"])
@bp.response(200, schemas.AnticoagulationOut)
def overview(patient_id: int) -> Any:
    """Target range, dose in force, latest INR, TTR, next test, the newest suggestion with the
    one instruction for it at this hour, the latest decision, and this week's tablets.

    Readable by the patient too: her view holds a decision's note only when the clinic chose to
    show it to her, and names who decided by role and care team."""
    return patient_view.summary(api_user(), patient_id)


@bp.route("/dose-suggestions", methods=["GET"])
@bp.arguments(schemas.WorklistQuery, location="query")
@bp.response(200, schemas.WorklistOut)
def waiting(args: dict[str, Any]) -> Any:
    """The anticoagulation clinic's worklist: every suggestion waiting for a clinician of the
    caller's care teams, oldest first (those a self-managing patient decides herself are hers).

    Only enrolments whose responsible care team the caller is in. A page holds up to `limit`
    items; `next` is the cursor of the following page (null on the last): send the same query
    with `after` set to it. Every patient listed is audited."""
    user = api_user(Role.CLINICIAN, Role.NURSE, Role.GP)
    page = dose_worklist.waiting(user, args["limit"], args.get("after"))
    return {"items": page.items, "next": page.next}


@bp.route("/dose-suggestions/<int:suggestion_id>/confirm", methods=["POST"])
@bp.arguments(schemas.DecisionIn)
@bp.response(200, schemas.DoseSuggestionOut)
def confirm(data: dict[str, Any], suggestion_id: int) -> Any:
    """Confirm (the suggested dose and held days) or override (another weekly dose, `hold_days`
    0-7 from today); the dose in force changes now, and the enrolment's open INR alerts raised
    by INRs measured at or before this one are resolved in the decider's name.

    Members of the patient's responsible care team decide, whatever their role (the
    anticoagulation clinic's nurses too). A trained self-managing patient accepts the
    suggestion as it stands, and only one that needs no clinician: `contact_clinic` false,
    the INR, change and held doses within her plan's `self_management` limits; any other is
    403 (audited), and it waits for the clinic. Others who see the patient get 403. The same
    decision again is harmless; another decision on a decided suggestion is 409."""
    user = api_user()
    decided = decide_dose(
        user,
        suggestion_id,
        DoseDecision(
            weekly_dose_mg=data["weekly_dose_mg"],
            hold_days=data.get("hold_days"),
            note=data.get("note"),
            note_visible_to_patient=data["note_visible_to_patient"],
        ),
    )
    return patient_view.suggestion_view(user, decided)


@bp.route("/nomograms")
class Nomograms(MethodView):
    @bp.response(200, schemas.NomogramOut(many=True))
    def get(self) -> Any:
        """The stored nomogram versions."""
        api_user(Role.ADMIN, Role.CLINICIAN)
        return plans.stored_nomograms()

    @bp.arguments(schemas.NomogramIn)
    @bp.response(201, schemas.NomogramOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a nomogram version (system administrator). Versions are never changed."""
        return plans.store_nomogram(api_user(Role.ADMIN), data["definition"])
