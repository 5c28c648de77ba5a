"""telemon.anticoagulation.decision.patient_decides written in SQL, for the clinic's dose worklist:
the suggestions a self-managing patient decides herself are hers, every other pending one waits
for a clinician. The same rule twice, deliberately (as patients.monitoring and monitoring_sql):
the dose worklist pages in the database, the pages decide per suggestion in Python, and a test runs
both over the same suggestions on PostgreSQL and SQLite.

The expression reads DoseSuggestion and the AnticoagulationPlan of its enrolment: the query
using it joins both.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from telemon import alerts
from telemon.anticoagulation.decision import DOSE_TOLERANCE_MG
from telemon.anticoagulation.inr_evaluation import RULE_RANGE
from telemon.anticoagulation.inr_rules import EPSILON
from telemon.models import (
    Alert,
    AnticoagulationPlan,
    DoseSuggestion,
    Observation,
    alert_observation,
)
from telemon.vocabulary import AlertStatus


def _outside_patient_range(inr: ColumnElement[float]) -> ColumnElement[bool]:
    """not decision.in_patient_range: at or beyond the plan's limits (EPSILON as there)."""
    plan = AnticoagulationPlan
    return or_(inr <= plan.self_inr_above + EPSILON, inr >= plan.self_inr_below - EPSILON)


def earlier_inr_waits() -> ColumnElement[bool]:
    """An open INR alert of the enrolment that the suggestion's decision would close (none of
    its readings is newer than the suggestion's INR) holds an INR outside the patient's range
    (decision.EARLIER_INR_WAITS)."""
    own = aliased(Observation)
    held = aliased(Observation)
    newer = aliased(Observation)
    linked = alert_observation.alias()
    newer_link = alert_observation.alias()
    # Two levels down from the suggestion's query: correlated by name, not by nesting.
    measured_at = (
        select(own.effective_at)
        .where(own.id == DoseSuggestion.observation_id)
        .correlate(DoseSuggestion)
        .scalar_subquery()
    )
    return exists().where(
        Alert.enrollment_id == DoseSuggestion.enrollment_id,
        Alert.measurement == alerts.measurement_of(RULE_RANGE),
        Alert.status != AlertStatus.RESOLVED,
        linked.c.alert_id == Alert.id,
        held.id == linked.c.observation_id,
        _outside_patient_range(held.value),
        ~exists().where(
            newer_link.c.alert_id == Alert.id,
            newer.id == newer_link.c.observation_id,
            newer.effective_at > measured_at,
        ),
    )


def patient_decides() -> ColumnElement[bool]:
    """decision.patient_decides for each suggestion, with its plan's limits."""
    s, plan = DoseSuggestion, AnticoagulationPlan
    return and_(
        plan.self_managing.is_(True),
        s.contact_clinic.is_(False),
        not_(_outside_patient_range(s.inr)),
        func.abs(s.change_percent) <= plan.self_max_change_percent + EPSILON,
        s.hold_doses <= plan.self_max_hold_doses,
        not_(
            and_(
                s.change_percent != 0,
                func.abs(s.weekly_dose_mg - s.previous_weekly_dose_mg) < DOSE_TOLERANCE_MG,
            )
        ),
        ~earlier_inr_waits(),
    )
