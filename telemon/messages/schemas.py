"""Message shapes for the API: the validation and the OpenAPI document in one place."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from telemon.http.ids import Id
from telemon.http.schema_fields import Cursor
from telemon.messages.service import CURSOR_SHAPE
from telemon.messages.thread import MAX_LENGTH
from telemon.vocabulary import MessageWork


class MessageIn(Schema):
    client_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The client's own id (a UUID): a retry stores nothing new"},
    )
    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    reply_to = Id(load_default=None, allow_none=True)


def _sender_name(message: Any) -> str | None:
    if message.sender is not None:
        return str(message.sender.username)
    return message.sender_display  # type: ignore[no-any-return]


class MessageOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    care_team_id = fields.Integer()
    client_id = fields.String()
    body = fields.String()
    reply_to = fields.Integer(attribute="reply_to_id", allow_none=True)
    sender_id = fields.Integer(allow_none=True)
    sender_name = fields.Function(
        _sender_name,
        metadata={"type": "string", "description": "User name, or a received message's author"},
    )
    sender_role = fields.String()
    from_team = fields.Boolean(metadata={"description": "Written by the responsible care team"})
    to_organisation_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The organisation a team answer is addressed to (a nurse's)"},
    )
    sent_at = fields.DateTime()
    read_by_team_at = fields.DateTime(allow_none=True)
    read_by_patient_at = fields.DateTime(allow_none=True)
    read_by_organisation_at = fields.DateTime(allow_none=True)
    work_status = fields.String(
        metadata={"enum": [w.value for w in MessageWork], "description": "Work for the team"}
    )
    due_at = fields.DateTime(allow_none=True)
    handled_at = fields.DateTime(allow_none=True)
    source = fields.String(metadata={"enum": ["telemon", "carecommunication"]})


class MessageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    after = Cursor(CURSOR_SHAPE)


class MessageList(Schema):
    items = fields.List(fields.Nested(MessageOut))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last page"},
    )
