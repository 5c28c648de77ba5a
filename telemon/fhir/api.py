"""The /fhir endpoints: thin views over telemon.fhir's services. Bearer tokens as for /api/v1
(checked before a body is read), answers in application/fhir+json, every refusal an
OperationOutcome with the status the JSON API gives for the same refusal."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, json, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from telemon.errors import TelemonError
from telemon.fhir import (
    capability,
    device_reading,
    messaging,
    observation_reading,
    questionnaire_responses,
    reading,
    resources,
    upload,
)
from telemon.fhir.model import FHIR_JSON, information, outcome_json
from telemon.fhir.outcome import FhirError, Issue
from telemon.fhir.redaction import RedactIdentifiers
from telemon.http import links
from telemon.http.auth import api_user
from telemon.http.problems import DATABASE_UNAVAILABLE, answered_detail
from telemon.models import User

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, url_prefix="/fhir")

# What a body may be sent as: FHIR's JSON, plain JSON, and DSTU2's name for FHIR's JSON.
ACCEPTED_MEDIA = (FHIR_JSON, "application/json", "application/json+fhir")
XML_FORMATS = ("xml", "text/xml", "application/xml", "application/fhir+xml", "application/xml+fhir")


@bp.record_once
def _redact_access_log(_: Any) -> None:
    access_log = logging.getLogger("werkzeug")  # `telemon serve`'s request lines
    if not any(isinstance(f, RedactIdentifiers) for f in access_log.filters):
        access_log.addFilter(RedactIdentifiers())


def fhir_response(data: dict[str, Any] | None, status: int = 200) -> Response:
    """The answer in FHIR's JSON; a resource's version as ETag and Last-Modified."""
    body = json.dumps(data) if data is not None else ""
    response = Response(body, status=status, mimetype=FHIR_JSON)
    response.headers["Cache-Control"] = "private, no-store"
    meta = (data or {}).get("meta") or {}
    if meta.get("versionId"):
        response.headers["ETag"] = f'W/"{meta["versionId"]}"'
    if meta.get("lastUpdated"):
        moment = datetime.fromisoformat(meta["lastUpdated"])
        response.headers["Last-Modified"] = http_date(moment)
    return response


@bp.before_request
def _negotiate() -> None:
    """JSON only: _format or Accept asking for XML (or anything but JSON) is a 406."""
    wanted = (request.args.get("_format") or "").strip().lower()
    if wanted and (wanted in XML_FORMATS or "xml" in wanted):
        raise FhirError(406, [Issue(f"Only JSON is served here ({FHIR_JSON}); not {wanted}.")])
    accept = request.headers.get("Accept")
    if accept and request.accept_mimetypes.best_match(ACCEPTED_MEDIA) is None:
        raise FhirError(406, [Issue(f"Only JSON is served here ({FHIR_JSON}).")])


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
    body = request.get_json(force=True, silent=True)  # application/json+fhir is JSON too
    if body is None:
        raise FhirError(400, [Issue("The body is not JSON.")])
    return body


@bp.route("", methods=["POST"])
@bp.route("/", methods=["POST"])
def post_bundle() -> Response:
    """A transaction or batch Bundle (a gateway's upload)."""
    user = api_user()
    return fhir_response(upload.upload(user, _body()))


@bp.route("/$submit-measurement", methods=["POST"])
def submit_measurement() -> Response:
    """FUT's measurement submission: a Parameters with the measurement Bundle."""
    user = api_user()
    return fhir_response(upload.submit_measurement(user, _body()))


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
    return fhir_response(observation_reading.read_observation(api_user(), rid))


@bp.route("/Observation", methods=["GET"])
@bp.route("/Observation/_search", methods=["POST"])
def search_observations() -> Response:
    user = api_user()
    return fhir_response(
        observation_reading.search_observations(user, _params(), _search_url(), _strict())
    )


@bp.route("/Observation", methods=["POST"])
@bp.route("/Device", methods=["POST"])
def create() -> Response:
    """A single Observation or Device (the PHD IG's "mix and match"), If-None-Exist honoured:
    stored as the one entry of a transaction Bundle would be. Prefer: return=minimal (no
    body), return=OperationOutcome, return=representation (the default)."""
    user = api_user()
    resource_type = request.path.rstrip("/").rsplit("/", 1)[-1]
    created = upload.create(user, resource_type, _body(), request.headers.get("If-None-Exist"))
    if created.location is None:  # device housekeeping: accepted, not kept
        return fhir_response(created.outcome, created.status)
    kind, rid = created.location.split("/")[:2]
    prefer = _prefer_return()
    if prefer == "minimal":
        response = fhir_response(None, created.status)
    elif prefer == "OperationOutcome":
        note = f"{kind}/{rid} {'created' if created.status == 201 else 'exists'}."
        response = fhir_response(created.outcome or information(note), created.status)
    elif kind == "Device":
        response = fhir_response(device_reading.created_device(user, int(rid)), created.status)
    else:
        response = fhir_response(observation_reading.read_observation(user, rid), created.status)
    response.headers["Location"] = f"{links.base_url()}/fhir/{created.location}"
    response.headers["ETag"] = 'W/"1"'
    return response


def _prefer_return() -> str:
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip() == "return":
            return value.strip().strip('"')
    return "representation"


@bp.route("/Device/<rid>", methods=["GET"])
def read_device(rid: str) -> Response:
    return fhir_response(device_reading.read_device(api_user(), rid))


@bp.route("/Device", methods=["GET"])
@bp.route("/Device/_search", methods=["POST"])
def search_devices() -> Response:
    return fhir_response(device_reading.search_devices(api_user(), _params(), _search_url()))


@bp.route("/DeviceMetric/<rid>", methods=["GET"])
def read_device_metric(rid: str) -> Response:
    return fhir_response(device_reading.read_device_metric(api_user(), rid))


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
    """Communication/msg-{n}: a message of a patient's thread; Communication/{n}: the wound
    clinic's reply to review request n."""
    return fhir_response(_communication(api_user(), rid))


def _communication(user: User, rid: str) -> dict[str, Any]:
    if messaging.is_message(rid):
        return messaging.read(user, rid)
    return reading.read_communication(user, rid)


@bp.route("/Communication", methods=["GET"])
def search_communications() -> Response:
    """The messages of a patient's thread (patient=), newest first."""
    return fhir_response(messaging.search_messages(api_user(), _params(), _search_url()))


@bp.route("/Communication", methods=["POST"])
def create_communication() -> Response:
    """A message into the subject's thread (idempotent on identifier)."""
    created = messaging.create(api_user(), _body())
    response = fhir_response(created, 201)
    response.headers["Location"] = f"{links.base_url()}/fhir/Communication/{created['id']}"
    return response


@bp.route("/Communication/<rid>/$carecommunication", methods=["GET"])
def carecommunication(rid: str) -> Response:
    """A care team's message to another organisation as a MedCom CareCommunication Bundle."""
    return fhir_response(messaging.carecommunication(api_user(), rid))


@bp.route("/Provenance/<rid>", methods=["GET"])
def read_provenance(rid: str) -> Response:
    return fhir_response(reading.read_kept_resource(api_user(), "Provenance", rid))


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
    return fhir_response(_questionnaire_response(api_user(), rid))


def _questionnaire_response(user: User, rid: str) -> dict[str, Any]:
    """QuestionnaireResponse/{n}: an answer to one of telemon's questionnaires;
    QuestionnaireResponse/kept-{n}: another platform's, kept as an upload sent it."""
    if rid.startswith(resources.KEPT_PREFIX):
        return reading.read_kept_resource(user, "QuestionnaireResponse", rid)
    return questionnaire_responses.read_response(user, rid)


@bp.route("/QuestionnaireResponse", methods=["GET"])
def search_questionnaire_responses() -> Response:
    """By patient."""
    return fhir_response(questionnaire_responses.search_responses(api_user(), _params()))


READS = {
    "Patient": reading.read_patient,
    "Observation": observation_reading.read_observation,
    "Device": device_reading.read_device,
    "DeviceMetric": device_reading.read_device_metric,
    "Flag": reading.read_flag,
    "Task": reading.read_task,
    "Communication": _communication,
    "Media": reading.read_media,
    "Provenance": lambda user, rid: reading.read_kept_resource(user, "Provenance", rid),
    "QuestionnaireResponse": _questionnaire_response,
}


@bp.route("/<resource_type>/<rid>/_history/<vid>", methods=["GET"])
def vread(resource_type: str, rid: str, vid: str) -> Response:
    """A version of a resource: telemon keeps no history, so the version that exists is the
    current one; any other is 404."""
    read = READS.get(resource_type)
    if read is None:
        raise FhirError(404, [Issue(f"{resource_type} is not served here.")])
    resource = read(api_user(), rid)
    if (resource.get("meta") or {}).get("versionId") != vid:
        raise FhirError(404, [Issue(f"{resource_type}/{rid} has no version {vid} here.")])
    return fhir_response(resource)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unsupported(rest: str) -> Response:
    """Anything else under /fhir: an OperationOutcome, not a web page."""
    api_user()
    status = 404 if request.method == "GET" else 405
    raise FhirError(status, [Issue(f"{request.method} /fhir/{rest} is not supported here.")])


def _strict() -> bool:
    """Prefer: handling=strict (refuse search parameters telemon would ignore)."""
    return any(
        part.strip().replace(" ", "") == "handling=strict"
        for part in request.headers.get("Prefer", "").split(",")
    )


def _params() -> list[tuple[str, str]]:
    """Search parameters, repeated ones kept (date=ge…&date=lt…), from the query or a form."""
    pairs = list(request.args.items(multi=True))
    if request.method == "POST":
        pairs += list(request.form.items(multi=True))
    return pairs


def _search_url() -> str:
    return f"{links.base_url()}{request.path.removesuffix('/_search')}"
