"""Slowing down password guessing: failed sign-ins are limited per user name as well as per
address, so that guessing one user's password from many addresses is slow too.

The per-address limit is TELEMON_LOGIN_LIMIT ("5 per minute"), the per-user-name limit
TELEMON_LOGIN_USER_LIMIT ("10 per 15 minutes"); each is one budget across every endpoint that
checks a password (POST /api/v1/auth/token, POST /api/v1/auth/password, the web's /sign-in),
so that an address gets 5 guesses a minute, not 5 at each. Only failures count (deduct_when). A user
name limited this way waits like an address does: even the right password is refused until
the window has passed, or guessing could go on.
"""

from __future__ import annotations

from flask import current_app, request

from telemon.extensions import limiter


def user_name_key() -> str:
    """The limiter's key: the user name tried (JSON body or form), case and blanks ignored."""
    data = request.get_json(silent=True) if request.is_json else request.form
    name = data.get("username") if hasattr(data, "get") else None
    return "username:" + (name.strip().lower()[:80] if isinstance(name, str) else "")


def _per_address() -> str:
    return str(current_app.config["TELEMON_LOGIN_LIMIT"])


def _per_user_name() -> str:
    return str(current_app.config["TELEMON_LOGIN_USER_LIMIT"])


def _failed(response: object) -> bool:
    return getattr(response, "status_code", None) == 401


def per_user_name() -> object:
    """The decorator that limits failed attempts per user name. One count per user name for
    every endpoint that checks a password (API token, web sign-in, password change)."""
    return limiter.shared_limit(
        _per_user_name,
        scope="password-per-user-name",
        key_func=user_name_key,
        methods=["POST"],
        deduct_when=_failed,
    )


def per_address() -> object:
    """The decorator that limits failed attempts per address (the limiter's default key):
    one count per address for every endpoint that checks a password."""
    return limiter.shared_limit(
        _per_address,
        scope="password-per-address",
        methods=["POST"],
        deduct_when=_failed,
    )
