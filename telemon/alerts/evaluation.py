"""Evaluation of an accepted batch: the readings against each patient's thresholds and baseline.

Runs in a worker (or in-process on the embedded default). It re-loads the batch, does nothing if
the batch was evaluated already, and marks it evaluated in the same transaction as the alerts it
raises, so running it twice raises nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from telemon import clock, work
from telemon.alerts import rules, schedule
from telemon.alerts.routing import route
from telemon.alerts.service import raise_or_update, resolve_automatically
from telemon.anticoagulation import service as anticoagulation
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


def evaluate_batch(batch_id: int) -> None:
    batch = db.session.scalar(
        select(IngestBatch).where(IngestBatch.id == batch_id).with_for_update()
    )
    if batch is None or batch.evaluated_at is not None:
        db.session.rollback()
        return
    batch.attempts += 1
    observations = db.session.scalars(
        select(Observation).where(Observation.batch_id == batch_id)
    ).all()
    by_patient: dict[int, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_patient[observation.patient_id].append(observation)
    enrollments = _active_enrollments(list(by_patient))
    raised = 0
    for patient_id, readings in by_patient.items():
        raised += _evaluate_patient(enrollments.get(patient_id, {}), readings)
    batch.evaluated_at = clock.now()
    work.commit()
    log.info(
        "batch %s evaluated: %s reading(s), %s patient(s), %s alert change(s)",
        batch_id,
        len(observations),
        len(by_patient),
        raised,
    )


def _active_enrollments(patient_ids: list[int]) -> dict[int, dict[str, Enrollment]]:
    """The active enrolments of every patient in the batch, with their thresholds and plans,
    in a few queries for the whole batch rather than a few per patient."""
    rows = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.patient_id.in_(patient_ids), Enrollment.status == "active")
        .options(selectinload(Enrollment.thresholds), selectinload(Enrollment.anticoagulation))
    )
    by_patient: dict[int, dict[str, Enrollment]] = defaultdict(dict)
    for enrollment in rows:
        by_patient[enrollment.patient_id][enrollment.programme] = enrollment
    return by_patient


def _evaluate_patient(enrollments: dict[str, Enrollment], readings: list[Observation]) -> int:
    findings = 0
    by_programme: dict[str, list[Observation]] = defaultdict(list)
    for reading in readings:
        by_programme[CODES[reading.code].programme].append(reading)
    # Readings of a programme the patient is not enrolled in are stored and shown, not judged.
    if "copd" in enrollments and by_programme["copd"]:
        findings += _evaluate_copd(enrollments["copd"], by_programme["copd"])
    if "anticoagulation" in enrollments and by_programme["anticoagulation"]:
        findings += anticoagulation.evaluate_inr(
            enrollments["anticoagulation"], by_programme["anticoagulation"]
        )
    return findings


def _evaluate_copd(copd: Enrollment, copd_readings: list[Observation]) -> int:
    _resolve_missing(copd, copd_readings)
    settings = rules.baseline_settings_from(copd.rule_settings)
    findings = rules.evaluate_readings(
        [_reading(o) for o in copd_readings],
        _history(copd.patient_id, copd_readings, settings),
        {t.code: limits_of(t) for t in copd.thresholds},
        settings,
    )
    for finding in findings:
        outcome = raise_or_update(
            copd, finding.rule, finding.severity, finding.reason, finding.observation_ids
        )
        route(outcome)
    return len(findings)


def _history(
    patient_id: int, new: list[Observation], settings: rules.BaselineSettings
) -> list[rules.Reading]:
    """The earlier readings the baseline rules look at: per code only as far back as its rule
    does (SpO2 14 days, weight 3, CAT 90), in one query."""
    look_back = {
        "spo2": settings.spo2_baseline_days,
        "weight": settings.weight_window_days,
        "cat_score": settings.cat_baseline_days,
    }
    windows = []
    for code in sorted({o.code for o in new} & set(look_back)):
        times = [o.effective_at for o in new if o.code == code]
        windows.append(
            and_(
                Observation.code == code,
                Observation.effective_at >= min(times) - timedelta(days=look_back[code]),
                Observation.effective_at <= max(times),
            )
        )
    if not windows:
        return []
    new_ids = {o.id for o in new}
    rows = db.session.execute(
        select(Observation.id, Observation.code, Observation.value, Observation.effective_at).where(
            Observation.patient_id == patient_id, or_(*windows)
        )
    ).all()
    return [
        rules.Reading(id=r.id, code=r.code, value=r.value, effective_at=r.effective_at)
        for r in rows
        if r.id not in new_ids
    ]


def _resolve_missing(enrollment: Enrollment, readings: list[Observation]) -> None:
    expected = schedule.schedule_from(enrollment.schedule).expected_codes
    if not any(o.code in expected for o in readings):
        return
    alert = db.session.scalar(
        select(Alert).where(
            Alert.patient_id == enrollment.patient_id,
            Alert.programme == enrollment.programme,
            Alert.rule == MISSING_RULE,
            Alert.status != "resolved",
        )
    )
    if alert is not None:
        resolve_automatically(alert, "Measurement received.")


def _reading(o: Observation) -> rules.Reading:
    return rules.Reading(id=o.id, code=o.code, value=o.value, effective_at=o.effective_at)


def limits_of(threshold: Threshold | DefaultThreshold) -> rules.Limits:
    return rules.Limits(
        alert_high=threshold.alert_high,
        warning_high=threshold.warning_high,
        warning_low=threshold.warning_low,
        alert_low=threshold.alert_low,
    )
