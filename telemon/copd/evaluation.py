"""The COPD programme's evaluator: new readings against each patient's limits and baseline, and
the missing measurements (OpenTele's "blue alarm") of every monitored COPD enrolment.

The rules themselves are pure (telemon.copd.rules, telemon.copd.schedule); this module reads
what they need, in a few queries for many patients, and raises and resolves alerts through the
alert life cycle: in the evaluation run's transaction (telemon.alerts.evaluation), and in the
periodic check one transaction per enrolment that misses a measurement.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from telemon import alerts, clock, monitoring
from telemon.copd import rules, schedule
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import Alert, DefaultThreshold, Enrollment, Observation, Threshold
from telemon.monitoring_sql import is_monitored
from telemon.transactions import transaction
from telemon.vocabulary import AlertStatus, Severity

log = logging.getLogger(__name__)

MISSING_RULE = "missing_measurement"


def evaluate(enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]]) -> int:
    """COPD readings against each patient's limits and baseline: each active COPD enrolment with
    its patient's new COPD readings. The history and the missing-measurement alerts of all these
    patients are read in one query each. Returns the number of findings."""
    judged = judge(enrollments)
    findings = 0
    for enrollment, found in judged:
        for finding in found:
            reason = alerts.reason(finding.reason_code, finding.reason_params, finding.severity)
            outcome = alerts.raise_or_update(
                enrollment, finding.rule, finding.severity, [reason], finding.observation_ids
            )
            alerts.route(outcome)
        findings += len(found)
    return findings


def judge(
    enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]],
) -> list[tuple[Enrollment, list[rules.Finding]]]:
    """What the rules find in each enrolment's new readings (patients in id order), without
    raising anything; a reading the schedule expects resolves the missing-measurement alert.
    A questionnaire response's readings are judged by this too, and its findings become part
    of the response's one finding (telemon.questionnaires.evaluation)."""
    patients = {e.patient_id: (e, list(readings)) for e, readings in enrollments}
    if not patients:
        return []
    settings = {
        patient_id: rules.baseline_settings_from(enrollment.rule_settings)
        for patient_id, (enrollment, _) in patients.items()
    }
    _resolve_missing(patients)
    history = _history(patients, settings)
    return [
        (
            enrollment,
            rules.evaluate_readings(
                [_reading(o) for o in readings],
                history.get(patient_id, []),
                {t.code: limits_of(t) for t in enrollment.thresholds},
                settings[patient_id],
            ),
        )
        for patient_id, (enrollment, readings) in sorted(patients.items())
    ]


def _history(
    patients: dict[int, tuple[Enrollment, list[Observation]]],
    settings: dict[int, rules.BaselineSettings],
) -> dict[int, list[rules.Reading]]:
    """The earlier readings the baseline rules look at, per patient, in one query: per code
    only as far back as its rule does (SpO2 14 days, weight 3, CAT 90 by default). The window is
    the widest any of these patients needs; the rules themselves keep to each patient's own."""
    look_back: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for patient_id, (_, readings) in patients.items():
        days = {
            "spo2": settings[patient_id].spo2_baseline_days,
            "weight": settings[patient_id].weight_window_days,
            "cat_score": settings[patient_id].cat_baseline_days,
        }
        for o in readings:
            if o.code in days:
                look_back[o.code].append(
                    (o.effective_at - timedelta(days=days[o.code]), o.effective_at)
                )
    if not look_back:
        return {}
    windows = [
        and_(
            Observation.code == code,
            Observation.effective_at >= min(start for start, _ in spans),
            Observation.effective_at <= max(end for _, end in spans),
        )
        for code, spans in sorted(look_back.items())
    ]
    new_ids = {o.id for _, readings in patients.values() for o in readings}
    rows = db.session.execute(
        select(
            Observation.patient_id,
            Observation.id,
            Observation.code,
            Observation.value,
            Observation.effective_at,
        ).where(Observation.patient_id.in_(list(patients)), or_(*windows))
    ).all()
    history: dict[int, list[rules.Reading]] = defaultdict(list)
    for r in rows:
        if r.id not in new_ids:
            history[r.patient_id].append(
                rules.Reading(id=r.id, code=r.code, value=r.value, effective_at=r.effective_at)
            )
    return history


def _resolve_missing(patients: dict[int, tuple[Enrollment, list[Observation]]]) -> None:
    """A reading the schedule expects resolves the patient's missing-measurement alert."""
    received = [
        patient_id
        for patient_id, (enrollment, readings) in patients.items()
        if {o.code for o in readings}
        & set(schedule.schedule_from(enrollment.schedule).expected_codes)
    ]
    if not received:
        return
    missing = db.session.scalars(
        select(Alert)
        .where(
            Alert.patient_id.in_(received),
            Alert.programme == "copd",
            Alert.rule == MISSING_RULE,
            Alert.status != AlertStatus.RESOLVED,
        )
        .order_by(Alert.patient_id)
    )
    for alert in missing:
        alerts.resolve_automatically(alert, "measurement_received")


def _reading(o: Observation) -> rules.Reading:
    return rules.Reading(id=o.id, code=o.code, value=o.value, effective_at=o.effective_at)


def limits_of(threshold: Threshold | DefaultThreshold) -> rules.Limits:
    return rules.Limits(
        alert_high=threshold.alert_high,
        warning_high=threshold.warning_high,
        warning_low=threshold.warning_low,
        alert_low=threshold.alert_low,
    )


def check_missing_measurements() -> int:
    """Raise a blue alert for each monitored COPD enrolment (active, not paused today) whose
    expected measurement has not arrived; after a pause, counted from its end. A few queries
    for all enrolments (one per expected code), not one per enrolment; each enrolment's alert
    is committed on its own (telemon.transactions.transaction), so an enrolment whose stored
    settings cannot be used, or whose alert cannot be stored, is logged and skipped, never
    stopping or undoing the job for the other patients."""
    now = clock.now()
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.programme == "copd", is_monitored())
    ).all()
    plans: dict[int, schedule.MeasurementSchedule] = {}
    for enrollment in enrollments:
        try:
            plans[enrollment.id] = schedule.schedule_from(enrollment.schedule)
        except ValueError:
            log.error("enrolment %s: stored schedule is invalid; not checked", enrollment.id)
    last_by_code = _last_readings(sorted({c for p in plans.values() for c in p.expected_codes}))
    already = set(
        db.session.scalars(
            select(Alert.enrollment_id).where(
                Alert.rule == MISSING_RULE, Alert.status != AlertStatus.RESOLVED
            )
        )
    )
    raised = 0
    for enrollment in enrollments:
        plan = plans.get(enrollment.id)
        if plan is None or enrollment.id in already:
            continue
        enrollment_id = enrollment.id  # a failed transaction expires what the session holds
        try:
            with transaction():
                raised += _raise_if_missing(enrollment, plan, last_by_code, now)
        except Exception:
            log.exception("missing-measurement check failed for enrolment %s", enrollment_id)
    if raised:
        log.info("missing-measurement check raised %s blue alert(s)", raised)
    return raised


def _last_readings(codes: list[str]) -> dict[tuple[int, str], datetime]:
    """(patient, code) -> time of the latest reading, for every monitored COPD patient."""
    last: dict[tuple[int, str], datetime] = {}
    for code in codes:
        latest = (
            select(func.max(Observation.effective_at))
            .where(Observation.patient_id == Enrollment.patient_id, Observation.code == code)
            .scalar_subquery()
        )
        rows = db.session.execute(
            select(Enrollment.patient_id, latest).where(
                Enrollment.programme == "copd", is_monitored()
            )
        )
        last.update({(patient_id, code): at for patient_id, at in rows if at is not None})
    return last


def _raise_if_missing(
    enrollment: Enrollment,
    plan: schedule.MeasurementSchedule,
    last_by_code: dict[tuple[int, str], datetime],
    now: datetime,
) -> int:
    times = [last_by_code.get((enrollment.patient_id, c)) for c in plan.expected_codes]
    last = max((t for t in times if t is not None), default=None)
    if last is not None and last < enrollment.enrolled_at:
        last = None  # readings before this enrolment do not count towards its schedule
    today = clock.local(now).date()
    counted_from = monitoring.counting_from(
        enrollment.enrolled_at,
        monitoring.ended_pause_until(enrollment.paused_from, enrollment.paused_until, today),
        restarted_at=enrollment.monitoring_restarted_at,
    )
    missing_day = schedule.missing_since(plan, counted_from, last, now)
    if missing_day is None:
        return 0
    codes = [c for c in plan.expected_codes if c in CODES]
    reason = alerts.reason(
        MISSING_RULE, {"codes": codes, "day": missing_day.isoformat()}, Severity.BLUE
    )
    outcome = alerts.raise_or_update(enrollment, MISSING_RULE, Severity.BLUE, [reason], now=now)
    return int(outcome.created)
