"""The synthetic region the tests run in (tests/conftest.py's `world` and `wounds` fixtures).

`build_world` builds it through the services a real admin would use: a hospital with a lung
team, two municipalities, a GP practice, and a COPD patient shared with one municipality and
the GP. The session builds it once and snapshots it (tests/apps.py); each test that asks for
it gets it back by the ids it was built with (`load_world`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select

from telemon import clock
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import CareTeam, Enrollment, Organisation, Patient, User
from telemon.patients import service as patients
from telemon.security import hash_password
from tests.helpers import PASSWORD


@dataclass
class World:
    hospital: Any
    municipality: Any
    other_municipality: Any
    gp_practice: Any
    lung_team: Any
    admin: Any
    clinician: Any
    other_clinician: Any
    nurse: Any
    other_nurse: Any
    gp: Any
    patient: Any
    patient_user: Any
    enrollment: Any


_ORGANISATIONS = ("hospital", "municipality", "other_municipality", "gp_practice")
_USERS = ("admin", "clinician", "other_clinician", "nurse", "other_nurse", "gp", "patient_user")
MODELS: dict[str, Any] = {
    **dict.fromkeys(_ORGANISATIONS, Organisation),
    **dict.fromkeys(_USERS, User),
    "lung_team": CareTeam,
    "patient": Patient,
    "enrollment": Enrollment,
}


def world_ids(world: World) -> dict[str, int]:
    return {f.name: getattr(world, f.name).id for f in fields(World)}


def load_world(ids: dict[str, int]) -> World:
    """The world as built, read back by its ids into the current session."""
    loaded = {name: db.session.get(MODELS[name], id_) for name, id_ in ids.items()}
    assert all(v is not None for v in loaded.values()), "the world's snapshot was not restored"
    return World(**loaded)


def build_world() -> World:
    """A synthetic region, built through the services a real admin would use."""
    root = User(
        username="root",
        password_hash=hash_password(PASSWORD),
        role="admin",
        active=True,
        language="en",
        created_at=clock.now(),
    )
    db.session.add(root)
    db.session.commit()
    hospital = identity.create_organisation(root, "Synthetic Hospital", "hospital")
    municipality = identity.create_organisation(root, "Synthetic Municipality", "municipality")
    other = identity.create_organisation(root, "Other Municipality", "municipality")
    gp_practice = identity.create_organisation(root, "Synthetic GP", "gp_practice")

    def user(name: str, role: str, org: Any, by: Any = None, **extra: Any) -> Any:
        return identity.create_user(
            by or root,
            {
                "username": name,
                "password": PASSWORD,
                "role": role,
                "organisation_id": org.id if org else None,
                "email": f"{name}@example.invalid",
                **extra,
            },
        )

    admin = user("hospital-admin", "admin", hospital)
    clinician = user("clinician", "clinician", hospital)
    other_clinician = user("other-clinician", "clinician", other)
    nurse = user("nurse", "nurse", municipality)
    other_nurse = user("other-nurse", "nurse", other)
    gp = user("gp", "gp", gp_practice)
    team = identity.create_care_team(
        admin,
        {
            "name": "Lung team",
            "organisation_id": hospital.id,
            "email": "lung-team@example.invalid",
            "escalation_email": "lung-lead@example.invalid",
            "member_ids": [clinician.id],
        },
    )
    patient = patients.create_patient(
        clinician,
        {"cpr": "0101701234", "name": "Synthetic Patient", "birth_date": date(1970, 1, 1)},
    )
    # A patient's login is made by the registering organisation.
    patient_user = user("patient", "patient", hospital, by=admin, patient_id=patient.id)
    enrollment = patients.enroll(
        clinician,
        patient.id,
        {
            "programme": "copd",
            "care_team_id": team.id,
            "shared_with": [municipality.id, gp_practice.id],
        },
    )
    return World(
        hospital,
        municipality,
        other,
        gp_practice,
        team,
        admin,
        clinician,
        other_clinician,
        nurse,
        other_nurse,
        gp,
        patient,
        patient_user,
        enrollment,
    )


def root_user() -> Any:
    return db.session.scalar(select(User).where(User.username == "root"))


@dataclass
class WoundWorld:
    base: World
    clinic: Any
    specialist: Any
    home_nursing: Any
    enrollment: Any


def build_wounds(world: World) -> WoundWorld:
    """The world, plus a hospital wound clinic that treats world.patient's wound, shared with
    the nurse's municipality, and the nurse's home-nursing team."""
    specialist = identity.create_user(
        world.admin,
        {
            "username": "wound-specialist",
            "password": PASSWORD,
            "role": "clinician",
            "organisation_id": world.hospital.id,
            "email": "wound-specialist@example.invalid",
        },
    )
    clinic = identity.create_care_team(
        world.admin,
        {
            "name": "Wound clinic",
            "organisation_id": world.hospital.id,
            "email": "wound-clinic@example.invalid",
            "escalation_email": "wound-lead@example.invalid",
            "member_ids": [specialist.id],
        },
    )
    home_nursing = identity.create_care_team(
        root_user(),
        {
            "name": "Home nursing district 1",
            "organisation_id": world.municipality.id,
            "email": "home-nursing@example.invalid",
            "member_ids": [world.nurse.id],
        },
    )
    enrollment = patients.enroll(
        world.clinician,
        world.patient.id,
        {"programme": "wound", "care_team_id": clinic.id, "shared_with": [world.municipality.id]},
    )
    return WoundWorld(world, clinic, specialist, home_nursing, enrollment)
