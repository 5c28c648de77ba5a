"""Administration use cases: organisations, users and care teams. Each is one service function
owning its transaction (telemon.transactions), called alike by the JSON API, the console's pages
and (for the first users) the `telemon create-user` command.

Who may do what is decided in telemon.access ("Powers"); every change is audited with the
fields before and after (telemon.audit.record_change), never a password.
Managing existing users (list, change, deactivate, reset) is telemon.identity.users; what the
console and the API list (organisations, teams, staff) is telemon.identity.queries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from telemon import access, audit, clock
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.identity.passwords import password_problems, temporary_password
from telemon.models import CareTeam, Organisation, Patient, User
from telemon.security import hash_password
from telemon.transactions import use_case
from telemon.woundcare.working_hours import calendar_from_settings

STAFF_ROLES = ("admin", "clinician", "nurse", "gp")


def _admin_of(user: User, organisation_id: int | None) -> None:
    """A system admin administers every organisation, an organisation's admin only their own."""
    if user.role != "admin":
        raise Forbidden("Only administrators do this.")
    if not access.administers(user, organisation_id):
        raise Forbidden("Administrators manage their own organisation only.")


# ---- organisations --------------------------------------------------------------------------


def organisation_of(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "sor_code": organisation.sor_code,
        "ean_code": organisation.ean_code,
    }


def _sor_code_free(sor_code: str | None, organisation_id: int | None) -> None:
    """A SOR code names one organisation (MedCom addresses messages by it)."""
    if not sor_code:
        return
    other = db.session.scalar(
        select(Organisation.id).where(
            Organisation.sor_code == sor_code, Organisation.id != (organisation_id or 0)
        )
    )
    if other is not None:
        raise Conflict("Another organisation has this SOR code.", {"sor_code": ["Already in use."]})


@use_case
def create_organisation(
    actor: User,
    name: str,
    kind: str,
    sor_code: str | None = None,
    ean_code: str | None = None,
) -> Organisation:
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator creates organisations.")
    _sor_code_free(sor_code, None)
    organisation = Organisation(
        name=name, kind=kind, sor_code=sor_code, ean_code=ean_code, created_at=clock.now()
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record_change(
        actor,
        "organisation.create",
        "organisation",
        organisation.id,
        {},
        organisation_of(organisation),
    )
    return organisation


@use_case
def update_organisation(actor: User, organisation_id: int, data: dict[str, Any]) -> Organisation:
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator changes organisations.")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    before = organisation_of(organisation)
    if "sor_code" in data:
        _sor_code_free(data["sor_code"], organisation.id)
    for field in ("name", "kind", "sor_code", "ean_code"):
        if field in data:
            setattr(organisation, field, data[field])
    if organisation_of(organisation) != before:
        audit.record_change(
            actor,
            "organisation.update",
            "organisation",
            organisation.id,
            before,
            organisation_of(organisation),
        )
    return organisation


# ---- users ----------------------------------------------------------------------------------


def check_password(password: str, user_inputs: list[str], field: str = "password") -> None:
    problems = password_problems(password, user_inputs)
    if problems:
        raise Invalid("The password does not meet the rule.", {field: problems})


def _person(text: str | None) -> str | None:
    """A name or title as typed: trimmed, None when empty."""
    return (text or "").strip() or None


def user_of(user: User) -> dict[str, Any]:
    """What the audit trail keeps of a user: no password, no name of a patient."""
    return {
        "username": user.username,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "patient_id": user.patient_id,
        "email": user.email,
        "full_name": user.full_name,
        "title": user.title,
        "language": user.language,
        "active": user.active,
        "must_change_password": user.must_change_password,
        "care_team_ids": sorted(t.id for t in teams_of(user)),
    }


def teams_of(user: User) -> list[CareTeam]:
    return list(
        db.session.scalars(
            select(CareTeam).where(CareTeam.members.any(User.id == user.id)).order_by(CareTeam.name)
        )
    )


def create_user(actor: User, data: dict[str, Any]) -> User:
    """A new user (see create_user_with_password)."""
    return create_user_with_password(actor, data)[0]


@use_case
def create_user_with_password(actor: User, data: dict[str, Any]) -> tuple[User, str | None]:
    """A new user. Staff are created by an administrator of their organisation; a patient's
    login by the patient's registering organisation (its administrators or clinicians).

    Without a password a temporary one is made and returned (to be handed over once; it must
    be changed at the first sign-in); with one, None is returned beside the user."""
    role = data["role"]
    patient_id = data.get("patient_id")
    if role == "patient":
        organisation_id = _patient_login_organisation(actor, patient_id)
    else:
        if patient_id is not None:
            raise Invalid(
                "Only patient users name a patient.", {"patient_id": ["Only for patients."]}
            )
        organisation_id = data.get("organisation_id")
        if organisation_id is None and not actor.is_system_admin:
            organisation_id = actor.organisation_id
        _admin_of(actor, organisation_id)
        if organisation_id is None and role != "admin":
            raise Invalid(
                "Only a system administrator has no organisation.",
                {"organisation_id": ["Required for this role."]},
            )
        if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
            raise Invalid("Unknown organisation.", {"organisation_id": ["No such organisation."]})
    if db.session.scalar(select(User.id).where(User.username == data["username"])):
        raise Conflict("That username is taken.", {"username": ["Already in use."]})
    password = data.get("password")
    temporary = password is None
    if temporary:
        password = temporary_password()
    else:
        check_password(password, [data["username"], data.get("email") or ""])
    user = User(
        username=data["username"],
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
        email=data.get("email"),
        full_name=_person(data.get("full_name")) if role != "patient" else None,
        title=_person(data.get("title")) if role != "patient" else None,
        patient_id=patient_id,
        language=data.get("language", "da"),
        active=True,
        must_change_password=temporary,
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    if data.get("care_team_ids"):
        set_teams(user, data["care_team_ids"])
    audit.record_change(
        actor, "user.create", "user", user.id, {}, user_of(user), patient_id=patient_id
    )
    return user, password if temporary else None


@use_case
def create_user_by_operator(
    username: str, role: str, organisation_id: int | None, email: str | None, password: str
) -> User:
    """A staff user made by whoever runs `telemon create-user` on the server (the installation's
    first system administrator, say): no signed-in actor, so no power to check, but the same
    password rule and unique username as create_user. Without an organisation only an
    administrator (then a system administrator)."""
    check_password(password, [username, email or ""])
    if organisation_id is None and role != "admin":
        raise Invalid(
            "Only an admin may be created without an organisation.",
            {"organisation_id": ["Required for this role."]},
        )
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise Invalid(
            f"No organisation with id {organisation_id}.",
            {"organisation_id": ["No such organisation."]},
        )
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"The username {username!r} is taken.", {"username": ["Already in use."]})
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
        email=email,
        active=True,
        language="da",
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _patient_login_organisation(actor: User, patient_id: int | None) -> int:
    if patient_id is None:
        raise Invalid("A patient user names its patient.", {"patient_id": ["Required."]})
    patient = db.session.get(Patient, patient_id)
    if patient is None or not access.may_create_patient_login(actor, patient):
        if patient is not None:
            audit.record_refusal(actor, patient.id, "user.create", "user")
        raise Invalid(
            "Unknown patient.",
            {"patient_id": ["No patient registered by your organisation has this number."]},
        )
    assert patient.organisation_id is not None
    return patient.organisation_id


def set_teams(user: User, team_ids: list[int]) -> None:
    """Make the user a member of exactly these care teams (of the user's organisation)."""
    wanted = sorted(set(team_ids))
    teams = list(db.session.scalars(select(CareTeam).where(CareTeam.id.in_(wanted))))
    unknown = set(wanted) - {t.id for t in teams}
    if unknown:
        raise Invalid(
            "Unknown care team.", {"care_team_ids": [f"No such team: {sorted(unknown)}."]}
        )
    refused = sorted(t.id for t in teams if not access.may_join_care_team(user, t))
    if refused:
        raise Invalid(
            "Care teams hold active care staff of their own organisation.",
            {"care_team_ids": [f"Not a team this user may join: {refused}."]},
        )
    for team in teams_of(user):
        if team.id not in wanted:
            team.members.remove(user)
    for team in teams:
        if user not in team.members:
            team.members.append(user)


# ---- care teams -----------------------------------------------------------------------------


def team_of(team: CareTeam) -> dict[str, Any]:
    return {
        "name": team.name,
        "organisation_id": team.organisation_id,
        "email": team.email,
        "escalation_email": team.escalation_email,
        "language": team.language,
        "opening_hours": team.opening_hours,
        "out_of_hours_text": team.out_of_hours_text,
        "member_ids": sorted(m.id for m in team.members),
    }


def _members(team_organisation_id: int, member_ids: list[int]) -> list[User]:
    wanted = sorted(set(member_ids))
    members = list(db.session.scalars(select(User).where(User.id.in_(wanted))))
    unknown = set(wanted) - {m.id for m in members}
    if unknown:
        raise Invalid("Unknown members.", {"member_ids": [f"No such user: {sorted(unknown)}."]})
    probe = CareTeam(organisation_id=team_organisation_id)
    refused = sorted(m.id for m in members if not access.may_join_care_team(m, probe))
    if refused:
        raise Invalid(
            "Care teams hold active care staff of their own organisation.",
            {"member_ids": [f"Not care staff of this organisation: {refused}."]},
        )
    return members


@use_case
def create_care_team(actor: User, data: dict[str, Any]) -> CareTeam:
    _admin_of(actor, data["organisation_id"])
    if db.session.get(Organisation, data["organisation_id"]) is None:
        raise Invalid("Unknown organisation.", {"organisation_id": ["No such organisation."]})
    members = _members(data["organisation_id"], data.get("member_ids") or [])
    team = CareTeam(
        name=data["name"],
        organisation_id=data["organisation_id"],
        email=data["email"],
        escalation_email=data.get("escalation_email"),
        language=_team_language(data.get("language") or "da"),
        opening_hours=_opening_hours(data.get("opening_hours")),
        out_of_hours_text=(data.get("out_of_hours_text") or "").strip() or None,
        created_at=clock.now(),
    )
    team.members = members
    db.session.add(team)
    db.session.flush()
    audit.record_change(actor, "care_team.create", "care_team", team.id, {}, team_of(team))
    return team


@use_case
def update_care_team(actor: User, team_id: int, data: dict[str, Any]) -> CareTeam:
    """Change name, alert address, escalation address, mail language, opening hours, the text
    its patients read out of hours, or members (the team's administrator)."""
    team = get_care_team(team_id)
    if not access.may_manage_care_team(actor, team):
        raise Forbidden("Administrators manage their own organisation's teams only.")
    before = team_of(team)
    if "language" in data:
        team.language = _team_language(data["language"])
    if "opening_hours" in data:
        team.opening_hours = _opening_hours(data["opening_hours"])
    if "out_of_hours_text" in data:
        team.out_of_hours_text = (data["out_of_hours_text"] or "").strip() or None
    for field in ("name", "email", "escalation_email"):
        if field in data:
            setattr(team, field, data[field])
    if "member_ids" in data:
        team.members = _members(team.organisation_id, data["member_ids"])
    after = team_of(team)
    if after != before:
        audit.record_change(actor, "care_team.update", "care_team", team.id, before, after)
    return team


def _opening_hours(hours: str | None) -> str | None:
    """A team's opening hours on working days, "08:00-16:00" (None or blank: the
    installation's). 422 naming the field for anything else."""
    if hours is None or not str(hours).strip():
        return None
    text = str(hours).strip()
    try:
        calendar_from_settings("Europe/Copenhagen", text)
    except ValueError:
        raise Invalid(
            "Unknown opening hours.",
            {"opening_hours": ["Opening and closing time, e.g. 08:00-15:30."]},
        ) from None
    start, _, end = text.partition("-")
    return f"{start.strip()}-{end.strip()}"


def _team_language(language: object) -> str:
    """The language of a team's mail: "da" or "en" (422 naming the field else)."""
    if language not in ("da", "en"):
        raise Invalid("Unknown language.", {"language": ["Must be one of: da, en."]})
    return str(language)


def get_care_team(team_id: int) -> CareTeam:
    team = db.session.get(CareTeam, team_id)
    if team is None:
        raise NotFound("No such care team.")
    return team
