"""What the clinician's forms about a patient's programmes read before she changes anything:
the enrol form, an enrolment's edit form and its thresholds form. One read use case each
(telemon.transactions), the read audited; what the form then sends goes to the use cases of
telemon.patients.service and telemon.patients.lifecycle, which check again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from telemon import access
from telemon.errors import Forbidden, NotFound
from telemon.extensions import db
from telemon.models import CareTeam, DefaultThreshold, Enrollment, Organisation, Patient, User
from telemon.patients.service import default_thresholds
from telemon.transactions import use_case


@dataclass
class EnrolForm:
    patient: Patient
    standard: dict[str, DefaultThreshold]  # the programme's standard limits, by code
    teams: list[CareTeam]  # the teams she may make responsible
    organisations: list[Organisation]  # those she may share the enrolment with


@dataclass
class EnrolmentForm:
    enrollment: Enrollment
    may_settings: bool  # she may change its clinical settings (access.CHANGE_PLAN)
    may_manage: bool  # she may hand it over, share, pause and end it
    teams: list[CareTeam]
    organisations: list[Organisation]


@use_case
def enrol_form(user: User, patient_id: int, programme: str) -> EnrolForm:
    """What enrolling the patient in `programme` starts from (patient.read audited)."""
    patient = access.patient_for(user, patient_id, "patient.read")
    return EnrolForm(
        patient, default_thresholds(programme), team_choices(user), other_organisations(user)
    )


@use_case
def enrolment_form(user: User, enrollment_id: int) -> EnrolmentForm:
    """The enrolment as its edit form shows it, and what the user may change of it
    (enrollment.read audited)."""
    enrollment = access.enrollment_for(user, enrollment_id, "enrollment.read")
    return EnrolmentForm(
        enrollment,
        may_settings=access.may_act(user, enrollment, access.CHANGE_PLAN),
        may_manage=access.may_manage_enrolment(user, enrollment),
        teams=team_choices(user),
        organisations=other_organisations(user),
    )


@use_case
def thresholds_form(user: User, enrollment_id: int) -> Enrollment:
    """The enrolment whose limits the user is about to change: only the responsible care team
    changes them (403 audited else); the read audited (thresholds.read)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment.")
    access.patient_for(user, enrollment.patient_id, "thresholds.read", "enrollment", enrollment_id)
    access.require_act(user, enrollment, access.CHANGE_PLAN, "enrollment", enrollment_id)
    return enrollment


def team_choices(user: User) -> list[CareTeam]:
    """Teams to make responsible: the user's organisation's, and those she is in."""
    return list(
        db.session.scalars(
            select(CareTeam)
            .where(
                or_(
                    CareTeam.organisation_id == user.organisation_id,
                    CareTeam.members.any(User.id == user.id),
                )
            )
            .order_by(CareTeam.name)
        )
    )


def other_organisations(user: User) -> list[Organisation]:
    """The organisations besides the user's, to share an enrolment with."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id != user.organisation_id)
            .order_by(Organisation.name)
        )
    )


@use_case
def contact_form(user: User, patient_id: int) -> Patient:
    """The patient whose phone and next of kin the user is about to change (patient.read
    audited); Forbidden for one who may not (telemon.patients.service.update_patient's rule)."""
    patient = access.patient_for(user, patient_id, "patient.read")
    if not access.may_enrol(user, patient):
        raise Forbidden(
            "Clinicians of the registering organisation or the responsible team change this."
        )
    return patient
