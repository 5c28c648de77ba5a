"""The page guard: every page of the web UI is behind it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, request, url_for

from telemon.auth import web_user
from telemon.errors import Forbidden

STAFF_ROLES = ("clinician", "nurse", "gp")


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = web_user()
        if user is None:
            return redirect(url_for("entry.sign_in", next=request.path))
        if user.role not in STAFF_ROLES:
            raise Forbidden("The web UI is for care staff; use the app or the API.")
        g.user = user
        return view(*args, **kwargs)

    return wrapper
