"""Input no handler should ever see, refused before any handler runs.

- JSON nested deeper than MAX_JSON_DEPTH (100,000 levels made the parser raise RecursionError:
  a 500, even unauthenticated on /auth/token) → 400;
- an integer of more than 4,300 digits (the parser's ValueError was a 500 too) → 400;
- a NUL character in a query string, a form field or a JSON string (PostgreSQL text cannot
  hold one, and no clinical text needs it) → 422 naming the field;
- no body at all where the operation takes a JSON body (the OpenAPI document says it is
  required; an empty PATCH used to be a silent 200) → 422 naming `body`;
- a lone surrogate in a JSON string ("x\\ud800y": JSON may escape one, UTF-8 cannot encode it,
  so the database driver failed with a 500) → 422 naming the field.
The wound upload's `data` part is JSON inside a form field: its handler calls `check_json`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request

from telemon.errors import Invalid, TelemonError

MAX_JSON_DEPTH = 32
NUL_MESSAGE = "Must not contain NUL characters."
SURROGATE_MESSAGE = "Must be valid Unicode text (a lone surrogate is not)."
BODY_MESSAGE = "A JSON body is required."


class TooDeep(TelemonError):
    status = 400
    title = "Bad request"


def init_input_guard(app: Flask) -> None:
    app.before_request(_refuse_malformed_input)


def _refuse_malformed_input() -> None:
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if any(isinstance(text, str) and "\x00" in text for text in (key, value)):
                name = str(key or "").replace("\x00", "") or "query"
                raise Invalid(NUL_MESSAGE, {name: [NUL_MESSAGE]})
    no_body = request.method in ("POST", "PUT", "PATCH") and not request.get_data(cache=True)
    if no_body and _takes_json_body():
        raise Invalid(BODY_MESSAGE, {"body": [BODY_MESSAGE]})
    if request.is_json and request.content_length:
        try:
            data = request.get_json(silent=True)  # malformed JSON is the handler's 400
        except RecursionError:
            raise TooDeep(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.") from None
        if data is None:
            _refuse_unparsable_numbers(request.get_data(cache=True))
        check_json(data)


def _takes_json_body() -> bool:
    """Whether the API operation requested declares a JSON body (flask-smorest's
    `@bp.arguments(Schema)`, whose location is the body unless another is named)."""
    if not request.path.startswith("/api/") or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, request.method.lower(), None) if view_class else view
    arguments = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(a.get("location") in (None, "json") and a.get("required") for a in arguments)


def _refuse_unparsable_numbers(body: bytes) -> None:
    """Well-formed JSON the parser still refuses: an integer of more than 4,300 digits (Python's
    int-from-text limit) raises a plain ValueError, which the handlers' parser does not expect
    (a 500, even unauthenticated on /auth/token). Malformed JSON stays the handler's 400."""
    try:
        json.loads(body)
    except json.JSONDecodeError:
        return
    except ValueError:
        raise TooDeep("A number in the JSON body has too many digits.") from None
    except RecursionError:
        raise TooDeep(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.") from None


def check_json(data: Any, field: str = "") -> None:
    """Raise TooDeep or Invalid (naming the field) for JSON past the depth or holding a NUL."""
    stack: list[tuple[Any, str, int]] = [(data, field, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TooDeep(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path)
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (item, f"{path}.{index}" if path else str(index), depth + 1)
                for index, item in enumerate(value)
            )


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise Invalid(NUL_MESSAGE, {path or "body": [NUL_MESSAGE]})
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(SURROGATE_MESSAGE, {path or "body": [SURROGATE_MESSAGE]}) from None
