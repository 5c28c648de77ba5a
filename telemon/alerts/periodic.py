"""Periodic jobs: the sweep, missing measurements, escalation and the daily digest.

Each is idempotent: run it twice, or on two beat instances, and nothing happens twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from telemon import clock, jobs, work
from telemon.alerts import rules, schedule
from telemon.alerts.evaluation import MISSING_RULE
from telemon.alerts.routing import alert_url, queue_url
from telemon.alerts.service import raise_or_update, record_event
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import (
    Alert,
    AlertEvent,
    CareTeam,
    Enrollment,
    IngestBatch,
    Observation,
    OutgoingMail,
)
from telemon.notify import messages
from telemon.notify.outbox import queue_mail
from telemon.patients import monitoring
from telemon.patients.monitoring_sql import monitored_on

log = logging.getLogger(__name__)

SWEEP_LIMIT = 1000


def sweep() -> dict[str, int]:
    """Hand over again what was accepted but not finished: batches not yet evaluated and mail
    not yet delivered (Redis or a worker may have been down)."""
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
    mail_ids = db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.created_at < stale)
        .order_by(OutgoingMail.created_at)
        .limit(SWEEP_LIMIT)
    ).all()
    for mail_id in mail_ids:
        work.enqueue(jobs.SEND_MAIL, mail_id)
    work.commit()
    if batches or mail_ids:
        log.warning("sweep handed over %s batch(es) and %s mail(s)", len(batches), len(mail_ids))
    return {"batches": len(batches), "mails": len(mail_ids)}


def check_missing_measurements() -> int:
    """Raise a blue alert for each monitored COPD enrolment (active, not paused today) whose
    expected measurement has not arrived; after a pause, from the end of the pause."""
    now = clock.now()
    today = clock.local(now).date()
    raised = 0
    enrollments = db.session.scalars(
        select(Enrollment).where(monitored_on(today), Enrollment.programme == "copd")
    ).all()
    for enrollment in enrollments:
        plan = schedule.schedule_from(enrollment.schedule)
        last = db.session.scalar(
            select(func.max(Observation.effective_at)).where(
                Observation.patient_id == enrollment.patient_id,
                Observation.code.in_(plan.expected_codes),
            )
        )
        if last is not None and last < enrollment.enrolled_at:
            last = None  # readings before this enrolment do not count towards its schedule
        counted_from = monitoring.counting_from(
            enrollment.enrolled_at,
            monitoring.ended_pause_until(enrollment.paused_from, enrollment.paused_until, today),
        )
        missing_day = schedule.missing_since(plan, counted_from, last, now)
        if missing_day is None:
            continue
        labels = ", ".join(CODES[c].label for c in plan.expected_codes if c in CODES)
        outcome = raise_or_update(
            enrollment,
            MISSING_RULE,
            "blue",
            f"No {labels} measurement received for {missing_day.isoformat()}.",
            now=now,
        )
        raised += int(outcome.created)
    work.commit()
    if raised:
        log.info("missing-measurement check raised %s blue alert(s)", raised)
    return raised


def escalate_overdue() -> int:
    """Mail a red alert nobody acknowledged in time to the team's escalation address, once."""
    now = clock.now()
    minutes = int(current_app.config["TELEMON_ESCALATE_AFTER_MINUTES"])
    after = timedelta(minutes=minutes)
    candidates = db.session.scalars(
        select(Alert).where(
            Alert.status == "open",
            Alert.severity == "red",
            Alert.acknowledged_at.is_(None),
            Alert.escalated_at.is_(None),
            Alert.raised_at <= now - after,
        )
    ).all()
    escalated = 0
    for alert in candidates:
        if not rules.escalation_due(
            alert.raised_at, alert.acknowledged_at, alert.escalated_at, now, after
        ):
            continue
        team = db.session.get(CareTeam, alert.care_team_id)
        assert team is not None
        queue_mail(
            f"alert:{alert.id}:escalation",
            team.escalation_email or team.email,
            messages.alert_escalated(alert.severity, minutes, alert_url(alert.id)),
            care_team_id=team.id,
        )
        alert.escalated_at = now
        record_event(
            alert,
            AlertEvent(at=now, kind="escalated", note=f"Not acknowledged within {minutes} min."),
        )
        escalated += 1
    work.commit()
    if escalated:
        log.warning("escalated %s unacknowledged red alert(s)", escalated)
    return escalated


def send_digests() -> int:
    """Once a day, after the digest hour (Copenhagen), each team with open yellow or blue alerts
    gets one summary mail: counts and a link, nothing more."""
    now = clock.now()
    day = schedule.digest_due(now, None, int(current_app.config["TELEMON_DIGEST_HOUR"]))
    if day is None:
        return 0
    counts = db.session.execute(
        select(Alert.care_team_id, Alert.severity, func.count())
        .where(Alert.status != "resolved", Alert.severity.in_(("yellow", "blue")))
        .group_by(Alert.care_team_id, Alert.severity)
    ).all()
    per_team: dict[int, dict[str, int]] = {}
    for team_id, severity, count in counts:
        per_team.setdefault(team_id, {"yellow": 0, "blue": 0})[severity] = count
    sent = 0
    for team_id, team_counts in per_team.items():
        team = db.session.get(CareTeam, team_id)
        assert team is not None
        sent += queue_mail(
            f"digest:{team_id}:{day.isoformat()}",
            team.email,
            messages.daily_digest(day, team_counts, queue_url()),
            care_team_id=team_id,
        )
    work.commit()
    return sent
