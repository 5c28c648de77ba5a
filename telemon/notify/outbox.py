"""The outbox: mail is recorded with the event that caused it, then delivered by a job.

A message is keyed by its event ("alert:17:red"), so one event never yields two messages,
however often the code that raises it runs. Its Message-ID is fixed by the event too, so a
receiving system can drop a copy.

Delivery (`send_mail`, a job) talks to the SMTP server outside any database transaction; its
two transactions are use cases of their own (telemon.transactions):
1. claim: a short transaction marks the message as being sent (`claim_id`, `claimed_until`),
   if it is unsent, unclaimed and due; otherwise another sender or another retry chain owns it
   and this one stops;
2. deliver, holding no lock and no transaction;
3. record the outcome under that claim, retrying the database for a few minutes so that a
   database restart does not lose a delivered message's "sent" (which would send it again).
A claim that expired without an outcome means the process or the database went away after
the claim: the next attempt logs that the message may already have been delivered and sends it
again with the same Message-ID (at-least-once, detected).

Each message has one retry chain: a failed attempt sets `next_attempt_at` (exponential backoff,
RETRY_FIRST_SECONDS doubling up to RETRY_MAX_SECONDS) and the task retries itself for then. A
task that arrives before that moment belongs to no chain and stops; the sweep hands over only
messages overdue by more than a minute (a chain that was lost).
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from telemon import clock
from telemon.background import jobs, work
from telemon.extensions import db
from telemon.models import OutgoingMail
from telemon.notify import transport
from telemon.notify.messages import Message
from telemon.transactions import transaction, use_case

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 500
RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 600.0
# A task may run a little before its countdown ends (rounding, clocks): still the chain's.
DUE_TOLERANCE = timedelta(seconds=2)
# How long a claim holds: longer than an SMTP attempt plus recording its outcome.
CLAIM_SECONDS = 600
# Recording an outcome rides out a database restart: tries with these pauses (~4 minutes).
RECORD_PAUSES = (0.5, 1, 2, 4, 8, 15, 30, 60, 60, 60)


def queue_mail(
    event_key: str, recipient: str, message: Message, care_team_id: int | None = None
) -> bool:
    """Record a message for this event in the current transaction; False if it already exists.

    Delivery is enqueued to run after the commit.
    """
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.event_key == event_key)):
        return False
    now = clock.now()
    mail = OutgoingMail(
        event_key=event_key,
        recipient=recipient,
        subject=message.subject,
        body=message.body,
        care_team_id=care_team_id,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(mail)
    except IntegrityError:
        # A concurrent run recorded the same event first.
        return False
    work.enqueue(jobs.SEND_MAIL, mail.id)
    return True


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: 5, 10, 20, ... up to 600."""
    return min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** max(0, attempts - 1))


class MailNotSent(Exception):
    """Delivery failed; the same chain tries again after `retry_in` seconds."""

    def __init__(self, detail: str, retry_in: float) -> None:
        super().__init__(detail)
        self.retry_in = retry_in


def send_mail(mail_id: int) -> None:
    """Deliver one recorded message if it is unsent, unclaimed and due; else do nothing.

    Raises MailNotSent (with the backoff) when the server did not take it.
    """
    claimed = _claim(mail_id)
    if claimed is None:
        return
    mail, claim = claimed
    try:
        transport.deliver(mail)
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        delay = retry_delay(mail.attempts)
        _record(
            mail_id,
            claim,
            last_error=detail,
            next_attempt_at=clock.now() + timedelta(seconds=delay),
        )
        log.warning(
            "mail %s not delivered (attempt %s; next in %.0f s): %s",
            mail_id,
            mail.attempts,
            delay,
            detail,
        )
        raise MailNotSent(detail, delay) from error
    _record(mail_id, claim, sent_at=clock.now(), last_error=None, next_attempt_at=None)
    log.info("mail %s delivered (%s)", mail_id, mail.event_key)


@use_case
def _claim(mail_id: int) -> tuple[OutgoingMail, str] | None:
    """The message and this attempt's claim on it; None when it is not this task's to send."""
    now = clock.now()
    mail = db.session.scalar(
        select(OutgoingMail).where(OutgoingMail.id == mail_id).with_for_update()
    )
    if mail is None or mail.sent_at is not None or _held(mail.claimed_until, now):
        return None
    if mail.next_attempt_at is not None and mail.next_attempt_at > now + DUE_TOLERANCE:
        return None  # not due: this task is not the message's retry chain
    if mail.claim_id is not None:
        log.warning(
            "mail %s: the outcome of attempt %s is unknown (it was never recorded); it may "
            "have been delivered, and is sent again with the same Message-ID",
            mail_id,
            mail.attempts,
        )
    claim = uuid.uuid4().hex
    mail.claim_id = claim
    mail.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    mail.attempts += 1
    return mail, claim


def _held(claimed_until: datetime | None, now: datetime) -> bool:
    return claimed_until is not None and claimed_until > now


def _record(mail_id: int, claim: str, **values: object) -> None:
    """Store an attempt's outcome under its claim, riding out a database restart."""
    statement = (
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.claim_id == claim)
        .values(claim_id=None, claimed_until=None, **values)
    )
    for pause in (*RECORD_PAUSES, None):
        try:
            with transaction():
                db.session.execute(statement)
            return
        except OperationalError:  # the transaction is rolled back
            if pause is None:
                raise
            log.warning("mail %s: could not record the outcome yet; retrying", mail_id)
            time.sleep(pause)


def unsent_overdue(before: datetime, limit: int) -> list[int]:
    """Unsent, unclaimed messages whose attempt was due before `before`: their chain is lost."""
    return list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(
                OutgoingMail.sent_at.is_(None),
                or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at < before),
                or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < clock.now()),
            )
            .order_by(OutgoingMail.created_at)
            .limit(limit)
        )
    )
