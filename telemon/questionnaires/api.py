"""The questionnaire endpoints: publish (FHIR or OpenTele), list, read, retire; responses."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from telemon.errors import Invalid
from telemon.http.auth import api_user
from telemon.questionnaires import responses, schemas, service

bp = Blueprint("questionnaires", __name__, url_prefix="/api/v1", description="Questionnaires")

FHIR_JSON = "application/fhir+json"

_PUBLISH_BODY = {
    "required": True,
    "content": {
        FHIR_JSON: {"schema": {"type": "object", "description": "A FHIR R4 Questionnaire"}},
        "application/json": {
            "schema": {
                "type": "object",
                "description": "An OpenTele questionnaire as its editor exports it (title, "
                "version, nodes, connections), or a FHIR R4 Questionnaire",
            }
        },
    },
}


def _source(body: Any) -> str:
    if request.mimetype == FHIR_JSON:
        return "fhir"
    if isinstance(body, dict) and body.get("resourceType") == "Questionnaire":
        return "fhir"
    return "opentele"


@bp.route("/questionnaires", methods=["POST"])
@bp.arguments(schemas.PublishQuery, location="query")
@bp.doc(requestBody=_PUBLISH_BODY)
@bp.response(201, schemas.QuestionnaireDetail)
@bp.alt_response(200, schema=schemas.QuestionnaireDetail, description="Published before, same")
@bp.alt_response(409, description="This url and version were published with other content")
@bp.alt_response(422, description="An item or node telemon cannot represent (named)")
def publish(args: dict[str, Any]) -> Any:
    """Publish a questionnaire version: a FHIR R4 Questionnaire (application/fhir+json) or an
    OpenTele export (application/json). A system administrator publishes for a programme, a
    clinician for her care team (`care_team_id`). All or nothing."""
    user = api_user("admin", "clinician")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send a FHIR Questionnaire or an OpenTele export.", {"body": ["Not JSON."]})
    published = service.publish(
        user, body, _source(body), args["programme"], args.get("care_team_id")
    )
    return published.questionnaire, 201 if published.created else 200


@bp.route("/questionnaires", methods=["GET"])
@bp.arguments(schemas.QuestionnaireQuery, location="query")
@bp.response(200, schemas.QuestionnaireList)
def list_questionnaires(args: dict[str, Any]) -> Any:
    """Questionnaire versions (no patient data: any signed-in user)."""
    api_user()
    return {"items": service.find(args.get("url"), args.get("name"), args.get("status"))}


@bp.route("/questionnaires/<int:questionnaire_id>", methods=["GET"])
@bp.response(200, schemas.QuestionnaireDetail)
def get_questionnaire(questionnaire_id: int) -> Any:
    """One version, with its FHIR R4 Questionnaire."""
    api_user()
    return service.get(questionnaire_id)


@bp.route("/questionnaires/<int:questionnaire_id>/retire", methods=["POST"])
@bp.response(200, schemas.QuestionnaireDetail)
def retire(questionnaire_id: int) -> Any:
    """No new answers to this version; those given keep naming it."""
    return service.retire(api_user("admin", "clinician"), questionnaire_id)


@bp.route("/questionnaire-responses", methods=["POST"])
@bp.arguments(schemas.ResponseIn)
@bp.response(201, schemas.ResponseOut)
@bp.alt_response(403, description="A patient the caller may not record for")
@bp.alt_response(409, description="The client_id was used before with other content")
@bp.alt_response(422, description="An answer that does not fit the questionnaire (named)")
def post_response(data: dict[str, Any]) -> Any:
    """Record a patient's answers; idempotent on client_id, all or nothing. `triage` is the
    answers' (the questionnaire's marks); the readings in it are judged as readings are."""
    recorded = responses.record(api_user(*responses.ingest.INGEST_ROLES), data)
    return recorded, 201 if recorded.created else 200


@bp.route("/questionnaire-responses/<int:response_id>", methods=["GET"])
@bp.response(200, schemas.ResponseOut)
def get_response(response_id: int) -> Any:
    return responses.read(api_user(), response_id)


@bp.route("/patients/<int:patient_id>/questionnaire-responses", methods=["GET"])
@bp.response(200, schemas.ResponseList)
def patient_responses(patient_id: int) -> Any:
    """The patient's responses, newest first (the latest 100)."""
    return {"items": responses.for_patient(api_user(), patient_id)}
