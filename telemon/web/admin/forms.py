"""Form handling shared by the console's pages: field errors in the reader's language, and a
form key so that a double click or a resent form stores once."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import session
from flask_babel import get_locale
from flask_babel import gettext as _

from telemon.i18n import N_

# The services' field messages that reach these pages, so that they are translated.
MESSAGES = (
    N_("At least 12 characters."),
    N_("Too common or too easy to guess; use a few unrelated words."),
    N_("Already in use."),
    N_("Letters, digits and . _ @ - only."),
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
