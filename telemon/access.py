"""Need-to-treat access: who may see which patient. The one place this is decided.

A user may see a patient when
- they are that patient (role "patient");
- they are care staff (clinician, nurse, GP) in the care team responsible for one of the
  patient's active enrolments;
- they are care staff of an organisation the enrolment is shared with (the patient's
  municipality, GP practice, nursing home);
- they are a clinician of the organisation that registered, and so treats, the patient.
Nobody else does: not another municipality's nurse, and no administrator. Administrators manage
users, care teams and settings; they never read clinical data (names, CPR numbers, values).

Seeing is not acting. Acting on a patient's programme -- acknowledging and resolving its
alerts, changing its thresholds, schedule, INR target or self-management limits, confirming or
overriding a dose -- belongs to the members of the enrolment's responsible care team, whatever
their role (the anticoagulation clinic's nurses confirm doses), and to a self-managing patient
accepting their own dose suggestion (may_act, require_act) -- and only a suggestion that needs
no clinician: which those are is the pure rule telemon.anticoagulation.decision. Users of the
organisations an enrolment is shared with, and the registering organisation's other
clinicians, see the patient and record readings, wounds and review requests; they do not act
on the team's alerts or plan.

Only the responsible team manages the enrolment, too: its clinicians hand it to another team,
change whom it is shared with, pause, resume and end it (may_manage_enrolment); the
administrator of the organisation that owns the responsible team may hand it over, for a team
that no longer works (may_hand_over). Registering a patient and enrolling her in a programme
she is not in yet stay with the registering organisation's clinicians (may_enrol). Every
refusal is audited.

The administrative powers are decided here too (see "Powers" below): who manages which users
and teams, who creates a patient's login, who enrols, hands over, re-shares, pauses or ends a
patient's enrolment, who reads whose audit trail, and who delivers MedCom messages (a
messaging account: require_message_delivery).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, false, literal, or_, select

from telemon import audit
from telemon.errors import Forbidden, NotFound
from telemon.extensions import db
from telemon.models import (
    AnticoagulationPlan,
    CareTeam,
    Enrollment,
    Patient,
    User,
    care_team_member,
    enrollment_share,
)
from telemon.vocabulary import Role

CARE_ROLES = (Role.CLINICIAN, Role.NURSE, Role.GP)
# Who of the registering organisation sees its patients without an enrolment naming them: its
# clinicians. Not its administrators: they do not read clinical data.
REGISTERING_ROLES = (Role.CLINICIAN,)


def visible_patient_ids(user: User) -> Select[tuple[int]]:
    """A SELECT of the ids (column `patient_id`) of every patient the user may see."""
    if user.role == Role.PATIENT:
        own = user.patient_id if user.patient_id is not None else -1
        return select(literal(own).label("patient_id"))
    if user.organisation_id is None or user.role not in CARE_ROLES:
        # System administrators and organisation administrators: nobody.
        return select(Patient.id.label("patient_id")).where(literal(False))
    return _care_staff_sees(user.id, user.organisation_id, user.role in REGISTERING_ROLES)


def _care_staff_sees(user_id: Any, organisation_id: Any, registering: bool) -> Select[tuple[int]]:
    """What care staff see (see the module's docstring): the ids, or bound parameters."""
    through_enrolment = _through_enrolment(user_id, organisation_id)
    if registering:
        return through_enrolment.union(_registered(organisation_id))  # type: ignore[return-value]
    return through_enrolment


def _through_enrolment(user_id: Any, organisation_id: Any) -> Select[tuple[int]]:
    """Patients of the active enrolments the user's teams are responsible for or that are
    shared with the user's organisation."""
    in_team = exists().where(
        care_team_member.c.care_team_id == Enrollment.care_team_id,
        care_team_member.c.user_id == user_id,
    )
    shared = exists().where(
        enrollment_share.c.enrollment_id == Enrollment.id,
        enrollment_share.c.organisation_id == organisation_id,
    )
    return select(Enrollment.patient_id.label("patient_id")).where(
        Enrollment.status == "active", or_(in_team, shared)
    )


def _registered(organisation_id: Any) -> Select[tuple[int]]:
    """Patients the organisation registered (seen by its clinicians)."""
    return select(Patient.id.label("patient_id")).where(Patient.organisation_id == organisation_id)


def sees(user: User, patient_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A condition on a patient id column: a patient the user may see (as visible_patient_ids,
    written for a long list filtered and ordered by an index, such as the alert list).

    For registering clinicians the two ways of seeing a patient are two IN conditions joined
    by OR rather than one IN over their UNION: PostgreSQL turns the UNION into a join, whose
    result has no order, and sorts every visible alert to keep a page (169 ms for 20,000 open
    alerts on the benchmark database); the OR keeps each as a hashed filter on an index scan
    that stops after the page (22-49 ms, the same machine and moment)."""
    if user.role == Role.PATIENT:
        return patient_id == (user.patient_id if user.patient_id is not None else -1)
    if user.organisation_id is None or user.role not in CARE_ROLES:
        return false()
    through_enrolment = patient_id.in_(_through_enrolment(user.id, user.organisation_id))
    if user.role in REGISTERING_ROLES:
        return or_(through_enrolment, patient_id.in_(_registered(user.organisation_id)))
    return through_enrolment


def _among(visible: Select[tuple[int]], wanted: Any) -> Select[tuple[int]]:
    seen = visible.subquery()
    return select(seen.c.patient_id).where(seen.c.patient_id.in_(wanted))


# visible_among for care staff (every upload asks it), registering or not: built once with its
# values bound, so that SQLAlchemy neither builds it nor computes its cache key per call.
_CARE_STAFF_AMONG = {
    registering: _among(
        _care_staff_sees(bindparam("user_id"), bindparam("organisation_id"), registering),
        bindparam("wanted", expanding=True),
    )
    for registering in (False, True)
}


def visible_among(user: User, patient_ids: Iterable[int]) -> set[int]:
    """Which of these patients the user may see, in one query."""
    wanted = set(patient_ids)
    if not wanted:
        return set()
    if user.organisation_id is not None and user.role in CARE_ROLES:
        statement = _CARE_STAFF_AMONG[user.role in REGISTERING_ROLES]
        values = {"user_id": user.id, "organisation_id": user.organisation_id}
        return set(db.session.scalars(statement, {**values, "wanted": sorted(wanted)}))
    return set(db.session.scalars(_among(visible_patient_ids(user), wanted)))


def may_see_patient(user: User, patient_id: int) -> bool:
    return patient_id in visible_among(user, [patient_id])


def patient_for(
    user: User,
    patient_id: int,
    action: str,
    resource_type: str = "patient",
    resource_id: object | None = None,
) -> Patient:
    """Load the patient for this access, or refuse; either way it is audited.

    An unknown patient and a patient the user may not see are both 404, so that ids cannot be
    probed for existence.
    """
    patient = db.session.get(Patient, patient_id)
    if patient is None or not may_see_patient(user, patient_id):
        audit.record_refusal(
            user, patient_id if patient else None, action, resource_type, resource_id
        )
        raise NotFound("No such patient, or not one of yours.")
    audit.record(user, patient_id, action, resource_type, resource_id)
    return patient


def enrollment_for(user: User, enrollment_id: int, action: str) -> Enrollment:
    """Load the enrolment for this access, or refuse; audited as its patient is (patient_for).

    An unknown enrolment and one of a patient the user may not see are both 404."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment.")
    patient_for(user, enrollment.patient_id, action, "enrollment", enrollment_id)
    return enrollment


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")


# What acting on an enrolment's programme means (the audit log's action names).
ACKNOWLEDGE_ALERT = "alert.acknowledge"
RESOLVE_ALERT = "alert.resolve"
CHANGE_PLAN = "enrollment.update"  # thresholds, schedule, rule settings, INR target, team
DECIDE_DOSE = "dose_suggestion.decide"  # confirm or override; a self-managing patient accepts
ACTIONS = (ACKNOWLEDGE_ALERT, RESOLVE_ALERT, CHANGE_PLAN, DECIDE_DOSE)
# Managing an enrolment (may_manage_enrolment, may_hand_over): the audit log's action names.
HAND_OVER = "enrollment.hand_over"


def acting_on(user: User, enrollment_ids: Iterable[int], action: str) -> set[int]:
    """Of these enrolments, those whose programme the user may act on this way, in one query.

    Members of an enrolment's responsible care team may take every action, whatever their
    role. A patient may take one: deciding (accepting) their own dose suggestion, when their
    anticoagulation plan says they are self-managing. Nobody else acts: not the organisations
    the enrolment is shared with, not other clinicians of the hospital, not administrators.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; one of {', '.join(ACTIONS)}.")
    wanted = set(enrollment_ids)
    if not wanted:
        return set()
    if user.role == Role.PATIENT:
        if action != DECIDE_DOSE or user.patient_id is None:
            return set()
        query = (
            select(Enrollment.id)
            .join(AnticoagulationPlan, AnticoagulationPlan.enrollment_id == Enrollment.id)
            .where(
                Enrollment.id.in_(wanted),
                Enrollment.patient_id == user.patient_id,
                AnticoagulationPlan.self_managing.is_(True),
            )
        )
    else:
        query = select(Enrollment.id).where(
            Enrollment.id.in_(wanted),
            exists().where(
                care_team_member.c.care_team_id == Enrollment.care_team_id,
                care_team_member.c.user_id == user.id,
            ),
        )
    return set(db.session.scalars(query))


def may_act(user: User, enrollment: Enrollment, action: str) -> bool:
    """Whether the user may act this way on the enrolment's programme (see acting_on)."""
    return enrollment.id in acting_on(user, [enrollment.id], action)


def require_act(
    user: User,
    enrollment: Enrollment,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """may_act, or refuse: the refusal is audited (outcome denied) and raised as 403.

    Call it after the user has been shown to see the patient (patient_for), so that a
    patient who is not theirs stays a 404."""
    if may_act(user, enrollment, action):
        return
    audit.record_refusal(user, enrollment.patient_id, action, resource_type, resource_id)
    if user.role == Role.PATIENT:
        raise Forbidden("Your care team decides this; self-dosing is not enabled for you.")
    raise Forbidden("Only the patient's responsible care team may do this.")


def is_care_team_member(user: User, care_team_id: int) -> bool:
    """Whether the user is a member of this care team (one query)."""
    return bool(
        db.session.scalar(
            select(literal(True)).where(
                care_team_member.c.care_team_id == care_team_id,
                care_team_member.c.user_id == user.id,
            )
        )
    )


# ---- Powers ---------------------------------------------------------------------------------
# Administration: a system administrator (an admin without an organisation) runs the
# installation: organisations, standard threshold sets and schedules, nomograms, public
# holidays, and any organisation's users and teams. An organisation's admin manages the users
# and care teams of her own organisation only. Neither reads clinical data.
# Patients: clinicians of the registering organisation, or of a care team responsible for one
# of the patient's active enrolments, register and enrol the patient. Once enrolled, only the
# enrolment's responsible care team acts on it: its clinicians hand it over, share, pause,
# resume and end it (and the administrator of the team's organisation may hand it over).


def administers(actor: User, organisation_id: int | None) -> bool:
    """The actor is an administrator of this organisation (a system administrator of all)."""
    if actor.role != Role.ADMIN or not actor.active:
        return False
    return actor.is_system_admin or (
        organisation_id is not None and actor.organisation_id == organisation_id
    )


def may_manage_user(actor: User, user: User) -> bool:
    """Change role and teams, deactivate, reset the password, revoke tokens, read the trail.
    Nobody manages themselves through this power (an admin cannot lock herself out)."""
    return actor.id != user.id and administers(actor, user.organisation_id)


def may_manage_care_team(actor: User, team: CareTeam) -> bool:
    return administers(actor, team.organisation_id)


def may_join_care_team(user: User, team: CareTeam) -> bool:
    """Care teams hold active care staff of the team's own organisation."""
    return user.active and user.role in CARE_ROLES and user.organisation_id == team.organisation_id


def may_create_patient_login(actor: User, patient: Patient) -> bool:
    """A patient's login is created by the organisation that registered the patient: its
    administrators, or its clinicians (who see the patient)."""
    return (
        actor.active
        and actor.role in (Role.ADMIN, Role.CLINICIAN)
        and patient.organisation_id is not None
        and actor.organisation_id == patient.organisation_id
    )


def may_enrol(actor: User, patient: Patient) -> bool:
    """Enrol the patient in a programme: a clinician of the registering organisation, or of a
    care team responsible for one of the patient's active enrolments."""
    if actor.role != Role.CLINICIAN or not actor.active or actor.organisation_id is None:
        return False
    if patient.organisation_id == actor.organisation_id:
        return True
    return bool(
        db.session.scalar(
            select(literal(True)).where(
                exists().where(
                    Enrollment.patient_id == patient.id,
                    Enrollment.status == "active",
                    care_team_member.c.care_team_id == Enrollment.care_team_id,
                    care_team_member.c.user_id == actor.id,
                )
            )
        )
    )


def may_manage_enrolment(actor: User, enrollment: Enrollment) -> bool:
    """Hand the enrolment to another care team, change whom it is shared with, pause, resume
    or end it: a clinician of the responsible care team, and nobody else -- not the registering
    organisation's other clinicians, not a hospital clinician in no team. (Its clinical
    settings -- limits, schedule, INR target, tablet strength, self-management limits -- are
    the responsible team's whatever the role: may_act CHANGE_PLAN. Handing over has one more
    door: may_hand_over.)"""
    if actor.role != Role.CLINICIAN or not actor.active:
        return False
    return is_care_team_member(actor, enrollment.care_team_id)


def may_hand_over(actor: User, enrollment: Enrollment, to_team: CareTeam | None = None) -> bool:
    """Make another care team responsible: a clinician of the responsible team
    (may_manage_enrolment, to any team), or an administrator of the organisation that owns the
    responsible team (a team that no longer works: its patients must not be left without one),
    to a team of an organisation she administers. The administrator sees no patient: she moves
    responsibility, never reads the enrolment's clinical data."""
    if may_manage_enrolment(actor, enrollment):
        return True
    team = db.session.get(CareTeam, enrollment.care_team_id)
    return (
        team is not None
        and administers(actor, team.organisation_id)
        and (to_team is None or administers(actor, to_team.organisation_id))
    )


def require_manage_enrolment(
    actor: User, enrollment: Enrollment, action: str, to_team: CareTeam | None = None
) -> None:
    """may_manage_enrolment (for action "enrollment.hand_over": may_hand_over), or refuse:
    audited as denied and raised as 403."""
    allowed = (
        may_hand_over(actor, enrollment, to_team)
        if action == HAND_OVER
        else may_manage_enrolment(actor, enrollment)
    )
    if allowed:
        return
    audit.record_refusal(actor, enrollment.patient_id, action, "enrollment", enrollment.id)
    raise Forbidden(
        "Only clinicians of the responsible care team hand over, share, pause or end an enrolment."
    )


def require_message_delivery(actor: User) -> None:
    """Deliver MedCom messages (POST /fhir/$process-message): a messaging account -- the
    region's message broker's system user -- and nobody else. The power is this one door: the
    account sees no patient (visible_patient_ids), reads nothing, has no pages; what a message
    does to a patient's monitoring (pause for an admission, end at a death) the message's
    use case does in the account's name, audited. A refusal is audited and answered 403."""
    if actor.role == Role.MESSAGING and actor.active and actor.organisation_id is not None:
        return
    audit.record_refusal(actor, None, "medcom.deliver", "message", None)
    raise Forbidden("Only a messaging account delivers MedCom messages.")


def may_read_patient_audit(actor: User, patient: Patient) -> bool:
    """Who read or changed a patient's data: the registering organisation's administrators (the
    data controller answering the patient), or a system administrator."""
    return administers(actor, patient.organisation_id)


def may_read_user_audit(actor: User, user: User) -> bool:
    """What a user did: administrators of the user's organisation, or a system administrator."""
    return administers(actor, user.organisation_id)
