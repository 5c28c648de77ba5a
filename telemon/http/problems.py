"""Errors as RFC 9457 problem details: one shape for every failure the API reports, and a page
in the user's language for the browser (telemon.http.error_pages).

Services raise telemon.errors' exceptions; werkzeug HTTP errors and webargs validation failures
are mapped by the same functions, so a client sees one format whatever went wrong. The app
registers them (telemon.app); /fhir answers the same errors as OperationOutcomes.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, json, render_template, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from telemon import audit
from telemon.errors import NOT_VISIBLE, NotFound, TelemonError
from telemon.extensions import db
from telemon.http.auth import known_user
from telemon.http.error_pages import render_error_page

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(Schema):
    """Documents the error body (RFC 9457)."""

    type = fields.String(metadata={"description": "Always about:blank"})
    status = fields.Integer()
    title = fields.String()
    detail = fields.String()
    errors = fields.Dict(
        metadata={"description": "Validation failures: field -> messages; batches by item index"}
    )


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _wants_page() -> bool:
    return not request.path.startswith("/api")


def _html(status: int) -> tuple[str, int]:
    return render_error_page(status), status


def answered_detail(error: TelemonError) -> str:
    """What the caller is told of an error, for every error format (problem+json, pages,
    FHIR): one sentence for every 404. A refusal (403/404) no service audited is audited."""
    if error.status in (403, 404):
        try:
            audit.record_unrecorded_refusal(known_user())
        except Exception:
            log.exception("could not audit a refused request")
    return NOT_VISIBLE if isinstance(error, NotFound) else error.detail


def handle_telemon_error(error: TelemonError) -> Response | tuple[str, int]:
    detail = answered_detail(error)
    if _wants_page():
        return _html(error.status)
    return problem(error.status, error.title, detail, error.errors)


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or _flatten_locations(data.get("messages"))
    if status == 422 and errors:
        detail = "The request has invalid fields; see errors."
    elif status >= 500:
        detail = "Something went wrong on our side; it has been logged."
    else:
        detail = data.get("message") or error.description
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if _wants_page():
        return _html(status)
    return problem(status, error.name, detail, errors, headers)


def _flatten_locations(messages: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """webargs nests errors by location ({"json": {...}}); clients want the fields."""
    if not messages:
        return None
    flat: dict[str, Any] = {}
    for location_errors in messages.values():
        if isinstance(location_errors, Mapping):
            flat.update(location_errors)
    return _stringify_keys(flat)


def _stringify_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _stringify_keys(v) for k, v in value.items()}
    return value


def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_page():
        return _html(500)
    return problem(
        500, "Internal Server Error", "Something went wrong on our side; it has been logged."
    )


# The database could not be reached or gave up on the statement (a restart, a network fault,
# a full connection pool, SQLite's "database is locked"): worth trying again shortly.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def handle_database_unavailable(error: Exception) -> Response | tuple[str, int, dict[str, str]]:
    """503 with Retry-After: problem+json for the API, a plain page for the browser.

    Only the error's type is logged: a driver's message may quote what was sent."""
    log.error(
        "database unavailable on %s %s (%s)", request.method, request.path, type(error).__name__
    )
    with contextlib.suppress(Exception):  # the connection is gone; nothing to roll back
        db.session.rollback()
    retry_after = str(current_app.config["TELEMON_RETRY_AFTER_SECONDS"])
    if _wants_page():
        g.database_unavailable = True  # the page's language must not be looked up in it
        page = render_template("components/unavailable.html", retry_after=retry_after)
        return page, 503, {"Retry-After": retry_after}
    return problem(
        503,
        "Service Unavailable",
        "The service cannot reach its database; try again shortly.",
        headers={"Retry-After": retry_after},
    )


class TelemonApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, with errors shaped as problem details."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response | tuple[str, int]:
        return handle_http_exception(error)
