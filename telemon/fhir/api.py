"""The /fhir endpoints: thin views over telemon.fhir's services. Bearer tokens as for /api/v1
(checked before a body is read), answers in application/fhir+json, every refusal an
OperationOutcome with the status the JSON API gives for the same refusal."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from telemon.errors import TelemonError
from telemon.fhir import capability, questionnaire_responses, reading, upload
from telemon.fhir.model import FHIR_JSON, outcome_json
from telemon.fhir.outcome import FhirError, Issue
from telemon.fhir.redaction import RedactIdentifiers
from telemon.http import links
from telemon.http.auth import api_user
from telemon.http.problems import DATABASE_UNAVAILABLE, answered_detail

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, url_prefix="/fhir")

ACCEPTED_MEDIA = (FHIR_JSON, "application/json")


@bp.record_once
def _redact_access_log(_: Any) -> None:
    access_log = logging.getLogger("werkzeug")  # `telemon serve`'s request lines
    if not any(isinstance(f, RedactIdentifiers) for f in access_log.filters):
        access_log.addFilter(RedactIdentifiers())


def fhir_response(data: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(data), status=status, mimetype=FHIR_JSON)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.errorhandler(FhirError)
def _fhir_error(error: FhirError) -> Response:
    return fhir_response(outcome_json(error.status, error.issues), error.status)


@bp.errorhandler(TelemonError)
def _telemon_error(error: TelemonError) -> Response:
    detail = answered_detail(error)
    response = fhir_response(outcome_json(error.status, [Issue(detail)]), error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return fhir_response(outcome_json(status, [Issue(error.description or error.name)]), status)


def _database_unavailable(error: Exception) -> Response:
    """503 with Retry-After, as the JSON API answers (telemon.errors)."""
    log.error(
        "database unavailable on %s %s (%s)", request.method, request.path, type(error).__name__
    )
    issue = Issue("The service cannot reach its database; try again shortly.", code="transient")
    response = fhir_response(outcome_json(503, [issue]), 503)
    response.headers["Retry-After"] = str(current_app.config["TELEMON_RETRY_AFTER_SECONDS"])
    return response


for _error in DATABASE_UNAVAILABLE:
    bp.register_error_handler(_error, _database_unavailable)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    issue = Issue("Something went wrong on our side; it has been logged.", code="exception")
    return fhir_response(outcome_json(500, [issue]), 500)


def _body() -> Any:
    if request.mimetype not in ACCEPTED_MEDIA:
        raise FhirError(415, [Issue(f"Send {FHIR_JSON} (or application/json).")])
    body = request.get_json(silent=True)
    if body is None:
        raise FhirError(400, [Issue("The body is not JSON.")])
    return body


@bp.route("", methods=["POST"])
@bp.route("/", methods=["POST"])
def post_bundle() -> Response:
    """A transaction or batch Bundle (a gateway's upload)."""
    user = api_user()
    return fhir_response(upload.upload(user, _body()))


@bp.route("/metadata", methods=["GET"])
def metadata() -> Response:
    """The CapabilityStatement: exactly what this server supports. Needs no token."""
    return fhir_response(capability.statement(links.base_url()))


@bp.route("/Patient/<rid>", methods=["GET"])
def read_patient(rid: str) -> Response:
    return fhir_response(reading.read_patient(api_user(), rid))


@bp.route("/Patient", methods=["GET"])
@bp.route("/Patient/_search", methods=["POST"])
def search_patients() -> Response:
    """By identifier (the CPR number). POST _search keeps the number out of the URL."""
    return fhir_response(reading.search_patients(api_user(), _params()))


@bp.route("/Observation/<rid>", methods=["GET"])
def read_observation(rid: str) -> Response:
    return fhir_response(reading.read_observation(api_user(), rid))


@bp.route("/Observation", methods=["GET"])
@bp.route("/Observation/_search", methods=["POST"])
def search_observations() -> Response:
    return fhir_response(reading.search_observations(api_user(), _params(), _search_url()))


@bp.route("/Device/<rid>", methods=["GET"])
def read_device(rid: str) -> Response:
    return fhir_response(reading.read_device(api_user(), rid))


@bp.route("/Flag/<rid>", methods=["GET"])
def read_flag(rid: str) -> Response:
    return fhir_response(reading.read_flag(api_user(), rid))


@bp.route("/Flag", methods=["GET"])
def search_flags() -> Response:
    return fhir_response(reading.search_flags(api_user(), _params(), _search_url()))


@bp.route("/Task/<rid>", methods=["GET"])
def read_task(rid: str) -> Response:
    return fhir_response(reading.read_task(api_user(), rid))


@bp.route("/Task", methods=["GET"])
def search_tasks() -> Response:
    return fhir_response(reading.search_tasks(api_user(), _params()))


@bp.route("/Communication/<rid>", methods=["GET"])
def read_communication(rid: str) -> Response:
    return fhir_response(reading.read_communication(api_user(), rid))


@bp.route("/Media/<rid>", methods=["GET"])
def read_media(rid: str) -> Response:
    return fhir_response(reading.read_media(api_user(), rid))


@bp.route("/Questionnaire/<rid>", methods=["GET"])
def read_questionnaire(rid: str) -> Response:
    api_user()
    return fhir_response(questionnaire_responses.read_questionnaire(rid))


@bp.route("/Questionnaire", methods=["GET"])
def search_questionnaires() -> Response:
    """By url (with "|version" for one version), name or status."""
    api_user()
    return fhir_response(questionnaire_responses.search_questionnaires(_params()))


@bp.route("/QuestionnaireResponse", methods=["POST"])
def create_questionnaire_response() -> Response:
    """One response (as in a Bundle; idempotent on its identifier)."""
    data, created = questionnaire_responses.create(api_user(), _body())
    response = fhir_response(data, 201 if created else 200)
    response.headers["Location"] = f"{links.base_url()}/fhir/QuestionnaireResponse/{data['id']}"
    return response


@bp.route("/QuestionnaireResponse/<rid>", methods=["GET"])
def read_questionnaire_response(rid: str) -> Response:
    return fhir_response(questionnaire_responses.read_response(api_user(), rid))


@bp.route("/QuestionnaireResponse", methods=["GET"])
def search_questionnaire_responses() -> Response:
    """By patient."""
    return fhir_response(questionnaire_responses.search_responses(api_user(), _params()))


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unsupported(rest: str) -> Response:
    """Anything else under /fhir: an OperationOutcome, not a web page."""
    api_user()
    status = 404 if request.method == "GET" else 405
    raise FhirError(status, [Issue(f"{request.method} /fhir/{rest} is not supported here.")])


def _params() -> list[tuple[str, str]]:
    """Search parameters, repeated ones kept (date=ge…&date=lt…), from the query or a form."""
    pairs = list(request.args.items(multi=True))
    if request.method == "POST":
        pairs += list(request.form.items(multi=True))
    return pairs


def _search_url() -> str:
    return f"{links.base_url()}{request.path.removesuffix('/_search')}"
