"""Periodic jobs of the alert life cycle: the sweep, escalation and the daily digest.

Each is idempotent: run it twice, or on two beat instances, and nothing happens twice. The sweep
is one transaction (a use case: telemon.transactions); escalation and the digest commit alert by
alert and team by team, so that one that fails (logged) undoes or holds up no other.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from telemon import clock
from telemon.alerts import timing
from telemon.alerts.service import record_event
from telemon.background import jobs, work
from telemon.extensions import db
from telemon.http.links import alert_link, worklist_link
from telemon.models import (
    Alert,
    AlertEvent,
    CareTeam,
    IngestBatch,
    OutgoingMail,
)
from telemon.notify import messages, outbox
from telemon.notify.outbox import queue_mail
from telemon.transactions import transaction, use_case
from telemon.vocabulary import AlertStatus, Severity

log = logging.getLogger(__name__)

SWEEP_LIMIT = 1000


def sweep() -> dict[str, int]:
    """Hand over again what was accepted but not finished: batches not yet evaluated and mail
    not yet delivered (Redis or a worker may have been down)."""
    found = _mark_for_hand_over()
    if found["batches"] or found["mails"]:
        log.warning(
            "sweep handed over %s batch(es) and %s mail(s)", found["batches"], found["mails"]
        )
    return found


@use_case
def _mark_for_hand_over() -> dict[str, int]:
    """Mark what the sweep hands over and enqueue it: handed over when this commits."""
    now = clock.now()
    stale = now - timedelta(seconds=current_app.config["TELEMON_SWEEP_AFTER_SECONDS"])
    batches = db.session.scalars(
        select(IngestBatch)
        .where(
            IngestBatch.evaluated_at.is_(None),
            IngestBatch.received_at < stale,
            or_(IngestBatch.dispatched_at.is_(None), IngestBatch.dispatched_at < stale),
        )
        .order_by(IngestBatch.received_at)
        .limit(SWEEP_LIMIT)
    ).all()
    for batch in batches:
        batch.dispatched_at = now
        work.enqueue(jobs.EVALUATE_BATCH, batch.id)
    # Only mail whose retry chain is lost: an attempt overdue by more than `stale`. A mail
    # waiting for its next retry already has a chain; another would defeat the backoff.
    mail_ids = outbox.unsent_overdue(stale, SWEEP_LIMIT)
    if mail_ids:
        db.session.execute(
            update(OutgoingMail).where(OutgoingMail.id.in_(mail_ids)).values(next_attempt_at=now)
        )
    for mail_id in mail_ids:
        work.enqueue(jobs.SEND_MAIL, mail_id)
    return {"batches": len(batches), "mails": len(mail_ids)}


def escalate_overdue() -> int:
    """Mail a red alert nobody acknowledged in time to the team's escalation address, once. The
    time counts from when it turned red (raised red, or a yellow alert joined by a red finding)."""
    now = clock.now()
    minutes = int(current_app.config["TELEMON_ESCALATE_AFTER_MINUTES"])
    after = timedelta(minutes=minutes)
    candidates = db.session.scalars(
        select(Alert)
        .where(
            Alert.status == AlertStatus.OPEN,
            Alert.severity == Severity.RED,
            Alert.acknowledged_at.is_(None),
            Alert.escalated_at.is_(None),
            func.coalesce(Alert.severity_raised_at, Alert.raised_at) <= now - after,
        )
        .options(joinedload(Alert.care_team))
    ).all()
    escalated = 0
    for alert in candidates:
        red_since = alert.severity_raised_at or alert.raised_at
        if not timing.escalation_due(
            red_since, alert.acknowledged_at, alert.escalated_at, now, after
        ):
            continue
        alert_id = alert.id  # a failed transaction expires what the session holds
        try:
            with transaction():
                _escalate(alert, minutes, now)
            escalated += 1
        except Exception:
            log.exception("escalation failed for alert %s", alert_id)
    if escalated:
        log.warning("escalated %s unacknowledged red alert(s)", escalated)
    return escalated


def _escalate(alert: Alert, minutes: int, now: datetime) -> None:
    team = alert.care_team
    queue_mail(
        f"alert:{alert.id}:escalation",
        team.escalation_email or team.email,
        messages.alert_escalated(alert.severity, minutes, alert_link(alert.id), team.language),
        care_team_id=team.id,
    )
    alert.escalated_at = now
    record_event(
        alert,
        AlertEvent(at=now, kind="escalated", params={"minutes": minutes}),
    )


def send_digests() -> int:
    """Once a day, after the digest hour (Copenhagen), each team with open yellow or blue alerts
    gets one summary mail: counts and a link, nothing more."""
    now = clock.now()
    day = timing.digest_due(now, None, int(current_app.config["TELEMON_DIGEST_HOUR"]))
    if day is None:
        return 0
    counts = db.session.execute(
        select(Alert.care_team_id, Alert.severity, func.count())
        .where(
            Alert.status != AlertStatus.RESOLVED,
            Alert.severity.in_((Severity.YELLOW, Severity.BLUE)),
        )
        .group_by(Alert.care_team_id, Alert.severity)
    ).all()
    per_team: dict[int, dict[str, int]] = {}
    for team_id, severity, count in counts:
        per_team.setdefault(team_id, {Severity.YELLOW: 0, Severity.BLUE: 0})[severity] = count
    teams = {
        team.id: team
        for team in db.session.scalars(select(CareTeam).where(CareTeam.id.in_(list(per_team))))
    }
    sent = 0
    for team_id, team_counts in per_team.items():
        try:
            with transaction():
                sent += queue_mail(
                    f"digest:{team_id}:{day.isoformat()}",
                    teams[team_id].email,
                    messages.daily_digest(
                        day, team_counts, worklist_link(), teams[team_id].language
                    ),
                    care_team_id=team_id,
                )
        except Exception:
            log.exception("digest failed for care team %s", team_id)
    return sent
