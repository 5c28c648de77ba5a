"""Request and response shapes for identity and administration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing, validate

from telemon.http.ids import Id
from telemon.http.schema_fields import Cursor, Flag
from telemon.identity.passwords import MAX_LENGTH, MIN_LENGTH
from telemon.identity.service import teams_of
from telemon.identity.users import CURSOR_SHAPE as USER_CURSOR
from telemon.models import ORGANISATION_KINDS, ROLES

_PASSWORD_DOC = {
    "description": f"At least {MIN_LENGTH} characters, not a common password or an easy "
    "variation of one"
}


class TokenRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1000))


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires"})


def _gln_check_digit(value: str) -> None:
    """A GLN (EAN location number) ends in GS1's mod-10 check digit. (Anything but 13 digits
    is the Regexp's to refuse: marshmallow runs every validator.)"""
    if len(value) != 13 or not all("0" <= d <= "9" for d in value):
        return
    digits = [int(d) for d in value]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    if (10 - total % 10) % 10 != digits[-1]:
        raise ValidationError("The last digit is not the GLN's check digit.")


def _digits_only(value: str) -> None:
    """Python's `$` lets a trailing newline through the pattern (kept as OpenAPI states it)."""
    if not (value.isascii() and value.isdigit()):
        raise ValidationError("Digits only.")


# How MedCom names an organisation (CareCommunication's sender and receiver): its SOR code
# (the national health-organisation register) and its EAN/GLN location number.
_SOR = fields.String(
    allow_none=True,
    validate=[
        validate.Regexp(r"^[0-9]{1,20}$", error="A SOR code is 1 to 20 digits."),
        _digits_only,
    ],
    metadata={"description": "SOR code (Sundhedsvæsenets Organisationsregister), for MedCom"},
)
_EAN = fields.String(
    allow_none=True,
    validate=[
        validate.Regexp(r"^[0-9]{13}$", error="An EAN (GLN) number is 13 digits."),
        _digits_only,
        _gln_check_digit,
    ],
    metadata={"description": "EAN location number (GLN), for MedCom"},
)


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    sor_code = _SOR
    ean_code = _EAN


class OrganisationPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    sor_code = _SOR
    ean_code = _EAN


class OrganisationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    sor_code = fields.String(allow_none=True)
    ean_code = fields.String(allow_none=True)


_USERNAME = [
    validate.Length(min=3, max=80),
    validate.Regexp(r"^[A-Za-z0-9._@-]+$", error="Letters, digits and . _ @ - only."),
]


class UserIn(Schema):
    username = fields.String(required=True, validate=_USERNAME)
    password = fields.String(
        load_default=None,
        load_only=True,
        validate=validate.Length(max=MAX_LENGTH),
        metadata={
            "description": "Optional: without it a temporary password is made, returned once "
            "as temporary_password, and must be changed at the first sign-in. "
            + _PASSWORD_DOC["description"]
        },
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organisation_id = Id(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    full_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=120),
        metadata={"description": "Staff: the person's full name, shown as who did what"},
    )
    title = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=80),
        metadata={"description": "Staff: the professional title (sygeplejerske, overlæge)"},
    )
    patient_id = Id(
        load_default=None,
        allow_none=True,
        metadata={"description": "Role patient: the patient, registered by your organisation"},
    )
    language = fields.String(load_default="da", validate=validate.OneOf(("da", "en")))
    care_team_ids = fields.List(Id(), load_default=list)


class UserPatch(Schema):
    role = fields.String(validate=validate.OneOf(("admin", "clinician", "nurse", "gp")))
    care_team_ids = fields.List(Id())
    email = fields.Email(allow_none=True)
    full_name = fields.String(allow_none=True, validate=validate.Length(max=120))
    title = fields.String(allow_none=True, validate=validate.Length(max=80))
    language = fields.String(validate=validate.OneOf(("da", "en")))
    active = Flag(metadata={"description": "false: deactivated; sessions and tokens end at once"})


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    patient_id = fields.Integer(allow_none=True)
    language = fields.String()
    active = fields.Boolean()
    must_change_password = fields.Boolean()
    care_team_ids = fields.Method("_teams")
    created_at = fields.DateTime()
    deactivated_at = fields.DateTime(allow_none=True)

    def _teams(self, user: object) -> list[int]:
        return sorted(t.id for t in teams_of(getattr(user, "user", user)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class NewUser:
    """A user just created, with the temporary password telemon made for her, if any."""

    user: Any
    temporary_password: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


class NewUserOut(UserOut):
    temporary_password = fields.String(
        allow_none=True,
        metadata={"description": "Only when no password was given: hand it over, once"},
    )


class UserQuery(Schema):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Part of the username or e-mail address"},
    )
    role = fields.String(validate=validate.OneOf(ROLES))
    organisation_id = fields.Integer()
    active = fields.Boolean()
    care_team_id = fields.Integer()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    after = Cursor(USER_CURSOR)


class UserList(Schema):
    items = fields.List(fields.Nested(UserOut))
    next = fields.String(allow_none=True)


class PasswordResetOut(Schema):
    user_id = fields.Integer()
    temporary_password = fields.String(
        metadata={"description": "Hand it over once; it must be changed at the next sign-in"}
    )


class PasswordChangeIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=MAX_LENGTH)
    )
    new_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=MAX_LENGTH),
        metadata=_PASSWORD_DOC,
    )


class SignOutOut(Schema):
    ended = fields.Integer(metadata={"description": "Web sessions and API tokens ended"})


# The languages a care team's mail is written in (telemon.notify.messages).
TEAM_LANGUAGES = ("da", "en")


_OPENING_HOURS = {
    "description": "Opening hours on working days (Monday-Friday, public holidays closed), "
    "HH:MM-HH:MM, e.g. 08:00-15:30; null: the installation's TELEMON_WORKING_HOURS. The "
    'anticoagulation clinic says "today" to its patients only when open'
}
_OUT_OF_HOURS = {
    "description": "What the team's patients read when the clinic is closed (whom to call on "
    "bleeding); null: telemon's text in the patient's language"
}
_HOURS = validate.Regexp(r"^\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*$", error="HH:MM-HH:MM.")


class CareTeamIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = Id(required=True)
    email = fields.Email(required=True)
    escalation_email = fields.Email(load_default=None, allow_none=True)
    language = fields.String(
        load_default="da",
        validate=validate.OneOf(TEAM_LANGUAGES),
        metadata={"description": "The language of the team's mail: da (Danish) or en"},
    )
    opening_hours = fields.String(
        load_default=None, allow_none=True, validate=_HOURS, metadata=_OPENING_HOURS
    )
    out_of_hours_text = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata=_OUT_OF_HOURS,
    )
    member_ids = fields.List(Id(), load_default=list)


class CareTeamPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email()
    escalation_email = fields.Email(allow_none=True)
    language = fields.String(
        validate=validate.OneOf(TEAM_LANGUAGES),
        metadata={"description": "The language of the team's mail: da (Danish) or en"},
    )
    opening_hours = fields.String(allow_none=True, validate=_HOURS, metadata=_OPENING_HOURS)
    out_of_hours_text = fields.String(
        allow_none=True, validate=validate.Length(max=1000), metadata=_OUT_OF_HOURS
    )
    member_ids = fields.List(Id())


class CareTeamOut(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation_id = fields.Integer()
    email = fields.String()
    escalation_email = fields.String(allow_none=True)
    language = fields.String(
        metadata={"description": "The language of the team's mail: da (Danish) or en"}
    )
    opening_hours = fields.String(allow_none=True, metadata=_OPENING_HOURS)
    out_of_hours_text = fields.String(allow_none=True, metadata=_OUT_OF_HOURS)
    member_ids = fields.Method("_member_ids")

    def _member_ids(self, team: object) -> Any:
        if isinstance(team, dict):  # another organisation's team: its name only
            return missing
        return sorted(m.id for m in team.members)  # type: ignore[attr-defined]
