"""Administration use cases: organisations, users and care teams."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from telemon import access, clock
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.models import CareTeam, Organisation, Patient, User
from telemon.security import hash_password


def _admin_of(user: User, organisation_id: int | None) -> None:
    """A system admin administers every organisation, an organisation's admin only their own."""
    if user.role != "admin":
        raise Forbidden("Only administrators do this.")
    if not user.is_system_admin and user.organisation_id != organisation_id:
        raise Forbidden("Administrators manage their own organisation only.")


def create_organisation(actor: User, name: str, kind: str) -> Organisation:
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator creates organisations.")
    organisation = Organisation(name=name, kind=kind, created_at=clock.now())
    db.session.add(organisation)
    db.session.commit()
    return organisation


def create_user(actor: User, data: dict[str, Any]) -> User:
    organisation_id = data.get("organisation_id")
    if organisation_id is None and not actor.is_system_admin:
        organisation_id = actor.organisation_id
    _admin_of(actor, organisation_id)
    role = data["role"]
    if organisation_id is None and role != "admin":
        raise Invalid(
            "Only a system administrator has no organisation.",
            {"organisation_id": ["Required for this role."]},
        )
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise Invalid("Unknown organisation.", {"organisation_id": ["No such organisation."]})
    patient_id = data.get("patient_id")
    if role == "patient":
        if patient_id is None:
            raise Invalid("A patient user names its patient.", {"patient_id": ["Required."]})
        if db.session.get(Patient, patient_id) is None or not (
            actor.is_system_admin or access.may_see_patient(actor, patient_id)
        ):
            raise Invalid("Unknown patient.", {"patient_id": ["No such patient of yours."]})
    elif patient_id is not None:
        raise Invalid("Only patient users name a patient.", {"patient_id": ["Only for patients."]})
    if db.session.scalar(select(User.id).where(User.username == data["username"])):
        raise Conflict("That username is taken.", {"username": ["Already in use."]})
    user = User(
        username=data["username"],
        password_hash=hash_password(data["password"]),
        role=role,
        organisation_id=organisation_id,
        email=data.get("email"),
        patient_id=patient_id,
        language=data.get("language", "da"),
        active=True,
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_care_team(actor: User, data: dict[str, Any]) -> CareTeam:
    _admin_of(actor, data["organisation_id"])
    if db.session.get(Organisation, data["organisation_id"]) is None:
        raise Invalid("Unknown organisation.", {"organisation_id": ["No such organisation."]})
    member_ids = sorted(set(data.get("member_ids") or []))
    members = db.session.scalars(select(User).where(User.id.in_(member_ids))).all()
    unknown = set(member_ids) - {m.id for m in members}
    if unknown:
        raise Invalid("Unknown members.", {"member_ids": [f"No such user: {sorted(unknown)}."]})
    if any(m.role in ("patient", "admin") for m in members):
        raise Invalid(
            "Care teams hold care staff.",
            {"member_ids": ["Patients and administrators cannot be members."]},
        )
    team = CareTeam(
        name=data["name"],
        organisation_id=data["organisation_id"],
        email=data["email"],
        escalation_email=data.get("escalation_email"),
        created_at=clock.now(),
    )
    team.members = list(members)
    db.session.add(team)
    db.session.commit()
    return team


def get_care_team(team_id: int) -> CareTeam:
    team = db.session.get(CareTeam, team_id)
    if team is None:
        raise NotFound("No such care team.")
    return team
