"""Request and response shapes for identity and administration."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from telemon.ids import Id
from telemon.models import ORGANISATION_KINDS, ROLES
from telemon.security import MIN_PASSWORD_LENGTH


class TokenRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1000))


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires"})


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))


class OrganisationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class UserIn(Schema):
    username = fields.String(
        required=True,
        validate=[
            validate.Length(min=3, max=80),
            validate.Regexp(r"^[A-Za-z0-9._@-]+$", error="Letters, digits and . _ @ - only."),
        ],
    )
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=1000)
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organisation_id = Id(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    patient_id = Id(load_default=None, allow_none=True)
    language = fields.String(load_default="da", validate=validate.OneOf(("da", "en")))


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    patient_id = fields.Integer(allow_none=True)
    language = fields.String()


class CareTeamIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = Id(required=True)
    email = fields.Email(required=True)
    escalation_email = fields.Email(load_default=None, allow_none=True)
    member_ids = fields.List(Id(), load_default=list)


class CareTeamOut(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation_id = fields.Integer()
    email = fields.String()
    escalation_email = fields.String(allow_none=True)
    member_ids = fields.Method("_member_ids")

    def _member_ids(self, team: object) -> list[int]:
        return sorted(m.id for m in team.members)  # type: ignore[attr-defined]
