"""The home nurse's messages with a patient's care team: her questions and its answers
(telemon.web.components.message_thread)."""

from __future__ import annotations

from typing import Any

from telemon.web.components.message_thread import thread_page
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp


@bp.route("/patients/<int:patient_id>/messages", methods=["GET", "POST"], endpoint="messages")
@signed_in(*ROLES)
def messages_page(patient_id: int) -> Any:
    return thread_page("home/messages.html", patient_id)
