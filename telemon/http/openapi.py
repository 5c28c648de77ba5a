"""The error side of the OpenAPI document: what the API really answers when it says no.

flask-smorest documents each operation's own responses; this completes the document, once,
for every operation: the problem+json body (RFC 9457) of every error, the refusals any call
can meet (400 malformed, 401, 403, 404, 413, 415, 422 validation and business rules, 429, 503
with Retry-After), and 405 with its Allow header. Applied to the generated document each time
it is served, so a new endpoint is covered without a line here.
"""

from __future__ import annotations

import copy
from typing import Any

from telemon.http.problems import PROBLEM_JSON

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 0},
}

# status: (component name, description, headers)
ERRORS: dict[int, tuple[str, str, dict[str, Any]]] = {
    400: ("BAD_REQUEST", "Malformed request (e.g. JSON that cannot be read)", {}),
    401: ("UNAUTHORIZED", "No valid bearer token", {}),
    403: ("FORBIDDEN", "Signed in, but the role or the care team may not do this", {}),
    404: ("NOT_FOUND", "No such item, or not one the caller may see (the same answer)", {}),
    405: (
        "METHOD_NOT_ALLOWED",
        "The method is not supported here; Allow lists those that are",
        {"Allow": {"description": "The supported methods", "schema": {"type": "string"}}},
    ),
    409: ("CONFLICT", "Conflicts with what is stored (e.g. a client_id reused)", {}),
    413: ("CONTENT_TOO_LARGE", "The request or a photo is too large", {}),
    415: ("UNSUPPORTED_MEDIA_TYPE", "A photo that is not JPEG or PNG", {}),
    422: (
        "UNPROCESSABLE_ENTITY",
        "Validation failed, or a business rule refused the request; `errors` names the fields",
        {},
    ),
    429: ("TOO_MANY_REQUESTS", "Too many attempts; wait", {"Retry-After": _RETRY_AFTER}),
    500: ("INTERNAL_SERVER_ERROR", "Something went wrong on the server; it has been logged", {}),
    503: (
        "SERVICE_UNAVAILABLE",
        "The database cannot be reached; try again after Retry-After seconds",
        {"Retry-After": _RETRY_AFTER},
    ),
}
# Every operation can meet these; the others only where the operation declares them.
_EVERYWHERE = (400, 401, 403, 404, 405, 413, 415, 422, 429, 500, 503)
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _component(status: int) -> dict[str, Any]:
    _, description, headers = ERRORS[status]
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": _PROBLEM}},
    }
    if headers:
        response["headers"] = copy.deepcopy(headers)
    return response


def document_errors(spec: dict[str, Any]) -> dict[str, Any]:
    """The generated document with every error response described as it is answered."""
    components = spec.setdefault("components", {})
    responses = components.setdefault("responses", {})
    for name, response in list(responses.items()):
        if _is_problem(response):
            responses[name] = {**response, "content": {PROBLEM_JSON: {"schema": _PROBLEM}}}
    for status, (name, _, _) in ERRORS.items():
        responses[name] = _component(status)
    problem = components.get("schemas", {}).get("Problem")
    if problem is not None:
        problem["required"] = ["status", "title"]
    for path in spec.get("paths", {}).values():
        for method in _METHODS:
            operation = path.get(method)
            if operation is not None:
                _complete(operation.setdefault("responses", {}))
    _state_text_rules(spec)
    return spec


# What every text field, in a body or a query, refuses before any handler sees it
# (telemon.http.input_guard): a NUL character and a lone surrogate. Said as a pattern, so that
# a schema-valid request is one telemon accepts (schemathesis ST202).
TEXT_PATTERN = "^[^\\u0000\\ud800-\\udfff]*$"


def _state_text_rules(spec: dict[str, Any]) -> None:
    stack: list[Any] = [spec.get("components", {}).get("schemas", {}), spec.get("paths", {})]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("type")
            is_text = kind == "string" or (isinstance(kind, list) and "string" in kind)
            if is_text and not {"enum", "format", "pattern", "const"} & set(node):
                node["pattern"] = TEXT_PATTERN
            stack.extend(node.values())


def _complete(responses: dict[str, Any]) -> None:
    for code, response in list(responses.items()):
        if code.isdigit() and int(code) >= 400:
            status = int(code)
            if "$ref" in response or status not in ERRORS:
                ref = response.get("$ref", "")
                if status in ERRORS and not ref.endswith(ERRORS[status][0]):
                    responses[code] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
                continue
            # Declared with its own description (alt_response): keep the words, add the body.
            described = _component(status)
            described["description"] = response.get("description") or described["description"]
            responses[code] = described
    for status in _EVERYWHERE:
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{ERRORS[status][0]}"})


def _is_problem(response: dict[str, Any]) -> bool:
    content = response.get("content") or {}
    return any(media.get("schema") == _PROBLEM for media in content.values())
