"""How often one account may learn that a CPR number is registered: whether it is, is itself
health data. One budget per account (TELEMON_CPR_CONFLICT_LIMIT, "10 per hour") for the API's
POST /api/v1/patients and the console's registration form alike; only "registered" answers
(409, or the web form's redirect back after one: `g.cpr_registered`) count."""

from __future__ import annotations

from flask import current_app, g, request

from telemon.errors import TelemonError
from telemon.extensions import limiter
from telemon.http.auth import api_user, web_user


def _cpr_conflict_limit() -> str:
    return str(current_app.config["TELEMON_CPR_CONFLICT_LIMIT"])


def _caller_key() -> str:
    # Per user, not per address: a CPR probe is limited for the account that makes it.
    if request.path.startswith("/api/"):
        try:
            return f"user:{api_user().id}"
        except TelemonError:
            return f"address:{request.remote_addr}"  # refused with 401 anyway
    user = web_user()
    return f"user:{user.id}" if user else f"address:{request.remote_addr}"


def per_account_cpr_conflicts() -> object:
    """The decorator of every endpoint that can answer "this CPR number is registered"."""
    return limiter.shared_limit(
        _cpr_conflict_limit,
        scope="cpr-registered",
        key_func=_caller_key,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 409 or g.get("cpr_registered", False),
    )
