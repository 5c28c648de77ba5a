"""The outbox: mail is recorded with the event that caused it, then delivered by a job.

A message is keyed by its event ("alert:17:red"), so one event never yields two messages,
however often the code that raises it runs. Delivery is retried until the server takes it.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telemon import clock, jobs, work
from telemon.extensions import db
from telemon.models import OutgoingMail
from telemon.notify import transport
from telemon.notify.messages import Message

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 500


def queue_mail(
    event_key: str, recipient: str, message: Message, care_team_id: int | None = None
) -> bool:
    """Record a message for this event in the current transaction; False if it already exists.

    Delivery is enqueued to run after the commit.
    """
    if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.event_key == event_key)):
        return False
    mail = OutgoingMail(
        event_key=event_key,
        recipient=recipient,
        subject=message.subject,
        body=message.body,
        care_team_id=care_team_id,
        created_at=clock.now(),
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


class MailNotSent(Exception):
    """Delivery failed; the job retries with backoff."""


def send_mail(mail_id: int) -> None:
    """Deliver one recorded message, unless it has been delivered already."""
    mail = db.session.scalar(
        select(OutgoingMail).where(OutgoingMail.id == mail_id).with_for_update()
    )
    if mail is None or mail.sent_at is not None:
        db.session.rollback()
        return
    mail.attempts += 1
    try:
        transport.deliver(mail)
    except Exception as error:
        mail.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        db.session.commit()
        log.warning(
            "mail %s not delivered (attempt %s): %s", mail_id, mail.attempts, mail.last_error
        )
        raise MailNotSent(mail.last_error) from error
    mail.sent_at = clock.now()
    mail.last_error = None
    db.session.commit()
    log.info("mail %s delivered (%s)", mail_id, mail.event_key)
