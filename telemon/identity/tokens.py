"""Signing in to the API: a bearer token for a username and password (one use case)."""

from __future__ import annotations

from telemon.errors import Forbidden, Unauthorized
from telemon.http.auth import authenticate, issue_token
from telemon.transactions import use_case


@use_case
def sign_in_for_token(username: str, password: str) -> tuple[str, int]:
    """A new bearer token and its lifetime in seconds, for an active user whose password this
    is (401 else, as long for an unknown name). A temporary password (new, or reset by an
    administrator) gets no token: 403 until she has changed it."""
    user = authenticate(username, password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    if user.must_change_password:
        raise Forbidden("The password is temporary; change it first (POST /api/v1/auth/password).")
    return issue_token(user)
