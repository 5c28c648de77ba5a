"""The background jobs: names, queues and the service function behind each.

Jobs take ids, re-load their rows and are safe to run twice. workers/tasks.py declares one thin
Celery task per name; the embedded default calls the same functions in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVALUATE_BATCH = "telemon.evaluate_batch"
SEND_MAIL = "telemon.send_mail"
SWEEP = "telemon.sweep"
CHECK_MISSING = "telemon.check_missing_measurements"
ESCALATE = "telemon.escalate_overdue"
DIGEST = "telemon.send_digests"
CHECK_MISSED_INR = "telemon.check_missed_inr_tests"
ESCALATE_REVIEWS = "telemon.escalate_overdue_reviews"

# Evaluation has its own queue so that it never waits behind mail or periodic work.
QUEUES: dict[str, str] = {
    EVALUATE_BATCH: "evaluation",
    SEND_MAIL: "mail",
    SWEEP: "periodic",
    CHECK_MISSING: "periodic",
    ESCALATE: "periodic",
    DIGEST: "periodic",
    CHECK_MISSED_INR: "periodic",
    ESCALATE_REVIEWS: "periodic",
}

# Jobs that work through everything waiting, not only the item they were handed: while one of
# them waits in the queue, handing over another would add nothing, so it is skipped (work.py).
# Under load this turns one task per upload into one task per run of uploads.
COALESCED = frozenset({EVALUATE_BATCH})

# How often the periodic jobs run (seconds), for Celery beat and the in-process scheduler.
PERIODIC: dict[str, float] = {
    SWEEP: 30,
    ESCALATE: 60,
    CHECK_MISSING: 300,
    DIGEST: 300,
    CHECK_MISSED_INR: 900,
    ESCALATE_REVIEWS: 60,
}


def registry() -> dict[str, Callable[..., Any]]:
    # Imported here: the services enqueue jobs by name and must not import this at load time.
    from telemon.alerts import evaluation, periodic
    from telemon.anticoagulation import inr_evaluation
    from telemon.notify import outbox
    from telemon.woundcare import reviews

    return {
        EVALUATE_BATCH: evaluation.evaluate_batch,
        SEND_MAIL: outbox.send_mail,
        SWEEP: periodic.sweep,
        CHECK_MISSING: periodic.check_missing_measurements,
        ESCALATE: periodic.escalate_overdue,
        DIGEST: periodic.send_digests,
        CHECK_MISSED_INR: inr_evaluation.check_missed_tests,
        ESCALATE_REVIEWS: reviews.escalate_overdue_reviews,
    }


def run(job: str, *args: Any) -> Any:
    """Run a job in this process."""
    return registry()[job](*args)
