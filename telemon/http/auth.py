"""Who is calling: bearer tokens for the API, the session for the web UI."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, has_request_context, request, session
from sqlalchemy import bindparam, delete, select

from telemon import clock
from telemon.errors import Forbidden, Unauthorized
from telemon.extensions import db
from telemon.http import sessions
from telemon.models import ApiToken, User
from telemon.security import new_token, token_digest, verify_password

REQUEST_USER = "telemon.api_user"
# The name, in the signed cookie, of the key of the browser's server-side session.
SESSION_KEY = "sid"


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, else None (same cost either way)."""
    user = db.session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    return user


def issue_token(user: User) -> tuple[str, int]:
    """A new bearer token for the user and its lifetime in seconds, stored in the caller's
    transaction (the use case signing in: telemon.identity.tokens). Expired tokens are pruned."""
    ttl = int(current_app.config["TELEMON_TOKEN_TTL_SECONDS"])
    now = clock.now()
    token = new_token()
    db.session.execute(delete(ApiToken).where(ApiToken.expires_at < now))
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    return token, ttl


# One query for the token and its user: every API call runs it. Built once, with its values
# bound at each call: SQLAlchemy then neither builds the statement nor computes its cache key
# again (a statement object remembers its key), and finds the compiled SQL in its cache.
_TOKEN_USER = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.expires_at > bindparam("now"),
        User.active.is_(True),
    )
)


def _user_from_bearer() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return db.session.scalar(
        _TOKEN_USER, {"digest": token_digest(token.strip()), "now": clock.now()}
    )


def api_user(*roles: str) -> User:
    """The API caller, who must hold one of `roles` (any role when none given)."""
    # Cached on the request itself: an app context (and its `g`) may outlive one request.
    if REQUEST_USER not in request.environ:
        request.environ[REQUEST_USER] = _user_from_bearer()
    user: User | None = request.environ[REQUEST_USER]
    if user is None:
        raise Unauthorized("A valid bearer token is required.")
    if roles and user.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
    return user


_WEB_USER = "telemon.web_user"


def web_user() -> User | None:
    """The user signed in to the web UI, or None: the cookie's key must open a server-side
    session that has not ended (telemon.http.sessions). Looked up once per request."""
    if _WEB_USER not in request.environ:
        key = session.get(SESSION_KEY)
        request.environ[_WEB_USER] = sessions.user_for(key) if isinstance(key, str) else None
    user: User | None = request.environ[_WEB_USER]
    return user


def forget_web_user() -> None:
    """Look the signed-in user up anew (after signing in or out within this request)."""
    request.environ.pop(_WEB_USER, None)


def known_user() -> User | None:
    """The user this request is known to be made by so far, without looking anyone up: the
    API caller once authenticated, or the web user the page guard found (g.user)."""
    if not has_request_context():
        return None
    user = request.environ.get(REQUEST_USER) or g.get("user")
    return user if isinstance(user, User) else None
