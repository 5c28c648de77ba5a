"""The patient's "Beskeder": her messages with her care team
(telemon.web.components.message_thread)."""

from __future__ import annotations

from typing import Any

from flask import g

from telemon.errors import NotFound
from telemon.web.components.message_thread import thread_page
from telemon.web.guard import signed_in
from telemon.web.patient import ROLES, bp


@bp.route("/messages", methods=["GET", "POST"], endpoint="messages")
@signed_in(*ROLES)
def messages_page() -> Any:
    if g.user.patient_id is None:
        raise NotFound("This login names no patient.")
    return thread_page("patient/messages.html", g.user.patient_id)
