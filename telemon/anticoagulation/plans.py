"""Anticoagulation plans and the nomogram versions they follow.

A plan is one per anticoagulation enrolment: the INR target range, the weekly dose in force
(changed only by a decision: telemon.anticoagulation.decisions), the tablets at home, whether
the patient self-manages and within which limits (telemon.anticoagulation.decision), and the
nomogram version its suggestions come from. Nomogram versions are stored once and never
changed; a suggestion names the version that made it. Storing the shipped version and adding a
new one are use cases (telemon.transactions); the rest is called inside the enrolment's
(telemon.patients.service).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from telemon import audit, clock
from telemon.anticoagulation import decision, inr_rules
from telemon.anticoagulation.nomogram import DEFAULT_NOMOGRAM, Nomogram
from telemon.anticoagulation.nomogram_config import nomogram_from_dict, nomogram_to_dict
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.models import AnticoagulationPlan, StoredNomogram, User
from telemon.transactions import use_case

DEFAULT_TARGET = (2.0, 3.0)
DEFAULT_TABLET_STRENGTH_MG = 2.5  # warfarin's usual Danish tablet
# The API's self-management fields and the plan's columns.
SELF_MANAGEMENT_COLUMNS = {
    "inr_above": "self_inr_above",
    "inr_below": "self_inr_below",
    "max_change_percent": "self_max_change_percent",
    "max_hold_doses": "self_max_hold_doses",
}


@use_case
def ensure_default_nomogram() -> None:
    """Store the shipped nomogram version if it is not stored yet (never overwrite a version)."""
    if db.session.get(StoredNomogram, DEFAULT_NOMOGRAM.version) is None:
        db.session.add(
            StoredNomogram(
                version=DEFAULT_NOMOGRAM.version,
                definition=nomogram_to_dict(DEFAULT_NOMOGRAM),
                created_at=clock.now(),
                current=_current_row() is None,
            )
        )


def _current_row() -> StoredNomogram | None:
    return db.session.scalar(select(StoredNomogram).where(StoredNomogram.current.is_(True)))


def stored_nomograms() -> list[StoredNomogram]:
    """Every stored nomogram version, oldest first."""
    return list(db.session.scalars(select(StoredNomogram).order_by(StoredNomogram.created_at)))


def current_nomogram_version() -> str:
    """The version new plans start on and new suggestions use: the one added last."""
    current = _current_row()
    return current.version if current is not None else DEFAULT_NOMOGRAM.version


@use_case
def store_nomogram(actor: User, definition: dict[str, Any]) -> StoredNomogram:
    """Add a new nomogram version (system administrator). A version, once stored, is fixed.

    It applies to new suggestions from now on: new plans start on it, and plans on the version
    that was current move to it (a plan deliberately kept on an older version stays there).
    Suggestions already made keep the version that made them."""
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator adds nomogram versions.")
    try:
        nomogram = nomogram_from_dict(definition)
    except ValueError as error:
        raise Invalid("The nomogram is not valid.", {"definition": [str(error)]}) from None
    if db.session.get(StoredNomogram, nomogram.version) is not None:
        raise Conflict(f"Nomogram version {nomogram.version} exists; versions are never changed.")
    previous = current_nomogram_version()
    db.session.execute(update(StoredNomogram).values(current=False))
    stored = StoredNomogram(
        version=nomogram.version,
        definition=nomogram_to_dict(nomogram),
        created_at=clock.now(),
        current=True,
    )
    db.session.add(stored)
    db.session.flush()
    moved = db.session.execute(
        update(AnticoagulationPlan)
        .where(AnticoagulationPlan.nomogram_version == previous)
        .values(nomogram_version=nomogram.version)
    ).rowcount
    audit.record_change(
        actor,
        "nomogram.add",
        "nomogram",
        nomogram.version,
        {"current_version": previous, "plans_moved": 0},
        {"current_version": nomogram.version, "plans_moved": moved},
    )
    return stored


def load_nomogram(version: str) -> Nomogram:
    stored = db.session.get(StoredNomogram, version)
    if stored is None:
        raise NotFound(f"No nomogram version {version}.")
    return nomogram_from_dict(stored.definition)


def nomogram_versions() -> list[StoredNomogram]:
    """Every stored nomogram version, the newest first."""
    return list(
        db.session.scalars(select(StoredNomogram).order_by(StoredNomogram.created_at.desc()))
    )


def limits_of(plan: AnticoagulationPlan) -> decision.SelfManagementLimits:
    """The plan's self-management limits as the decision rule takes them."""
    return decision.SelfManagementLimits(
        **{field: getattr(plan, column) for field, column in SELF_MANAGEMENT_COLUMNS.items()}
    )


def self_management_of(plan: AnticoagulationPlan) -> dict[str, Any]:
    """The limits as the API writes them (PlanOut.self_management)."""
    return {field: getattr(plan, column) for field, column in SELF_MANAGEMENT_COLUMNS.items()}


def _limits_from(
    given: dict[str, Any] | None, base: decision.SelfManagementLimits
) -> decision.SelfManagementLimits:
    """`base` changed by the fields given; Invalid naming each bad field
    (self_management.<field>)."""
    values = {field: getattr(base, field) for field in SELF_MANAGEMENT_COLUMNS}
    values.update({k: v for k, v in (given or {}).items() if k in SELF_MANAGEMENT_COLUMNS})
    limits = decision.SelfManagementLimits(**values)
    problems = decision.limits_problems(limits)
    if problems:
        raise Invalid("Invalid self-management limits.", {"self_management": problems})
    return limits


def _set_limits(plan: AnticoagulationPlan, limits: decision.SelfManagementLimits) -> None:
    for field, column in SELF_MANAGEMENT_COLUMNS.items():
        setattr(plan, column, getattr(limits, field))


def plan_from_input(data: dict[str, Any]) -> AnticoagulationPlan:
    """The plan for a new anticoagulation enrolment, checked (ValueError-free: Invalid)."""
    low = data.get("inr_target_low") or DEFAULT_TARGET[0]
    high = data.get("inr_target_high") or DEFAULT_TARGET[1]
    errors: dict[str, Any] = {
        field: [problem] for field, problem in inr_rules.target_range_problems(low, high).items()
    }
    if data.get("weekly_dose_mg") is None:
        errors["weekly_dose_mg"] = ["Required for anticoagulation: the weekly dose in force."]
    elif problem := inr_rules.weekly_dose_problem(data["weekly_dose_mg"]):
        errors["weekly_dose_mg"] = [problem]
    version = data.get("nomogram_version") or current_nomogram_version()
    if db.session.get(StoredNomogram, version) is None:
        errors["nomogram_version"] = [f"No nomogram version {version}."]
    settings = data.get("inr_alert_settings") or {}
    try:
        inr_rules.inr_settings_from(settings)
    except ValueError as error:
        errors["inr_alert_settings"] = [str(error)]
    try:
        limits = _limits_from(data.get("self_management"), decision.SelfManagementLimits())
    except Invalid as invalid:
        errors.update(invalid.errors or {})
    if errors:
        raise Invalid("Invalid anticoagulation plan.", errors)
    plan = AnticoagulationPlan(
        target_low=low,
        target_high=high,
        weekly_dose_mg=data["weekly_dose_mg"],
        tablet_strength_mg=data.get("tablet_strength_mg") or DEFAULT_TABLET_STRENGTH_MG,
        indication=data.get("indication"),
        self_managing=bool(data.get("self_managing")),
        device=data.get("device"),
        nomogram_version=version,
        alert_settings=settings,
    )
    _set_limits(plan, limits)
    return plan


def update_plan(plan: AnticoagulationPlan, changes: dict[str, Any]) -> None:
    """Change the plan's settings (the responsible team's; the caller has checked that). The
    dose and the nomogram version change only by a decision and by a new version: refused
    here. Invalid names the field."""
    if "weekly_dose_mg" in changes or "nomogram_version" in changes:
        raise Invalid(
            "The dose changes by confirming a dose suggestion.",
            {
                f: ["Not changed here."]
                for f in ("weekly_dose_mg", "nomogram_version")
                if f in changes
            },
        )
    low = changes.get("inr_target_low", plan.target_low)
    high = changes.get("inr_target_high", plan.target_high)
    problems = inr_rules.target_range_problems(low, high)
    if problems:
        raise Invalid("Invalid target range.", {f: [p] for f, p in problems.items()})
    if "inr_alert_settings" in changes:
        try:
            inr_rules.inr_settings_from(changes["inr_alert_settings"])
        except ValueError as error:
            raise Invalid("Invalid settings.", {"inr_alert_settings": [str(error)]}) from None
        plan.alert_settings = changes["inr_alert_settings"]
    if "self_management" in changes:
        _set_limits(plan, _limits_from(changes["self_management"], limits_of(plan)))
    plan.target_low, plan.target_high = low, high
    for field in ("indication", "self_managing", "device", "tablet_strength_mg"):
        if field in changes:
            setattr(plan, field, changes[field])
