"""Celery tasks: ids in, one service call, nothing else. All of them are safe to run twice.

Retries with backoff are for the outside world: the SMTP server, and the database for a task
that could not reach it (long enough to ride out a database restart: about ten minutes).
Within a task, an evaluation run that fails (a lock conflict with another run, a batch it
cannot handle) is tried again one batch at a time
(telemon.alerts.evaluation); what still fails is left to the sweep, which hands it over again.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from sqlalchemy.exc import OperationalError

from telemon.background import jobs, work
from telemon.notify.outbox import MailNotSent

# Database errors: 2, 4, 8, ... 120 s between tries, about ten minutes in all.
DATABASE_RETRIES = 10


@shared_task(
    name=jobs.EVALUATE_BATCH,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=DATABASE_RETRIES,
)
def evaluate_batch(batch_id: int | None) -> None:
    # While the mark is set, uploads hand over no task of their own: clear it, then look again
    # for whatever they committed meanwhile (telemon.background.work explains the mark).
    jobs.run(jobs.EVALUATE_BATCH, batch_id)
    work.started(jobs.EVALUATE_BATCH)
    jobs.run(jobs.EVALUATE_BATCH, None)


@shared_task(
    name=jobs.EVALUATE_RESPONSE,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=DATABASE_RETRIES,
)
def evaluate_questionnaire_response(response_id: int) -> None:
    jobs.run(jobs.EVALUATE_RESPONSE, response_id)


@shared_task(
    name=jobs.SEND_MAIL,
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=DATABASE_RETRIES,
)
def send_mail(self: Any, mail_id: int) -> None:
    # One retry chain per mail: the outbox sets the time of the next attempt, and this task
    # retries itself for exactly then (telemon.notify.outbox).
    try:
        jobs.run(jobs.SEND_MAIL, mail_id)
    except MailNotSent as failed:
        raise self.retry(countdown=failed.retry_in, max_retries=None) from None


@shared_task(name=jobs.SWEEP)
def sweep() -> Any:
    return jobs.run(jobs.SWEEP)


@shared_task(name=jobs.CHECK_MISSING)
def check_missing_measurements() -> Any:
    return jobs.run(jobs.CHECK_MISSING)


@shared_task(name=jobs.ESCALATE)
def escalate_overdue() -> Any:
    return jobs.run(jobs.ESCALATE)


@shared_task(name=jobs.DIGEST)
def send_digests() -> Any:
    return jobs.run(jobs.DIGEST)


@shared_task(name=jobs.CHECK_MISSED_INR)
def check_missed_inr_tests() -> Any:
    return jobs.run(jobs.CHECK_MISSED_INR)


@shared_task(name=jobs.ESCALATE_REVIEWS)
def escalate_overdue_reviews() -> Any:
    return jobs.run(jobs.ESCALATE_REVIEWS)


@shared_task(name=jobs.CHECK_MISSING_QUESTIONNAIRES)
def check_missing_questionnaires() -> Any:
    return jobs.run(jobs.CHECK_MISSING_QUESTIONNAIRES)
