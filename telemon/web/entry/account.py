"""Signing in and out, and the language of the pages."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.auth import authenticate, web_user
from telemon.extensions import db, limiter
from telemon.i18n import LANGUAGES
from telemon.web.entry import bp
from telemon.web.safe_redirect import local_target


def _login_limit() -> str:
    return str(current_app.config["TELEMON_LOGIN_LIMIT"])


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 401)
def sign_in() -> Any:
    if request.method == "GET":
        return render_template("entry/sign_in.html")
    user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        return render_template("entry/sign_in.html", error=_("Wrong username or password.")), 401
    language = session.get("language")
    session.clear()
    session["user_id"] = user.id
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
            user.language = chosen
            db.session.commit()
    return redirect(local_target(request.form.get("back"), url_for("entry.landing")))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    session.clear()
    return redirect(url_for("entry.sign_in"))
