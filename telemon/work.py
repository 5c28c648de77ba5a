"""How work reaches a worker: the one place that knows.

Services call `enqueue(job, *ids)` while they work and `commit()` at the end. Work is handed
over only after the commit succeeded, so a task never runs before its rows exist. With Redis
configured it is sent to Celery by name; on the embedded default it runs in this process,
right after the commit. Either way a failure to hand over loses nothing: what still needs doing
is recorded in the database, and the periodic sweep hands it over again.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from telemon import jobs
from telemon.extensions import db

log = logging.getLogger(__name__)

_PENDING = "telemon_pending_work"


def enqueue(job: str, *args: Any) -> None:
    """Hand `job(*args)` to a worker once the current transaction commits."""
    if job not in jobs.QUEUES:
        raise KeyError(f"unknown job {job}")
    db.session.info.setdefault(_PENDING, []).append((job, args))


def commit() -> None:
    """Commit the session, then hand over the work enqueued in it."""
    db.session.commit()
    pending = db.session.info.pop(_PENDING, [])
    for job, args in pending:
        _hand_over(job, args)


def _hand_over(job: str, args: tuple[Any, ...]) -> None:
    if current_app.config["TELEMON_TASKS_IN_PROCESS"]:
        try:
            jobs.run(job, *args)
        except Exception:
            # Logged and left for the sweep, which finds the unfinished row again.
            log.exception("in-process job %s failed; the sweep will retry it", job)
            db.session.rollback()
        return
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(
            job,
            args=list(args),
            queue=jobs.QUEUES[job],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except Exception:
        log.warning("could not hand %s to the broker; the sweep will retry it", job)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction: Any) -> None:
    # Work enqueued in a transaction that was rolled back must not run.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
