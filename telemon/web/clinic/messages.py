"""The care team's view of a patient's message thread: read, answer, mark handled (one use
case each, telemon.messages.service)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from telemon.i18n import N_
from telemon.messages import service
from telemon.web.clinic import ROLES, bp
from telemon.web.components.message_thread import thread_page
from telemon.web.guard import signed_in
from telemon.web.safe_redirect import local_target

# The work list's word for the kind (telemon.worklist): a message to the team.
WORKLIST_WORDS = (N_("message"), N_("answered"), N_("handled"))


@bp.route("/patients/<int:patient_id>/messages", methods=["GET", "POST"], endpoint="messages")
@signed_in(*ROLES)
def messages_page(patient_id: int) -> Any:
    return thread_page("clinic/messages.html", patient_id)


@bp.route("/messages/<int:message_id>/handled", methods=["POST"], endpoint="message_handled")
@signed_in(*ROLES)
def message_handled(message_id: int) -> Response:
    message = service.mark_handled(g.user, message_id)
    flash(_("The message is marked handled."))
    back = url_for("clinic.messages", patient_id=message.patient_id)
    return redirect(local_target(request.form.get("back"), back))
