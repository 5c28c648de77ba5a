"""Patient and enrolment use cases: register and change a patient, enrol her in a programme,
change an enrolment's settings and who is responsible for it, and the programmes' standard
threshold sets. Each is one function owning its transaction (telemon.transactions), called
alike by the JSON API, the web pages and the CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telemon import access, audit, clock
from telemon.anticoagulation import plans
from telemon.copd import rules, schedule
from telemon.errors import Conflict, Forbidden, Invalid
from telemon.extensions import db
from telemon.ingest.codes import CODES, limit_range_problem
from telemon.models import (
    DefaultThreshold,
    Enrollment,
    Organisation,
    Patient,
    Threshold,
    User,
)
from telemon.patients import defaults, lifecycle
from telemon.patients.cpr import birth_date_from_cpr
from telemon.patients.responsibility import care_team, move_to
from telemon.questionnaires import assignments
from telemon.transactions import use_case
from telemon.vocabulary import Role

LIMIT_FIELDS = ("alert_high", "warning_high", "warning_low", "alert_low")

# The programme's standard threshold sets as shipped; admins change the stored copies.
SHIPPED_DEFAULTS: dict[str, dict[str, rules.Limits]] = {
    "copd": dict(rules.DEFAULT_COPD_THRESHOLDS),
}


@use_case
def ensure_default_thresholds() -> int:
    """Store the shipped default threshold sets where none is stored yet; returns rows added."""
    added = 0
    for programme, limits_by_code in SHIPPED_DEFAULTS.items():
        stored = set(
            db.session.scalars(
                select(DefaultThreshold.code).where(DefaultThreshold.programme == programme)
            )
        )
        for code, limits in limits_by_code.items():
            if code not in stored:
                db.session.add(
                    DefaultThreshold(
                        programme=programme,
                        code=code,
                        **{f: getattr(limits, f) for f in LIMIT_FIELDS},
                    )
                )
                added += 1
    return added


def default_thresholds(programme: str) -> dict[str, DefaultThreshold]:
    return {
        row.code: row
        for row in db.session.scalars(
            select(DefaultThreshold).where(DefaultThreshold.programme == programme)
        )
    }


@use_case
def replace_default_thresholds(
    actor: User, programme: str, thresholds: dict[str, dict[str, float | None]]
) -> dict[str, DefaultThreshold]:
    """Change a programme's standard set (system administrator). Existing enrolments keep theirs."""
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator changes the standard threshold sets.")
    current = default_thresholds(programme)
    before = {code: {f: getattr(row, f) for f in LIMIT_FIELDS} for code, row in current.items()}
    for code, limits in thresholds.items():
        row = current.get(code) or DefaultThreshold(programme=programme, code=code)
        for field in LIMIT_FIELDS:
            setattr(row, field, limits.get(field))
        db.session.add(row)
    changed = {c: {f: limits.get(f) for f in LIMIT_FIELDS} for c, limits in thresholds.items()}
    after = {**before, **changed}
    if before != after:
        audit.record_change(
            actor, "default_thresholds.update", "programme", programme, before, after
        )
    return default_thresholds(programme)


PATIENT_DETAILS = ("name", "phone", "next_of_kin_name", "next_of_kin_phone")


@use_case
def create_patient(actor: User, data: dict[str, Any]) -> Patient:
    """Register a patient by CPR number; the birth date follows from it. The registering
    organisation is the actor's: its clinicians see the patient from now on."""
    access.require_role(actor, Role.ADMIN, Role.CLINICIAN)
    if actor.organisation_id is None:
        raise Forbidden("A system administrator does not register patients.")
    existing = db.session.scalar(select(Patient.id).where(Patient.cpr == data["cpr"]))
    if existing:
        # Telling that a CPR number is registered tells something about that person: audited.
        audit.record_refusal(actor, existing, "patient.create.cpr_exists", "patient", existing)
        raise Conflict("A patient with this CPR number exists.", {"cpr": ["Already registered."]})
    patient = Patient(
        cpr=data["cpr"],
        name=data["name"],
        birth_date=data.get("birth_date") or birth_date_from_cpr(data["cpr"]),
        organisation_id=actor.organisation_id,
        created_at=clock.now(),
        **{f: data.get(f) or None for f in PATIENT_DETAILS[1:]},
    )
    try:
        with db.session.begin_nested():
            db.session.add(patient)
    except IntegrityError:
        raise Conflict(
            "A patient with this CPR number exists.", {"cpr": ["Already registered."]}
        ) from None
    # Which details were given, not what they say: the audit trail is read by administrators.
    audit.record_change(
        actor,
        "patient.create",
        "patient",
        patient.id,
        {},
        {"organisation_id": patient.organisation_id, "details": _given(patient)},
        patient_id=patient.id,
    )
    return patient


@use_case
def read_patient(user: User, patient_id: int) -> Patient:
    """A patient's record, for those who may see the patient (patient.read audited)."""
    return access.patient_for(user, patient_id, "patient.read")


@use_case
def update_patient(actor: User, patient_id: int, data: dict[str, Any]) -> Patient:
    """Change the patient's name, phone or next of kin (those who may enrol the patient)."""
    patient = access.patient_for(actor, patient_id, "patient.update")
    if not access.may_enrol(actor, patient):
        raise Forbidden(
            "Clinicians of the registering organisation or the responsible team change this."
        )
    changed = [f for f in PATIENT_DETAILS if f in data and getattr(patient, f) != data[f]]
    for field in changed:
        setattr(patient, field, data[field] or None if field != "name" else data[field])
    if changed:
        audit.record_change(
            actor,
            "patient.update",
            "patient",
            patient.id,
            {"changed": []},
            {"changed": changed},
            patient_id=patient.id,
        )
    return patient


def _given(patient: Patient) -> list[str]:
    return [f for f in PATIENT_DETAILS if getattr(patient, f)]


def _validate_settings(data: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    bad_limits = {
        code: problems
        for code, limits in (data.get("thresholds") or {}).items()
        if (
            problems := rules.limits_problems(
                rules.Limits(**{f: limits.get(f) for f in LIMIT_FIELDS})
            )
        )
    }
    for code, limits in (data.get("thresholds") or {}).items():
        for field in LIMIT_FIELDS:
            value = limits.get(field)
            if (
                code in CODES
                and value is not None
                and (problem := limit_range_problem(code, value))
            ):
                bad_limits.setdefault(code, []).append(f"{field}: {problem}")
    if bad_limits:
        errors["thresholds"] = bad_limits
    for field, check in (
        ("schedule", lambda value: schedule.schedule_from(value, CODES)),
        ("rule_settings", rules.baseline_settings_from),
    ):
        if data.get(field) is not None:
            try:
                check(data[field])
            except ValueError as error:
                errors[field] = [str(error)]
    if errors:
        raise Invalid("Invalid enrolment settings.", errors)


def _organisations(ids: list[int]) -> list[Organisation]:
    found = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all()
    unknown = set(ids) - {o.id for o in found}
    if unknown:
        raise Invalid(
            "Unknown organisation.", {"shared_with": [f"No such organisation: {sorted(unknown)}."]}
        )
    return list(found)


@use_case
def enroll(actor: User, patient_id: int, data: dict[str, Any]) -> Enrollment:
    """Enrol the patient in a programme (a clinician of the registering organisation or of a
    responsible team); thresholds and schedule settings not given come from the programme's
    standard set and default schedule."""
    access.require_role(actor, Role.CLINICIAN)
    patient = access.patient_for(actor, patient_id, "enrollment.create", "enrollment")
    if not access.may_enrol(actor, patient):
        raise Forbidden(
            "Only clinicians of the registering organisation or of a responsible care team "
            "enrol the patient."
        )
    _validate_settings(data)
    programme = data["programme"]
    enrollment = Enrollment(
        patient_id=patient_id,
        programme=programme,
        care_team=care_team(data["care_team_id"]),
        status="active",
        enrolled_at=clock.now(),
        schedule={**defaults.default_schedule(programme), **(data.get("schedule") or {})},
        rule_settings=data.get("rule_settings") or {},
    )
    enrollment.shared_with = _organisations(sorted(set(data.get("shared_with") or [])))
    if programme == "anticoagulation":
        enrollment.anticoagulation = plans.plan_from_input(data)
    else:
        _no_plan_fields(data)
    given = data.get("thresholds") or {}
    for code, row in default_thresholds(programme).items():
        if code not in given:
            enrollment.thresholds.append(
                Threshold(code=code, **{f: getattr(row, f) for f in LIMIT_FIELDS})
            )
    for code, limits in given.items():
        enrollment.thresholds.append(
            Threshold(code=code, **{f: limits.get(f) for f in LIMIT_FIELDS})
        )
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        raise Conflict(
            f"The patient is already enrolled in {programme}.", {"programme": ["Already enrolled."]}
        ) from None
    audit.record_change(
        actor,
        "enrollment.create",
        "enrollment",
        enrollment.id,
        {},
        settings_of(enrollment),
        patient_id=patient_id,
    )
    return enrollment


@use_case
def read_enrollment(user: User, enrollment_id: int) -> Enrollment:
    """An enrolment with its settings, for those who see its patient (enrollment.read
    audited)."""
    return access.enrollment_for(user, enrollment_id, "enrollment.read")


PLAN_FIELDS = (
    "inr_target_low",
    "inr_target_high",
    "weekly_dose_mg",
    "tablet_strength_mg",
    "indication",
    "self_managing",
    "device",
    "nomogram_version",
    "inr_alert_settings",
    "self_management",
)


def _no_plan_fields(data: dict[str, Any]) -> None:
    given = [f for f in PLAN_FIELDS if data.get(f) not in (None, False)]
    if given:
        raise Invalid(
            "These fields belong to the anticoagulation programme.",
            {f: ["Only for programme anticoagulation."] for f in given},
        )


def _update_plan(enrollment: Enrollment, data: dict[str, Any]) -> None:
    changes = {f: data[f] for f in PLAN_FIELDS if f in data}
    if not changes:
        return
    if enrollment.anticoagulation is None:
        _no_plan_fields(changes)
        return
    plans.update_plan(enrollment.anticoagulation, changes)


# What the responsible care team decides (clinical settings), and what a clinician who manages
# the enrolment decides (who is responsible, who may see the patient).
SETTING_FIELDS = ("thresholds", "schedule", "rule_settings", "questionnaires", *PLAN_FIELDS)
RESPONSIBILITY_FIELDS = ("care_team_id", "shared_with")


@use_case
def update_enrollment(actor: User, enrollment_id: int, data: dict[str, Any]) -> Enrollment:
    """Change thresholds and other settings (a member of the responsible care team, whatever
    her role: access.may_act CHANGE_PLAN), or care team and sharing (a clinician of the
    responsible team: access.may_manage_enrolment). Audited with before and after; every
    refusal audited. `status: "ended"` ends it as telemon.patients.lifecycle does, in the same
    transaction; an administrator's hand-over goes through telemon.patients.responsibility."""
    enrollment = access.enrollment_for(actor, enrollment_id, access.CHANGE_PLAN)
    responsibility = [f for f in (*RESPONSIBILITY_FIELDS, "status") if f in data]
    if any(f in data for f in SETTING_FIELDS) or not responsibility:
        access.require_act(actor, enrollment, access.CHANGE_PLAN, "enrollment", enrollment_id)
    if responsibility:
        # The actor sees the patient, so she is no administrator: the responsible team's
        # clinicians alone hand over and share here.
        action = access.HAND_OVER if "care_team_id" in data else access.CHANGE_PLAN
        access.require_manage_enrolment(actor, enrollment, action)
    _validate_settings(data)
    before = settings_of(enrollment)
    if "care_team_id" in data:
        move_to(enrollment, care_team(data["care_team_id"]))
    if "shared_with" in data:
        enrollment.shared_with = _organisations(sorted(set(data["shared_with"])))
    for field in ("schedule", "rule_settings"):
        if field in data:
            setattr(enrollment, field, data[field])
    if "thresholds" in data:
        by_code = {t.code: t for t in enrollment.thresholds}
        for code, limits in data["thresholds"].items():
            row = by_code.get(code)
            if row is None:
                row = Threshold(code=code)
                enrollment.thresholds.append(row)
            for field in LIMIT_FIELDS:
                setattr(row, field, limits.get(field))
    _update_plan(enrollment, data)
    if "questionnaires" in data:
        assignments.assign(actor, enrollment, data["questionnaires"])
    after = settings_of(enrollment)
    if before != after:
        audit.record_change(
            actor,
            "enrollment.update",
            "enrollment",
            enrollment.id,
            before,
            after,
            patient_id=enrollment.patient_id,
        )
    if data.get("status") == "ended":
        return lifecycle.end_enrolment(actor, enrollment_id, data.get("end_reason") or "other")
    return enrollment


def settings_of(enrollment: Enrollment) -> dict[str, Any]:
    """What an enrolment is set to, as plain values for the audit trail: who is responsible,
    who may see the patient, the limits and schedule, the treatment plan. No patient data."""
    plan = enrollment.anticoagulation
    settings: dict[str, Any] = {
        "programme": enrollment.programme,
        "care_team_id": enrollment.care_team_id
        if enrollment.care_team is None
        else enrollment.care_team.id,
        "shared_with": sorted(o.id for o in enrollment.shared_with),
        "thresholds": {
            t.code: {f: getattr(t, f) for f in LIMIT_FIELDS} for t in enrollment.thresholds
        },
        "schedule": dict(enrollment.schedule or {}),
        "rule_settings": dict(enrollment.rule_settings or {}),
    }
    if plan is not None:
        settings.update(
            inr_target_low=plan.target_low,
            inr_target_high=plan.target_high,
            weekly_dose_mg=plan.weekly_dose_mg,
            tablet_strength_mg=plan.tablet_strength_mg,
            self_managing=plan.self_managing,
            nomogram_version=plan.nomogram_version,
            inr_alert_settings=dict(plan.alert_settings or {}),
            self_management=plans.self_management_of(plan),
        )
    return settings
