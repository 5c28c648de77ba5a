"""Evaluation of accepted batches: the readings against each patient's thresholds and baseline.

Runs in a worker (or in-process on the embedded default). A run locks the batches it takes, does
nothing with a batch evaluated already, and marks them evaluated in the same transaction as the
alerts it raises, so running it twice raises nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import selectinload

from telemon import clock, jobs, work
from telemon.alerts import joining, rules, schedule
from telemon.alerts.routing import route
from telemon.alerts.service import raise_or_update, resolve_automatically
from telemon.anticoagulation import inr_evaluation
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import (
    Alert,
    DefaultThreshold,
    Enrollment,
    IngestBatch,
    Observation,
    Threshold,
)

log = logging.getLogger(__name__)

MISSING_RULE = "missing_measurement"
# How many waiting batches one evaluation run takes on (its own included): enough to amortise
# the per-run queries under load, few enough that one transaction stays short.
MAX_BATCHES_PER_RUN = 25
# A waiting batch that failed this often is no longer taken along by other runs: its own task
# (the sweep hands it over again) still tries it, and each failure is logged.
MAX_FAILED_ATTEMPTS = 3
# How long one task goes on taking runs before it hands over to a fresh one: a worker process
# that evaluates a backlog still turns to a queued alert mail within this time.
RUN_BUDGET_SECONDS = 10.0


def evaluate_batch(batch_id: int | None = None) -> int:
    """Evaluate this batch and every batch waiting with it; return how many were evaluated.

    Under load many small batches wait; a run judges up to MAX_BATCHES_PER_RUN of them
    together, with a few queries for all their patients, and runs follow one another until
    fewer than that wait, or for RUN_BUDGET_SECONDS, after which a fresh task takes over (so a
    worker is never held indefinitely). The first full run asks for one more task alongside,
    so that every worker process works on a backlog. Batches another run holds are skipped:
    that run evaluates them. The embedded default and a worker both call this; work.py hands it
    over once for however many batches are waiting (jobs.COALESCED).
    """
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    total = 0
    first = True
    while True:
        taken, evaluated = _run(batch_id)
        if taken == MAX_BATCHES_PER_RUN and first:
            work.ask_for_help(jobs.EVALUATE_BATCH, None)
        total += evaluated
        batch_id = None
        first = False
        if taken < MAX_BATCHES_PER_RUN:
            return total
        if time.monotonic() > deadline:
            work.enqueue(jobs.EVALUATE_BATCH, None)
            work.commit()
            return total


def _run(batch_id: int | None) -> tuple[int, int]:
    """One transaction: this batch if it still waits, and others waiting, oldest first.
    Returns how many batches it took and how many of them it evaluated.

    A run that fails is tried again one batch at a time, so that a batch evaluation cannot
    handle (a bug meeting unusual data) holds up no other; such a batch counts a failed attempt
    and, after MAX_FAILED_ATTEMPTS, is left to its own task and the sweep."""
    ids = _claim(batch_id, MAX_BATCHES_PER_RUN)
    if not ids:
        db.session.rollback()
        return 0, 0
    try:
        _evaluate(ids)
    except Exception:
        db.session.rollback()
        if len(ids) == 1:
            _record_failure(ids[0])
            return 1, 0
        log.warning(
            "a run of %s batches failed; evaluating them one at a time", len(ids), exc_info=True
        )
        return len(ids), sum(_alone(batch) for batch in ids)
    return len(ids), len(ids)


def _alone(batch_id: int) -> int:
    """Evaluate one batch in a transaction of its own: 1 if done, 0 if failed or taken."""
    if not _claim_one(batch_id):
        db.session.rollback()
        return 0
    try:
        _evaluate([batch_id])
    except Exception:
        db.session.rollback()
        _record_failure(batch_id)
        return 0
    return 1


def _record_failure(batch_id: int) -> None:
    log.exception("batch %s could not be evaluated; it stays waiting", batch_id)
    db.session.execute(
        update(IngestBatch)
        .where(IngestBatch.id == batch_id)
        .values(attempts=IngestBatch.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _evaluate(ids: list[int]) -> None:
    """Judge the readings of these (locked) batches and mark them evaluated, then commit."""
    observations = db.session.scalars(
        select(Observation)
        .where(Observation.batch_id.in_(ids))
        .order_by(Observation.effective_at, Observation.id)
    ).all()
    by_patient: dict[int, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_patient[observation.patient_id].append(observation)
    raised = _evaluate_patients(by_patient)
    db.session.execute(
        update(IngestBatch)
        .where(IngestBatch.id.in_(ids))
        .values(evaluated_at=clock.now(), attempts=IngestBatch.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    work.commit()
    log.info(
        "evaluated %s batch(es) (first %s): %s reading(s), %s patient(s), %s alert change(s)",
        len(ids),
        ids[0],
        len(observations),
        len(by_patient),
        raised,
    )


def _claim_one(batch_id: int) -> bool:
    return (
        db.session.scalar(
            select(IngestBatch.id)
            .where(IngestBatch.id == batch_id, IngestBatch.evaluated_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        is not None
    )


def _claim(batch_id: int | None, limit: int) -> list[int]:
    """Lock up to `limit` batches not yet evaluated that no other run holds: this one first if
    it still waits, then the oldest that have not failed too often."""
    own_first = [] if batch_id is None else [case((IngestBatch.id == batch_id, 0), else_=1)]
    takeable = IngestBatch.attempts < MAX_FAILED_ATTEMPTS
    if batch_id is not None:
        takeable = or_(takeable, IngestBatch.id == batch_id)
    return list(
        db.session.scalars(
            select(IngestBatch.id)
            .where(IngestBatch.evaluated_at.is_(None), takeable)
            .order_by(*own_first, IngestBatch.received_at, IngestBatch.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def _evaluate_patients(by_patient: dict[int, list[Observation]]) -> int:
    """Judge each patient's new readings by the programmes they are enrolled in."""
    with_inr = any(
        CODES[o.code].programme == "anticoagulation"
        for readings in by_patient.values()
        for o in readings
    )
    enrollments = _active_enrollments(list(by_patient), with_plans=with_inr)
    copd: dict[int, tuple[Enrollment, list[Observation]]] = {}
    changes = 0
    # Patients in id order, so that concurrent runs lock their alerts in the same order.
    for patient_id, readings in sorted(by_patient.items()):
        theirs = enrollments.get(patient_id, {})
        by_programme: dict[str, list[Observation]] = defaultdict(list)
        for reading in readings:
            by_programme[CODES[reading.code].programme].append(reading)
        # Readings of a programme the patient is not enrolled in are stored and shown, not judged.
        if "copd" in theirs and by_programme["copd"]:
            copd[patient_id] = (theirs["copd"], by_programme["copd"])
        if "anticoagulation" in theirs and by_programme["anticoagulation"]:
            changes += inr_evaluation.evaluate_inr(
                theirs["anticoagulation"], by_programme["anticoagulation"]
            )
    return changes + _evaluate_copd(copd)


def _active_enrollments(
    patient_ids: list[int], with_plans: bool
) -> dict[int, dict[str, Enrollment]]:
    """The active enrolments of every patient in the run, with their thresholds (and, when INR
    readings came, their anticoagulation plans), in a few queries for the whole run."""
    options = [selectinload(Enrollment.thresholds)]
    if with_plans:
        options.append(selectinload(Enrollment.anticoagulation))
    rows = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.patient_id.in_(patient_ids), Enrollment.status == "active")
        .options(*options)
    )
    by_patient: dict[int, dict[str, Enrollment]] = defaultdict(dict)
    for enrollment in rows:
        by_patient[enrollment.patient_id][enrollment.programme] = enrollment
    return by_patient


def _evaluate_copd(patients: dict[int, tuple[Enrollment, list[Observation]]]) -> int:
    """COPD readings against each patient's limits and baseline: the history and the missing-
    measurement alerts of all these patients in one query each."""
    if not patients:
        return 0
    settings = {
        patient_id: rules.baseline_settings_from(enrollment.rule_settings)
        for patient_id, (enrollment, _) in patients.items()
    }
    _resolve_missing(patients)
    history = _history(patients, settings)
    findings = 0
    for patient_id, (enrollment, readings) in sorted(patients.items()):
        found = rules.evaluate_readings(
            [_reading(o) for o in readings],
            history.get(patient_id, []),
            {t.code: limits_of(t) for t in enrollment.thresholds},
            settings[patient_id],
        )
        for finding in found:
            reason = joining.reason(finding.reason_code, finding.reason_params, finding.severity)
            outcome = raise_or_update(
                enrollment, finding.rule, finding.severity, [reason], finding.observation_ids
            )
            route(outcome)
        findings += len(found)
    return findings


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
    alerts = db.session.scalars(
        select(Alert)
        .where(
            Alert.patient_id.in_(received),
            Alert.programme == "copd",
            Alert.rule == MISSING_RULE,
            Alert.status != "resolved",
        )
        .order_by(Alert.patient_id)
    )
    for alert in alerts:
        resolve_automatically(alert, "measurement_received")


def _reading(o: Observation) -> rules.Reading:
    return rules.Reading(id=o.id, code=o.code, value=o.value, effective_at=o.effective_at)


def limits_of(threshold: Threshold | DefaultThreshold) -> rules.Limits:
    return rules.Limits(
        alert_high=threshold.alert_high,
        warning_high=threshold.warning_high,
        warning_low=threshold.warning_low,
        alert_low=threshold.alert_low,
    )
