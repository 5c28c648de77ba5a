"""Server-side records of signed-in browsers, and the revocation of API tokens.

The session cookie holds only a random key; the database holds its SHA-256 (WebSession). So
signing out deletes the record and a copied cookie signs in nobody; deactivating a user or
resetting her password ends all her sessions and API tokens at once. A session also ends after
PERMANENT_SESSION_LIFETIME seconds without a request (the idle limit), checked here on the
server, not only by the cookie's expiry.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from telemon import clock
from telemon.extensions import db
from telemon.models import ApiToken, User, WebSession
from telemon.security import new_token, token_digest

# last_seen_at is written at most this often per session, not on every request.
_TOUCH_EVERY = timedelta(seconds=60)


def _idle_limit() -> timedelta:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=int(lifetime))


def start(user: User) -> str:
    """A new session for the user; returns the key to put in the cookie. Commits."""
    key = new_token()
    now = clock.now()
    db.session.execute(
        delete(WebSession).where(
            WebSession.user_id == user.id, WebSession.last_seen_at < now - _idle_limit()
        )
    )
    db.session.add(
        WebSession(id=token_digest(key), user_id=user.id, created_at=now, last_seen_at=now)
    )
    db.session.commit()
    return key


def user_for(key: str) -> User | None:
    """The active user whose session this key opens, or None (unknown, ended, idle too long).

    Refreshes the session's last request time in a transaction of its own, so that reading a
    page (which may commit nothing) keeps the session alive."""
    now = clock.now()
    digest = token_digest(key)
    row = db.session.execute(
        select(User, WebSession.last_seen_at)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.id == digest, User.active.is_(True))
    ).first()
    if row is None or row.last_seen_at < now - _idle_limit():
        return None
    if row.last_seen_at < now - _TOUCH_EVERY:
        with db.engine.begin() as connection:
            connection.execute(
                update(WebSession).where(WebSession.id == digest).values(last_seen_at=now)
            )
    user: User = row.User
    return user


def end(key: str | None) -> None:
    """Sign this browser out: its key opens nothing from now on. Commits."""
    if key:
        db.session.execute(delete(WebSession).where(WebSession.id == token_digest(key)))
        db.session.commit()


def end_all(user_id: int) -> int:
    """End every web session and revoke every API token of the user, in the caller's
    transaction. Returns how many were ended."""
    sessions = db.session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    tokens = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    return int(sessions.rowcount or 0) + int(tokens.rowcount or 0)


def revoke_token(token: str) -> bool:
    """Revoke this bearer token (signing out of the API). Commits; False if unknown."""
    result = db.session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    db.session.commit()
    return bool(result.rowcount)
