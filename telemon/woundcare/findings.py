"""What the assessments say: PUSH score, healing trajectory, and the alerts they raise.

Wound alerts go through the alert life cycle like any other (one unresolved alert per patient,
programme and wound, joining what each rule finds; severity only rises), to the wound
enrolment's care team, the clinic:
- any sign of infection: red, mailed at once (rule wound.<id>.infection);
- a wound not healing as expected (telemon.woundcare.trajectory): yellow (wound.<id>.not_healing).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from telemon import alerts
from telemon.extensions import db
from telemon.models import Enrollment, Wound, WoundAssessment
from telemon.woundcare import push
from telemon.woundcare.trajectory import AreaPoint, Trajectory, TrajectoryRule, healing_trajectory


def area_of(length_cm: float, width_cm: float, measured: float | None) -> tuple[float, bool]:
    """The area to record and whether it is the ellipse estimate (length × width × π/4)."""
    if measured is not None:
        return measured, False
    return round(push.estimated_area_cm2(length_cm, width_cm), 4), True


def push_score_of(
    length_cm: float, width_cm: float, exudate: str | None, tissue: str | None
) -> int | None:
    """PUSH 3.0, when exudate and tissue were both recorded."""
    if exudate is None or tissue is None:
        return None
    return push.push_score(length_cm, width_cm, exudate, tissue)


def trajectory_rules() -> dict[str, TrajectoryRule]:
    config = current_app.config
    after = int(config["TELEMON_WOUND_TRAJECTORY_AFTER_DAYS"])
    return {
        "venous_leg_ulcer": TrajectoryRule(
            float(config["TELEMON_WOUND_VLU_MIN_REDUCTION_PERCENT"]), after
        ),
        "diabetic_foot_ulcer": TrajectoryRule(
            float(config["TELEMON_WOUND_DFU_MIN_REDUCTION_PERCENT"]), after
        ),
    }


def trajectory_of(wound: Wound) -> Trajectory:
    rows = db.session.execute(
        select(WoundAssessment.assessed_at, WoundAssessment.area_cm2)
        .where(WoundAssessment.wound_id == wound.id)
        .order_by(WoundAssessment.assessed_at, WoundAssessment.id)
    ).all()
    points = [AreaPoint(assessed_at, area) for assessed_at, area in rows]
    return healing_trajectory(points, wound.wound_type, trajectory_rules())


def infection_rule(wound_id: int) -> str:
    return f"wound.{wound_id}.infection"


def not_healing_rule(wound_id: int) -> str:
    return f"wound.{wound_id}.not_healing"


def evaluate(wound: Wound, assessment: WoundAssessment, enrollment: Enrollment) -> None:
    """Raise the alerts this new assessment calls for, in the caller's transaction."""
    if assessment.infection_signs:
        params = {"body_site": wound.body_site, "signs": list(assessment.infection_signs)}
        reason = alerts.reason("wound.infection", params, "red")
        alerts.route(alerts.raise_or_update(enrollment, infection_rule(wound.id), "red", [reason]))
    trajectory = trajectory_of(wound)
    if trajectory.not_healing_as_expected and trajectory.reduction_percent is not None:
        rule = trajectory_rules()[wound.wound_type]
        params = {
            "body_site": wound.body_site,
            "wound_type": wound.wound_type,
            "reduction_percent": trajectory.reduction_percent,
            "days": trajectory.calendar_days,
            "expected_percent": rule.min_reduction_percent,
            "after_days": rule.after_days,
        }
        reason = alerts.reason("wound.not_healing", params, "yellow")
        alerts.route(
            alerts.raise_or_update(enrollment, not_healing_rule(wound.id), "yellow", [reason])
        )
