"""How work reaches a worker: the one place that knows.

Services call `enqueue(job, *ids)` while they work and `commit()` at the end. Work is handed
over only after the commit succeeded, so a task never runs before its rows exist. With Redis
configured it is sent to Celery by name; on the embedded default it runs in this process,
right after the commit. Either way a failure to hand over loses nothing: what still needs doing
is recorded in the database, and the periodic sweep hands it over again.

A coalesced job (jobs.COALESCED) works through everything waiting when it runs. A Redis key
(the mark) says "a run is queued or under way and will look again"; while it is set, handing over
another is skipped. The worker clears it (`started`) only after its first pass and then looks
once more, so whatever was committed while the mark was set is found by that last look, and
uploads that arrive while a run works add no tasks. A run that finds a backlog asks for one more
task alongside it (`ask_for_help`), so every worker process joins in. The mark expires by
itself: a lost task costs at most QUEUED_MARK_SECONDS of skipped hand-overs, and the sweep
remains behind it.

A hand-over never holds up the request that made it: there is no result backend to wait on,
Redis is asked with short time-outs and no retries, and after a failure this process stops
trying for BROKER_PAUSE_SECONDS (the sweep hands over what was skipped), so an upload answers
in normal time while Redis is down.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from telemon.background import jobs
from telemon.extensions import db

log = logging.getLogger(__name__)

_PENDING = "telemon_pending_work"
QUEUED_MARK_SECONDS = 10
# After the broker failed, hand-overs are skipped for this long (the sweep finds the work).
BROKER_PAUSE_SECONDS = 5.0
# Time-outs for each Redis call made while a request waits.
REDIS_TIMEOUT_SECONDS = 1.0

_broker_down_until: dict[str, float] = {}  # per broker URL
_broker_lock = threading.Lock()


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
    if job in jobs.COALESCED and not _mark_queued(job):
        return  # one is queued and will find this work
    if not _send(job, args) and job in jobs.COALESCED:
        started(job)  # nothing is queued after all


def _send(job: str, args: tuple[Any, ...]) -> bool:
    if _broker_paused():
        return False
    celery = current_app.extensions["celery"]
    try:
        # No retries here: a request is waiting. The sweep is the retry.
        celery.send_task(job, args=list(args), queue=jobs.QUEUES[job], retry=False)
    except Exception:
        _pause_broker()
        log.warning("could not hand %s to the broker; the sweep will retry it", job)
        return False
    return True


def _broker_paused() -> bool:
    until = _broker_down_until.get(current_app.config["TELEMON_REDIS_URL"] or "", 0.0)
    return time.monotonic() < until


def _pause_broker() -> None:
    with _broker_lock:
        key = current_app.config["TELEMON_REDIS_URL"] or ""
        _broker_down_until[key] = time.monotonic() + BROKER_PAUSE_SECONDS


def ask_for_help(job: str, *args: Any) -> None:
    """A coalesced job found more waiting than one run takes: hand over one more task now, mark
    or not, for another worker process to work alongside. In-process nobody could help."""
    if job not in jobs.COALESCED:
        raise KeyError(f"{job} is not a coalesced job")
    if not current_app.config["TELEMON_TASKS_IN_PROCESS"]:
        _send(job, args)


def started(job: str) -> None:
    """A worker has done a first pass of a coalesced job and is about to look once more: work
    committed from now on must hand over a new task."""
    if _broker_paused():
        return  # the mark expires by itself
    try:
        _redis().delete(_queued_key(job))
    except Exception:
        _pause_broker()
        log.warning("could not clear the queued mark of %s; it expires by itself", job)


def _mark_queued(job: str) -> bool:
    """Set the queued mark; False when it was set already (one is queued)."""
    if _broker_paused():
        return True  # _send skips it too; nothing waits on Redis
    try:
        return bool(_redis().set(_queued_key(job), "1", nx=True, ex=QUEUED_MARK_SECONDS))
    except Exception:
        _pause_broker()
        return True  # without the mark, hand over every time


def _queued_key(job: str) -> str:
    return f"telemon:queued:{job}"


def _redis() -> redis.Redis:
    client = current_app.extensions.get("telemon_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["TELEMON_REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),  # a request waits: fail at once, the sweep is behind
        )
        current_app.extensions["telemon_redis"] = client
    return client


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction: Any) -> None:
    # Work enqueued in a transaction that was rolled back must not run.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
