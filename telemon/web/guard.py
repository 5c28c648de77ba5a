"""The page guard: every page of the web UI is behind it, and says which roles it serves.

    @bp.route("/patients")
    @signed_in("clinician", "gp")
    def patients(): ...

Someone not signed in is sent to the sign-in page and back here afterwards; a signed-in user
of another role gets the 403 page. The signed-in user is `g.user` in the view and its
templates. Which patients a user may see, and what they may do, is decided by telemon.access.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, request, url_for

from telemon.errors import Forbidden
from telemon.http.auth import web_user


def signed_in(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a page for users of these roles (any role when none are named)."""

    def guard(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = web_user()
            if user is None:
                return redirect(url_for("entry.sign_in", next=request.full_path.rstrip("?")))
            g.user = user
            if user.must_change_password:
                # A temporary password (new, or reset) opens nothing but its own change.
                return redirect(url_for("entry.change_password"))
            if roles and user.role not in roles:
                raise Forbidden("This page is not for your role.")
            return view(*args, **kwargs)

        return wrapper

    return guard
