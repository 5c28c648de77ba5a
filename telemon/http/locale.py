"""The language of a request: signed-in users get the language stored on their user; before
signing in, the language chosen in this session, else the best match of the browser's
Accept-Language, falling back to Danish. Babel asks select_locale() (telemon.app)."""

from __future__ import annotations

from flask import g, request, session

from telemon.http.auth import web_user
from telemon.i18n import DEFAULT_LANGUAGE, LANGUAGES


def select_locale() -> str:
    # While the database is unreachable (errors.handle_database_unavailable) it is not asked.
    user = web_user() if request and not g.get("database_unavailable") else None
    if user is not None and user.language in LANGUAGES:
        return user.language
    if session.get("language") in LANGUAGES:
        return str(session["language"])
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
