"""Need-to-treat access: who may see which patient. The one place this is decided.

A user may see a patient when
- they are that patient (role "patient");
- they are a member of the care team responsible for one of the patient's active enrolments;
- their organisation is one the enrolment is shared with (the patient's municipality, GP
  practice, nursing home);
- they are an admin or clinician of the organisation that registered, and so treats, the patient.
Nobody else does: not a system administrator, not another municipality's nurse.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, exists, literal, or_, select

from telemon import audit
from telemon.errors import Forbidden, NotFound
from telemon.extensions import db
from telemon.models import Enrollment, Patient, User, care_team_member, enrollment_share

CARE_ROLES = ("clinician", "nurse", "gp")
REGISTERING_ROLES = ("admin", "clinician")


def visible_patient_ids(user: User) -> Select[tuple[int]]:
    """A SELECT of the ids (column `patient_id`) of every patient the user may see."""
    if user.role == "patient":
        own = user.patient_id if user.patient_id is not None else -1
        return select(literal(own).label("patient_id"))
    if user.organisation_id is None:
        return select(Patient.id.label("patient_id")).where(literal(False))
    active = Enrollment.status == "active"
    in_team = exists().where(
        care_team_member.c.care_team_id == Enrollment.care_team_id,
        care_team_member.c.user_id == user.id,
    )
    shared = exists().where(
        enrollment_share.c.enrollment_id == Enrollment.id,
        enrollment_share.c.organisation_id == user.organisation_id,
    )
    through_enrolment = select(Enrollment.patient_id.label("patient_id")).where(
        active, or_(in_team, shared)
    )
    if user.role in REGISTERING_ROLES:
        registered = select(Patient.id.label("patient_id")).where(
            Patient.organisation_id == user.organisation_id
        )
        return through_enrolment.union(registered)  # type: ignore[return-value]
    return through_enrolment


def visible_among(user: User, patient_ids: Iterable[int]) -> set[int]:
    """Which of these patients the user may see, in one query."""
    wanted = set(patient_ids)
    if not wanted:
        return set()
    visible = visible_patient_ids(user).subquery()
    query = select(visible.c.patient_id).where(visible.c.patient_id.in_(wanted))
    return set(db.session.scalars(query))


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


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")


def is_team_clinician(user: User, enrollment: Enrollment) -> bool:
    """A clinician who is a member of the enrolment's responsible care team."""
    return user.role == "clinician" and any(m.id == user.id for m in enrollment.care_team.members)
