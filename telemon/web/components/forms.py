"""Form handling shared by every audience's pages: field errors in the reader's language, a form
key so that a double click or a resent form stores once, and ids and numbers as people type
them into addresses and forms."""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

from flask import redirect, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.http.ids import id_from_text
from telemon.i18n import N_

# The services' field messages that reach the pages, so that they are translated.
MESSAGES = (
    N_("At least 12 characters."),
    N_("Too common or too easy to guess; use a few unrelated words."),
    N_("Already in use."),
    N_("Letters, digits and . _ @ - only."),
    N_("A SOR code is 1 to 20 digits."),
    N_("Digits only."),
    N_("An EAN (GLN) number is 13 digits."),
    N_("The last digit is not the GLN's check digit."),
    N_("Not a valid email address."),
    N_("Missing data for required field."),
    N_("Same as the current one."),
    N_("Required for this role."),
    N_("Must be today or later."),
    N_("Must be on or after the first paused day."),
    N_("Already registered."),
    N_("Already enrolled."),
    N_("Does not match the birth date in the CPR number."),
    N_("A CPR number is DDMMYY-SSSS (ten digits)."),
    N_("The CPR number does not hold a real birth date."),
    N_("Digits, spaces, + ( ) - only."),
    N_("Not a number."),
    N_("Must be above inr_target_low."),
    N_("No patient registered by your organisation has this number."),
    N_("Lies in the future; check the phone's clock."),
    N_("Lies in the future; check the device clock."),
    N_("A whole number from 0 to 10."),
    N_("A closed wound has no size: length and width 0, or another tissue type."),
)
# Words that reach the console's and patient pages as data (roles, kinds, reasons, severities).
VOCABULARY = (
    N_("admin"),
    N_("clinician"),
    N_("gp"),
    N_("hospital"),
    N_("municipality"),
    N_("gp_practice"),
    N_("nursing_home"),
    N_("admitted"),
    N_("holiday"),
    N_("completed"),
    N_("transferred"),
    N_("declined"),
    N_("deceased"),
    N_("green"),
)
_FORM_KEYS = "telemon.form_keys"
_KEPT = 20


def field_errors(errors: Mapping[str, Any] | None) -> dict[str, str]:
    """One message per field, in the reader's language. A message the catalog does not know
    (one naming ids or numbers) becomes "Check this field." rather than stay in English."""
    shown: dict[str, str] = {}
    for field, messages in (errors or {}).items():
        texts = _flatten(messages)
        shown[str(field)] = " ".join(_translated(t) for t in texts) or _("Check this field.")
    return shown


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in _flatten(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _flatten(v)]
    return []


def _translated(text: str) -> str:
    translated = _(text)
    if translated == text and str(get_locale()) != "en":
        return _("Check this field.")
    return translated


def new_form_key() -> str:
    return secrets.token_urlsafe(16)


def already_done(key: str | None) -> str | None:
    """Where the form with this key led when it was stored, if it was (a resend)."""
    if not key:
        return None
    done: dict[str, str] = session.get(_FORM_KEYS) or {}
    return done.get(key)


def remember(key: str | None, where: str) -> None:
    """The form with this key is stored; a resend goes to `where` instead of storing again."""
    if not key:
        return
    done: dict[str, str] = dict(session.get(_FORM_KEYS) or {})
    done[key] = where
    session[_FORM_KEYS] = dict(list(done.items())[-_KEPT:])


# Ids are the database's integers: anything typed into an address or a form that is not one
# (letters, a minus, 40 digits) is no id at all, rather than a database error.
def id_value(raw: str | None) -> int | None:
    """An id typed or chosen: "12" -> 12; "", "abc", "-1", "0" or a number past MAX_ID -> None.
    Usable as werkzeug's `type=` (request.args.get("team", type=id_value))."""
    return id_from_text((raw or "").strip())


def id_list(raws: Iterable[str]) -> list[int]:
    """The ids among several chosen (a multiple select, checkboxes); the rest dropped."""
    return [value for raw in raws if (value := id_value(raw)) is not None]


# Where next=/back= may lead: telemon.web.safe_redirect.local_target, the one rule.


# What telemon's own number formatting puts between digit groups (clinical_text.number):
# typed back into a form, it is no part of the number.
_GROUP_SPACES = str.maketrans("", "", "\u00a0\u202f")


def typed_number(raw: str | None) -> float | None:
    """A number as people type it (decimal comma or point, spaces around): None when empty or
    not a finite number. float() alone reads "nan", "inf" and 1e400 (infinite): none is a
    number a clinician or a patient means."""
    text = (raw or "").strip().translate(_GROUP_SPACES).replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Post/Redirect/Get, also when a form comes back with errors: the POST answers with a redirect
# to the form's own page, which shows what was typed and what is wrong. Back and reload then
# never meet the browser's "confirm resubmission". What was typed rides in the session (signed,
# HttpOnly, never in a URL or a log) until the next GET of that page, and no longer.
_KEPT_FORM = "telemon.kept_form"
_KEPT_SECONDS = 600  # the redirect follows at once; a form left for longer is shown as new


def send_back(
    values: Mapping[str, Any], errors: Mapping[str, Any], to: str | None = None
) -> Response:
    """Answer a POST whose form has errors: keep `values` and `errors` for the next GET of
    `to` (the form's page; by default the address posted to) and redirect there (303)."""
    where = to or _this_address()
    session[_KEPT_FORM] = {
        "where": where,
        "values": _within_cookie(values),
        "errors": dict(errors),
        "at": int(time.time()),
    }
    return redirect(where, 303)


# A browser keeps a cookie of at most 4 KB, and the session carries more than the form: long
# texts (a note, a question) are shortened rather than lose the whole cookie.
_KEPT_BUDGET = 2400


def _within_cookie(values: Mapping[str, Any]) -> dict[str, Any]:
    kept = dict(values)
    while len(json.dumps(kept, ensure_ascii=False).encode()) > _KEPT_BUDGET:
        longest = max(
            (k for k, v in kept.items() if isinstance(v, str) and v),
            key=lambda k: len(kept[k]),
            default=None,
        )
        if longest is None:
            break
        kept[longest] = kept[longest][: len(kept[longest]) // 2]
    return kept


def kept_form() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What `send_back` kept for this page (values, errors), once; None when nothing was."""
    kept = session.get(_KEPT_FORM)
    if not kept or kept.get("where") != _this_address():
        return None
    session.pop(_KEPT_FORM, None)
    if int(time.time()) - int(kept.get("at") or 0) > _KEPT_SECONDS:
        return None  # left long ago: the page as new
    return dict(kept.get("values") or {}), dict(kept.get("errors") or {})


def _this_address() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + ("?" + query if query else "")


_SEARCHES = "telemon.searches"


def posted_search(page: str, text: str | None) -> None:
    """A search sent by POST (a CPR number never goes into a URL): kept in the session for
    `page` until the next search there; an empty one clears it."""
    kept: dict[str, str] = dict(session.get(_SEARCHES) or {})
    cleaned = (text or "").strip()[:100]
    if cleaned:
        kept[page] = cleaned
    else:
        kept.pop(page, None)
    session[_SEARCHES] = kept


def kept_search(page: str) -> str | None:
    return (session.get(_SEARCHES) or {}).get(page) or None
