"""The background jobs: names, queues, periodic intervals, and the service function behind each
(registered by the app).

Jobs take ids, re-load their rows and are safe to run twice. workers/tasks.py declares one thin
Celery task per name; the embedded default calls the same functions in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app

EVALUATE_BATCH = "telemon.evaluate_batch"
SEND_MAIL = "telemon.send_mail"
SWEEP = "telemon.sweep"
CHECK_MISSING = "telemon.check_missing_measurements"
ESCALATE = "telemon.escalate_overdue"
DIGEST = "telemon.send_digests"
CHECK_MISSED_INR = "telemon.check_missed_inr_tests"
ESCALATE_REVIEWS = "telemon.escalate_overdue_reviews"
EVALUATE_RESPONSE = "telemon.evaluate_questionnaire_response"
CHECK_MISSING_QUESTIONNAIRES = "telemon.check_missing_questionnaires"

# Evaluation has its own queue so that it never waits behind mail or periodic work.
QUEUES: dict[str, str] = {
    EVALUATE_BATCH: "evaluation",
    EVALUATE_RESPONSE: "evaluation",
    CHECK_MISSING_QUESTIONNAIRES: "periodic",
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
    CHECK_MISSING_QUESTIONNAIRES: 300,
}


_HANDLERS = "telemon.background.jobs"


def register(app: Flask, handlers: Mapping[str, Callable[..., Any]]) -> None:
    """The service function behind each job, given when the app is created (telemon.app).

    Services hand work over by job name (work.enqueue) and import nothing that runs it; the
    app, which imports every service anyway, says which function a name runs."""
    if set(handlers) != set(QUEUES):
        raise ValueError(f"every job needs one handler: {sorted(set(handlers) ^ set(QUEUES))}")
    app.extensions[_HANDLERS] = dict(handlers)


def run(job: str, *args: Any) -> Any:
    """Run a job in this process, with the current app's handler for it."""
    return current_app.extensions[_HANDLERS][job](*args)
