"""Evaluation runs: accepted batches of readings, judged by the programmes their codes belong to.

Runs in a worker (or in-process on the embedded default). A run locks the batches it takes, does
nothing with a batch evaluated already, and marks them evaluated in the same transaction as the
alerts it raises, so running it twice raises nothing twice.

Transactions (telemon.transactions): a job, not a use case, for it works in several. Each run is
one `transaction()`: the claim (the batches' rows locked, FOR UPDATE SKIP LOCKED), the
evaluation and the mark, committed together. The claim needs no transaction of its own: it must
hold exactly as long as the run works on the batches, and a lock ends with the transaction that
took it, so claim and work share one; a claim committed apart would let a second run take the
same batches before the first had marked them. What does stand apart: a failed run is undone
whole and its batches are tried one by one, each in a transaction of its own, and a batch that
fails counts its attempt in another (the attempt must be kept though its evaluation was undone).
The job runs outside any use case (a task, the embedded default's hand-over after a commit, the
sweep's), so each of its transactions commits.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from sqlalchemy import case, or_, select, update

from telemon import clock
from telemon.alerts import programmes
from telemon.background import jobs, work
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import Enrollment, IngestBatch, Observation
from telemon.monitoring import ACTIVE
from telemon.transactions import transaction

log = logging.getLogger(__name__)

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
            with transaction():
                work.enqueue(jobs.EVALUATE_BATCH, None)
            return total


def _run(batch_id: int | None) -> tuple[int, int]:
    """One transaction: this batch if it still waits, and others waiting, oldest first.
    Returns how many batches it took and how many of them it evaluated.

    A run that fails is tried again one batch at a time, so that a batch evaluation cannot
    handle (a bug meeting unusual data) holds up no other; such a batch counts a failed attempt
    and, after MAX_FAILED_ATTEMPTS, is left to its own task and the sweep."""
    ids: list[int] = []
    found = (0, 0, 0)
    try:
        with transaction():
            ids = _claim(batch_id, MAX_BATCHES_PER_RUN)
            if ids:
                found = _evaluate(ids)
    except Exception:
        if not ids:
            raise  # the claim itself failed (the database): the task retries
        if len(ids) == 1:
            _record_failure(ids[0])
            return 1, 0
        log.warning(
            "a run of %s batches failed; evaluating them one at a time", len(ids), exc_info=True
        )
        return len(ids), sum(_alone(batch) for batch in ids)
    if ids:
        _log_run(ids, found)
    return len(ids), len(ids)


def _alone(batch_id: int) -> int:
    """Evaluate one batch in a transaction of its own: 1 if done, 0 if failed or taken."""
    claimed = False
    found = (0, 0, 0)
    try:
        with transaction():
            claimed = _claim_one(batch_id)
            if claimed:
                found = _evaluate([batch_id])
    except Exception:
        if not claimed:
            raise
        _record_failure(batch_id)
        return 0
    if not claimed:
        return 0
    _log_run([batch_id], found)
    return 1


def _record_failure(batch_id: int) -> None:
    """Count the failed attempt, in a transaction of its own (the evaluation was undone)."""
    log.exception("batch %s could not be evaluated; it stays waiting", batch_id)
    with transaction():
        db.session.execute(
            update(IngestBatch)
            .where(IngestBatch.id == batch_id)
            .values(attempts=IngestBatch.attempts + 1)
            .execution_options(synchronize_session=False)
        )


def _log_run(ids: list[int], found: tuple[int, int, int]) -> None:
    readings, patients, raised = found
    log.info(
        "evaluated %s batch(es) (first %s): %s reading(s), %s patient(s), %s alert change(s)",
        len(ids),
        ids[0],
        readings,
        patients,
        raised,
    )


def _evaluate(ids: list[int]) -> tuple[int, int, int]:
    """Judge the readings of these (locked) batches and mark them evaluated, in the run's
    transaction; how many readings, patients and alert changes there were."""
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
    return len(observations), len(by_patient), raised


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
    """Judge each patient's new readings by the programmes they are enrolled in: each reading
    goes to the programme of its code (telemon.ingest.codes), each programme gets its active
    enrolments with their readings (telemon.alerts.programmes)."""
    readings: dict[str, dict[int, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for patient_id, observations in by_patient.items():
        for observation in observations:
            readings[CODES[observation.code].programme][patient_id].append(observation)
    judging = [p for p in programmes.registered().values() if p.name in readings]
    if not judging:
        return 0
    enrollments = _active_enrollments(list(by_patient), judging)
    changes = 0
    # Programme by programme, in the order registered, and patients in id order within each,
    # so that concurrent runs lock their alerts in the same order.
    for programme in judging:
        theirs = [
            (enrollments[patient_id, programme.name], found)
            for patient_id, found in sorted(readings[programme.name].items())
            # Readings of a programme the patient is not enrolled in are stored and shown, not
            # judged.
            if (patient_id, programme.name) in enrollments
        ]
        if theirs:
            changes += programme.evaluate(theirs)
    return changes


def _active_enrollments(
    patient_ids: list[int], judging: list[programmes.Programme]
) -> dict[tuple[int, str], Enrollment]:
    """The active enrolments of these patients in these programmes, by patient and programme,
    with what each programme reads of them (its enrollment_options): a few queries for the
    whole run."""
    rows = db.session.scalars(
        select(Enrollment)
        .where(
            Enrollment.patient_id.in_(patient_ids),
            Enrollment.status == ACTIVE,
            Enrollment.programme.in_([p.name for p in judging]),
        )
        .options(*(option for p in judging for option in p.enrollment_options))
    )
    return {(enrollment.patient_id, enrollment.programme): enrollment for enrollment in rows}
