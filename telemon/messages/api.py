"""The message endpoints: write into a patient's thread, read it, mark a message read or
handled. Each is one use case of telemon.messages.service."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from telemon.http.auth import api_user
from telemon.messages import schemas, service

bp = Blueprint("messages", __name__, url_prefix="/api/v1", description="Messages")


@bp.route("/patients/<int:patient_id>/messages", methods=["POST"])
@bp.arguments(schemas.MessageIn)
@bp.response(201, schemas.MessageOut)
@bp.alt_response(409, description="The client_id was used before for another message")
def post_message(data: dict[str, Any], patient_id: int) -> Any:
    """Write into the patient's thread with her responsible care team.

    Who writes: the patient about herself, users of the organisations the enrolment is shared
    with, the responsible care team. A message from anyone but the team is work in the team's
    queue, due in its working hours, and the team is mailed (no patient data, a link).
    Idempotent on client_id: the same message again answers the stored one."""
    return service.write(api_user(*service.READ_ROLES), patient_id, data)


@bp.route("/patients/<int:patient_id>/messages", methods=["GET"])
@bp.arguments(schemas.MessageQuery, location="query")
@bp.response(200, schemas.MessageList)
def list_messages(args: dict[str, Any], patient_id: int) -> Any:
    """The patient's thread, newest first: a page of `limit` (50 unless asked) and `next`."""
    page = service.thread_page(
        api_user(*service.READ_ROLES), patient_id, args["limit"], args.get("after")
    )
    return {"items": page.items, "next": page.next}


@bp.route("/messages/<int:message_id>/read", methods=["POST"])
@bp.response(200, schemas.MessageOut)
def read_message(message_id: int) -> Any:
    """The caller has read the message (the team, the patient, or the organisation a team
    answer is addressed to; the first time counts)."""
    return service.mark_read(api_user(*service.READ_ROLES), message_id)


@bp.route("/messages/<int:message_id>/handled", methods=["POST"])
@bp.response(200, schemas.MessageOut)
@bp.alt_response(409, description="The message is the team's own: no work to handle")
def handle_message(message_id: int) -> Any:
    """A member of the responsible care team takes the message off the queue unanswered."""
    return service.mark_handled(api_user(), message_id)
