"""Shapes for the administration endpoints: public holidays and the audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from telemon.administration.audit_trail import CURSOR_SHAPE
from telemon.http.schema_fields import Cursor
from telemon.ingest.schemas import AwareDateTime


class HolidayOut(Schema):
    day = fields.Date()
    name = fields.String()


class HolidayQuery(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2200))


class HolidayIn(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=100))


class PatientLookupIn(Schema):
    cpr = fields.String(
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "In the body, never in a URL"},
    )


class PatientLookupOut(Schema):
    patient_id = fields.Integer()


class TrailQuery(Schema):
    since = AwareDateTime()
    until = AwareDateTime()
    action = fields.String(
        validate=validate.Length(max=60),
        metadata={"description": 'An action or its family, e.g. "patient" or "user.create"'},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = Cursor(CURSOR_SHAPE)


class TrailEntryOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    user_id = fields.Integer(allow_none=True)
    username = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    patient_id = fields.Integer(allow_none=True)
    action = fields.String()
    resource_type = fields.String()
    resource_id = fields.String(allow_none=True)
    outcome = fields.String(
        metadata={"description": "allowed | denied | failed (an allowed write that stored nothing)"}
    )
    client_address = fields.String(allow_none=True)
    changes = fields.Dict(
        allow_none=True, metadata={"description": "For a change: before and after"}
    )


class TrailOut(Schema):
    items = fields.List(fields.Nested(TrailEntryOut))
    next = fields.String(allow_none=True)
