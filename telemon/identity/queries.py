"""What the administration console and the API list of organisations, care teams and staff.

Plain reads: they show no patient and write nothing (no audit row), so pages and API views call
them directly, beside the use case they run (telemon.identity.service, telemon.identity.users).
Who may change what is decided there and in telemon.access, not here.
"""

from __future__ import annotations

from sqlalchemy import func, select

from telemon import access
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.models import CareTeam, Enrollment, Organisation, User


def organisations() -> list[Organisation]:
    """Every organisation, by name."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def organisation_names() -> dict[int, str]:
    """Every organisation's name by id."""
    return {
        oid: name for oid, name in db.session.execute(select(Organisation.id, Organisation.name))
    }


def administered_organisations(actor: User) -> list[Organisation]:
    """The organisations the actor administers, by name: a system administrator's are all,
    another administrator's her own."""
    query = select(Organisation).order_by(Organisation.name)
    if not actor.is_system_admin:
        query = query.where(Organisation.id == actor.organisation_id)
    return list(db.session.scalars(query))


def care_teams(organisation_ids: list[int] | None = None) -> list[CareTeam]:
    """Care teams by name: every one, or those of these organisations."""
    query = select(CareTeam).order_by(CareTeam.name)
    if organisation_ids is not None:
        query = query.where(CareTeam.organisation_id.in_(organisation_ids))
    return list(db.session.scalars(query))


# What a caller outside a team's organisation learns of a responsible team of her patients:
# whom to call about them, not the team's addresses and members.
NAME_ONLY = ("id", "name", "organisation_id")


def visible_care_teams(
    actor: User, organisation_ids: list[int] | None = None
) -> list[CareTeam | dict[str, object]]:
    """The care teams a caller needs, by name: a system administrator every one; anyone else
    her own organisation's (in full) and the responsible teams of the patients she may see
    (telemon.access) from other organisations, by name only. Optionally of these
    organisations only."""
    if actor.is_system_admin:
        return list(care_teams(organisation_ids))
    own = actor.organisation_id
    responsible = select(Enrollment.care_team_id).where(
        Enrollment.patient_id.in_(access.visible_patient_ids(actor).scalar_subquery())
    )
    query = select(CareTeam).where((CareTeam.organisation_id == own) | CareTeam.id.in_(responsible))
    if organisation_ids is not None:
        query = query.where(CareTeam.organisation_id.in_(organisation_ids))
    return [
        team if team.organisation_id == own else {k: getattr(team, k) for k in NAME_ONLY}
        for team in db.session.scalars(query.order_by(CareTeam.name))
    ]


def visible_care_team(actor: User, team_id: int) -> CareTeam | dict[str, object]:
    """One care team as visible_care_teams shows it; else 404."""
    for team in visible_care_teams(actor):
        shown_id = team["id"] if isinstance(team, dict) else team.id
        if shown_id == team_id:
            return team
    raise NotFound("No such care team.")


def care_teams_of(organisation_id: int | None) -> list[CareTeam]:
    """The organisation's care teams by name (none for no organisation: a system
    administrator's)."""
    return [] if organisation_id is None else care_teams([organisation_id])


def care_staff(organisation_id: int | None) -> list[User]:
    """Who may be a member of the organisation's care teams: its active care staff, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role.in_(access.CARE_ROLES),
                User.active.is_(True),
            )
            .order_by(User.username)
        )
    )


def managed_care_team(actor: User, team_id: int) -> CareTeam:
    """The care team, if the actor manages it (telemon.access); else 404."""
    team = db.session.get(CareTeam, team_id)
    if team is None or not access.may_manage_care_team(actor, team):
        raise NotFound("No such care team, or not one you manage.")
    return team


def receiving_teams(team: CareTeam) -> list[CareTeam]:
    """The teams a care team's patients may be handed to: the other teams of its organisation."""
    return [t for t in care_teams_of(team.organisation_id) if t.id != team.id]


def enrolments_held(team_id: int) -> int:
    """How many active enrolments the team is responsible for (a count: no patient)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.care_team_id == team_id, Enrollment.status == "active")
        )
        or 0
    )
