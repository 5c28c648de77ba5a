"""Who is responsible for an enrolment: handing it to another care team.

The responsible team's clinicians hand over (also through PATCH /enrollments/{id}, with the
other settings: telemon.patients.service.update_enrollment); the administrator of the
organisation that owns the responsible team may too, for a team that no longer works
(access.may_hand_over). An administrator sees no patient, so this module loads enrolments
without a patient read and answers who is responsible, nothing clinical. Open alerts move with
the enrolment to the new team's queue. Audited; every refusal too. hand_over and
hand_over_team are use cases (telemon.transactions).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from telemon import access, audit
from telemon.errors import Invalid, NotFound
from telemon.extensions import db
from telemon.models import Alert, CareTeam, Enrollment, User
from telemon.monitoring import ACTIVE
from telemon.transactions import use_case
from telemon.vocabulary import AlertStatus


def care_team(team_id: int) -> CareTeam:
    """The care team, or 422 naming care_team_id."""
    team = db.session.get(CareTeam, team_id)
    if team is None:
        raise Invalid("Unknown care team.", {"care_team_id": ["No such care team."]})
    return team


@use_case
def hand_over(actor: User, enrollment_id: int, care_team_id: int) -> dict[str, Any]:
    """Make another care team responsible for the enrolment, as its organisation's
    administrator may (access.may_hand_over: a team that no longer works must not leave its
    patients without one), or as a clinician of the responsible team. The administrator sees no
    patient: the enrolment is loaded without a patient read, and what comes back is who is
    responsible, nothing clinical. Its open alerts move to the new team's queue. Audited, and
    every refusal too; handing to the team already responsible changes nothing."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment.")
    _hand_over(actor, enrollment, care_team(care_team_id))
    return responsibility_of(enrollment)


@use_case
def hand_over_team(actor: User, from_team_id: int, to_team_id: int) -> int:
    """Hand every active enrolment of one care team to another (the administration console's
    "hand over this team's patients"), each as hand_over would; how many moved. All or none."""
    source = db.session.get(CareTeam, from_team_id)
    if source is None:
        raise NotFound("No such care team.")
    target = care_team(to_team_id)
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.care_team_id == source.id, Enrollment.status == ACTIVE)
        .order_by(Enrollment.id)
    ).all()
    for enrollment in enrollments:
        _hand_over(actor, enrollment, target)
    return len(enrollments)


def _hand_over(actor: User, enrollment: Enrollment, team: CareTeam) -> None:
    access.require_manage_enrolment(actor, enrollment, access.HAND_OVER, team)
    if enrollment.care_team_id == team.id:
        return
    before = {"care_team_id": enrollment.care_team_id, "alerts_moved": 0}
    moved = move_to(enrollment, team)
    audit.record_change(
        actor,
        access.HAND_OVER,
        "enrollment",
        enrollment.id,
        before,
        {"care_team_id": team.id, "alerts_moved": moved},
        patient_id=enrollment.patient_id,
    )


def responsibility_of(enrollment: Enrollment) -> dict[str, Any]:
    """Who is responsible for an enrolment, without its clinical settings (what an
    administrator's hand-over answers)."""
    return {
        "id": enrollment.id,
        "patient_id": enrollment.patient_id,
        "programme": enrollment.programme,
        "care_team_id": enrollment.care_team_id,
        "status": enrollment.status,
    }


def move_to(enrollment: Enrollment, team: CareTeam) -> int:
    """The enrolment and its unresolved alerts to the team (its queue, mail and escalation);
    how many alerts moved."""
    enrollment.care_team = team
    moved = 0
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.enrollment_id == enrollment.id, Alert.status != AlertStatus.RESOLVED
        )
    ):
        if alert.care_team_id != team.id:
            alert.care_team_id = team.id
            moved += 1
    return moved
