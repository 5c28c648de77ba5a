"""Questionnaires assigned to an enrolment with a schedule, and the blue alert for one not
answered in its window (as a missing measurement raises one: OpenTele's "blue alarm").

The schedule takes the measurement schedule's forms (telemon.copd.schedule: interval_days,
grace_hours) and its rule (schedule.missing_since): due every interval_days local days after
the last answer (or the assignment), missing once the due day and the grace have passed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from telemon import access, alerts, audit, clock, monitoring
from telemon.copd import schedule
from telemon.errors import Invalid
from telemon.extensions import db
from telemon.models import (
    Alert,
    Enrollment,
    EnrollmentQuestionnaire,
    Questionnaire,
    QuestionnaireResponse,
    User,
)
from telemon.monitoring_sql import is_monitored
from telemon.transactions import transaction, use_case
from telemon.vocabulary import AlertStatus, Severity

log = logging.getLogger(__name__)

MISSING_RULE = "missing_questionnaire"


def schedule_of(settings: Any) -> schedule.MeasurementSchedule:
    """A questionnaire's schedule (interval_days, grace_hours); ValueError naming the setting."""
    if isinstance(settings, dict) and "expected_codes" in settings:
        raise ValueError("A questionnaire's schedule takes interval_days and grace_hours.")
    return schedule.schedule_from(settings or {})


def assign(actor: User, enrollment: Enrollment, wanted: Sequence[Any]) -> None:
    """Set the enrolment's questionnaires (in the caller's use case: the caller has checked
    that the actor may change the plan). Each [{"questionnaire_id", "schedule"}] names an
    active questionnaire of the enrolment's programme, the programme's own or the responsible
    care team's; Invalid naming the entry otherwise. Audited with before and after."""
    errors: dict[str, Any] = {}
    rows: dict[int, dict[str, Any]] = {}
    for n, entry in enumerate(wanted):
        if not isinstance(entry, dict) or not isinstance(entry.get("questionnaire_id"), int):
            errors[str(n)] = {"questionnaire_id": ["Required: a questionnaire's id."]}
            continue
        questionnaire = db.session.get(Questionnaire, entry["questionnaire_id"])
        if (
            questionnaire is None
            or questionnaire.status != "active"
            or questionnaire.programme != enrollment.programme
            or questionnaire.care_team_id not in (None, enrollment.care_team_id)
        ):
            errors[str(n)] = {
                "questionnaire_id": ["No active questionnaire of this programme and team."]
            }
            continue
        try:
            schedule_of(entry.get("schedule"))
        except ValueError as error:
            errors[str(n)] = {"schedule": [str(error)]}
            continue
        rows[questionnaire.id] = dict(entry.get("schedule") or {})
    if errors:
        raise Invalid("The questionnaires cannot be assigned.", {"questionnaires": errors})
    current = {
        row.questionnaire_id: row
        for row in db.session.scalars(
            select(EnrollmentQuestionnaire).where(
                EnrollmentQuestionnaire.enrollment_id == enrollment.id
            )
        )
    }
    before = {str(k): v.schedule for k, v in sorted(current.items())}
    for questionnaire_id, row in current.items():
        if questionnaire_id not in rows:
            db.session.delete(row)
    now = clock.now()
    for questionnaire_id, settings in rows.items():
        if questionnaire_id in current:
            current[questionnaire_id].schedule = settings
        else:
            db.session.add(
                EnrollmentQuestionnaire(
                    enrollment_id=enrollment.id,
                    questionnaire_id=questionnaire_id,
                    schedule=settings,
                    assigned_at=now,
                )
            )
    after = {str(k): v for k, v in sorted(rows.items())}
    if before != after:
        audit.record_change(
            actor,
            "enrollment.update",
            "enrollment",
            enrollment.id,
            {"questionnaires": before},
            {"questionnaires": after},
            patient_id=enrollment.patient_id,
        )


def assigned(enrollment_id: int) -> list[EnrollmentQuestionnaire]:
    """The enrolment's questionnaires. Writes nothing."""
    return list(
        db.session.scalars(
            select(EnrollmentQuestionnaire).where(
                EnrollmentQuestionnaire.enrollment_id == enrollment_id
            )
        )
    )


def resolve_missing(patient_id: int, programme: str) -> None:
    """A response resolves the patient's blue missing-questionnaire alert (in the caller's
    transaction)."""
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.patient_id == patient_id,
            Alert.programme == programme,
            Alert.rule == MISSING_RULE,
            Alert.status != AlertStatus.RESOLVED,
        )
    ):
        alerts.resolve_automatically(alert, "measurement_received")


def check_missing_questionnaires() -> int:
    """The periodic check: a blue alert for each monitored enrolment whose assigned
    questionnaire has not been answered in its window (once: while one is unresolved, no other).
    Each enrolment's alert in a transaction of its own. Returns the alerts raised."""
    now = clock.now()
    rows = db.session.execute(
        select(EnrollmentQuestionnaire, Enrollment, Questionnaire)
        .join(Enrollment, Enrollment.id == EnrollmentQuestionnaire.enrollment_id)
        .join(Questionnaire, Questionnaire.id == EnrollmentQuestionnaire.questionnaire_id)
        .where(is_monitored())
    ).all()
    already = set(
        db.session.scalars(
            select(Alert.enrollment_id).where(
                Alert.rule == MISSING_RULE, Alert.status != AlertStatus.RESOLVED
            )
        )
    )
    raised = 0
    for assignment, enrollment, questionnaire in rows:
        if enrollment.id in already:
            continue
        enrollment_id = enrollment.id
        try:
            with transaction():
                if _raise_if_missing(assignment, enrollment, questionnaire, now):
                    raised += 1
                    already.add(enrollment_id)
        except Exception:
            log.exception("missing-questionnaire check failed for enrolment %s", enrollment_id)
    return raised


def _raise_if_missing(
    assignment: EnrollmentQuestionnaire,
    enrollment: Enrollment,
    questionnaire: Questionnaire,
    now: Any,
) -> bool:
    plan = schedule_of(assignment.schedule)
    last = db.session.scalar(
        select(func.max(QuestionnaireResponse.authored_at))
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(
            QuestionnaireResponse.patient_id == enrollment.patient_id,
            Questionnaire.url == questionnaire.url,
        )
    )
    today = clock.local(now).date()
    counted_from = monitoring.counting_from(
        max(enrollment.enrolled_at, assignment.assigned_at),
        monitoring.ended_pause_until(enrollment.paused_from, enrollment.paused_until, today),
    )
    missing_day = schedule.missing_since(plan, counted_from, last, now)
    if missing_day is None:
        return False
    reason = alerts.reason(
        MISSING_RULE,
        {"title": questionnaire.title, "day": missing_day.isoformat()},
        Severity.BLUE,
    )
    outcome = alerts.raise_or_update(enrollment, MISSING_RULE, Severity.BLUE, [reason], now=now)
    return outcome.created


@use_case
def to_answer(user: User, patient_id: int) -> list[Questionnaire]:
    """The questionnaires this patient answers (read for her own pages or the home nurse's,
    audited): those assigned to her active enrolments, else her programmes' own (published
    for the programme, active), one version per questionnaire (the newest)."""
    access.patient_for(user, patient_id, "questionnaire.list", "patient")
    enrollments = list(
        db.session.scalars(
            select(Enrollment).where(
                Enrollment.patient_id == patient_id, Enrollment.status == "active"
            )
        )
    )
    chosen = list(
        db.session.scalars(
            select(Questionnaire)
            .join(EnrollmentQuestionnaire)
            .where(
                EnrollmentQuestionnaire.enrollment_id.in_([e.id for e in enrollments]),
                Questionnaire.status == "active",
            )
        )
    )
    assigned_programmes = {q.programme for q in chosen}
    unassigned = [e.programme for e in enrollments if e.programme not in assigned_programmes]
    if unassigned:
        chosen += db.session.scalars(
            select(Questionnaire).where(
                Questionnaire.programme.in_(unassigned),
                Questionnaire.care_team_id.is_(None),
                Questionnaire.status == "active",
            )
        )
    newest: dict[str, Questionnaire] = {}
    for q in sorted(chosen, key=lambda q: q.id):
        newest[q.url] = q
    return sorted(newest.values(), key=lambda q: q.title)
