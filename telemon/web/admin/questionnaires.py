"""Questionnaires in the administration console: the list, publishing one (a file: a FHIR
Questionnaire or an OpenTele export; a new version is a new file), a preview that walks the
branches exactly as the patient will see them, retiring. The system administrator publishes for
the programmes (telemon.questionnaires.service decides who may)."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.errors import TelemonError
from telemon.models import PROGRAMMES
from telemon.questionnaires import service
from telemon.web.admin import ROLES, bp
from telemon.web.components import questionnaire_form
from telemon.web.components.forms import kept_form, send_back
from telemon.web.guard import signed_in

MAX_UPLOAD = 2 * 1024 * 1024


@bp.route("/questionnaires", methods=["GET", "POST"])
@signed_in(*ROLES)
def questionnaires() -> Any:
    error = None
    if request.method == "POST":
        upload = request.files.get("document")
        raw = upload.read(MAX_UPLOAD + 1) if upload else b""
        try:
            document = json.loads(raw.decode("utf-8")) if raw and len(raw) <= MAX_UPLOAD else None
        except (UnicodeDecodeError, ValueError):
            document = None
        if not isinstance(document, dict):
            error = _("Choose a JSON file: a FHIR Questionnaire or an OpenTele export.")
        else:
            source = "fhir" if document.get("resourceType") == "Questionnaire" else "opentele"
            programme = request.form.get("programme") or "copd"
            try:
                published = service.publish(g.user, document, source, programme)
            except TelemonError as refused:
                error = _("Not published: %(why)s", why=refused.detail)
            else:
                flash(
                    _("Published.")
                    if published.created
                    else _("This version was published already.")
                )
                return redirect(url_for("admin.questionnaires"))
        # Refused: Post/Redirect/Get, the list shows why (Back never resends the file).
        return send_back({}, {"document": error})
    kept = kept_form()
    if kept is not None:
        error = kept[1].get("document")
    return render_template(
        "admin/questionnaires.html",
        questionnaires=service.find(),
        programmes=PROGRAMMES,
        error=error,
    )


@bp.route("/questionnaires/<int:questionnaire_id>/preview", methods=["GET", "POST"])
@signed_in(*ROLES)
def questionnaire_preview(questionnaire_id: int) -> Any:
    return questionnaire_form.step(
        g.user,
        None,
        questionnaire_id,
        request.form if request.method == "POST" else None,
        done_url=url_for("admin.questionnaires"),
        back_url=url_for("admin.questionnaires"),
        preview=True,
    )


@bp.route("/questionnaires/<int:questionnaire_id>/retire", methods=["POST"])
@signed_in(*ROLES)
def questionnaire_retire(questionnaire_id: int) -> Response:
    service.retire(g.user, questionnaire_id)
    flash(_("Retired: it takes no new answers."))
    return redirect(url_for("admin.questionnaires"))
