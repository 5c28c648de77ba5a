"""What the services raise when a use case cannot go on: refused, not found, in conflict, invalid.

Plain exceptions with an HTTP status and the fields at fault; telemon.http.problems answers them
(problem+json for the API, a page in the user's language for the browser, an OperationOutcome
on /fhir), with every other failure in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NOT_VISIBLE = "No such item, or not one you may see."


class TelemonError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class Unauthorized(TelemonError):
    status = 401
    title = "Not signed in"


class Forbidden(TelemonError):
    status = 403
    title = "Not allowed"


class NotFound(TelemonError):
    """Unknown, or not the caller's to see: the two look the same to the caller.

    The detail a service gives says which for the reader of the code and the log; the caller
    always gets NOT_VISIBLE, so that 404 never tells whether an id exists (ids are sequential).
    """

    status = 404
    title = "Not found"


class Conflict(TelemonError):
    status = 409
    title = "Conflict"


class Invalid(TelemonError):
    status = 422
    title = "Invalid input"
