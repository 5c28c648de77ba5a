"""Signing in and out, changing one's password, and the language of the pages. The session
store (telemon.http.sessions) opens and ends the browser's session around the use cases
(telemon.identity.users)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.errors import Invalid, Unauthorized
from telemon.http import sessions
from telemon.http.auth import SESSION_KEY, authenticate, forget_web_user, web_user
from telemon.i18n import LANGUAGES
from telemon.identity import limits, users
from telemon.web.components.forms import field_errors, kept_form, send_back
from telemon.web.entry import bp
from telemon.web.safe_redirect import local_target


@bp.route("/sign-in", methods=["GET", "POST"])
@limits.per_address()
@limits.per_user_name()
def sign_in() -> Any:
    if request.method == "GET":
        return render_template("entry/sign_in.html")
    user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        return render_template("entry/sign_in.html", error=_("Wrong username or password.")), 401
    language = session.get("language")
    sessions.end(session.get(SESSION_KEY))
    session.clear()
    session[SESSION_KEY] = sessions.start(user)
    forget_web_user()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request
    if language:
        session["language"] = language
    return redirect(local_target(request.args.get("next"), url_for("entry.landing")))


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """Switch the UI language; remembered on the user when signed in."""
    chosen = request.form.get("language")
    if chosen in LANGUAGES:
        session["language"] = chosen
        user = web_user()
        if user is not None:
            users.choose_language(user, chosen)
    return redirect(local_target(request.form.get("back"), url_for("entry.landing")))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    sessions.end(session.get(SESSION_KEY))  # a copy of the cookie opens nothing from now on
    session.clear()
    return redirect(url_for("entry.sign_in"))


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Any:
    """Change one's own password; a temporary one must be changed here before anything else
    (telemon.web.guard sends the user here). Every session of hers ends, this one included:
    she is signed in again with the new password."""
    user = web_user()
    if user is None:
        return redirect(url_for("entry.sign_in", next=request.path))
    g.user = user
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        errors = kept[1]
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        if new != request.form.get("repeat_password", ""):
            errors["repeat_password"] = _("The two new passwords differ.")
        else:
            try:
                users.change_own_password(user, current, new)
            except Unauthorized:
                errors["current_password"] = _("Wrong password.")
            except Invalid as invalid:
                errors = field_errors(invalid.errors)
            else:
                session.clear()
                session[SESSION_KEY] = sessions.start(user)
                forget_web_user()
                session.permanent = True
                flash(_("Your password is changed."))
                return redirect(url_for("entry.landing"))
        return send_back({}, errors)  # what is wrong; never a password, not even to show again
    return render_template("entry/password.html", errors=errors), (422 if errors else 200)
