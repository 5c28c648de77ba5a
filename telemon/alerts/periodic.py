"""Periodic jobs: the sweep, missing measurements, escalation and the daily digest.

Each is idempotent: run it twice, or on two beat instances, and nothing happens twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from telemon import clock
from telemon.alerts import joining, timing
from telemon.alerts.evaluation import MISSING_RULE
from telemon.alerts.monitoring import is_monitored
from telemon.alerts.service import raise_or_update, record_event
from telemon.background import jobs, work
from telemon.copd import schedule
from telemon.extensions import db
from telemon.http.links import alert_link, queue_link
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
from telemon.notify import messages, outbox
from telemon.notify.outbox import queue_mail
from telemon.patients import monitoring

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
    # Only mail whose retry chain is lost: an attempt overdue by more than `stale`. A mail
    # waiting for its next retry already has a chain; another would defeat the backoff.
    mail_ids = outbox.unsent_overdue(stale, SWEEP_LIMIT)
    if mail_ids:
        db.session.execute(
            update(OutgoingMail).where(OutgoingMail.id.in_(mail_ids)).values(next_attempt_at=now)
        )
    for mail_id in mail_ids:
        work.enqueue(jobs.SEND_MAIL, mail_id)
    work.commit()
    if batches or mail_ids:
        log.warning("sweep handed over %s batch(es) and %s mail(s)", len(batches), len(mail_ids))
    return {"batches": len(batches), "mails": len(mail_ids)}


def check_missing_measurements() -> int:
    """Raise a blue alert for each monitored COPD enrolment (active, not paused today) whose
    expected measurement has not arrived; after a pause, counted from its end. A few queries
    for all enrolments (one per expected code), not one per enrolment; an enrolment whose
    stored settings cannot be used is logged and skipped, never stopping the job for the other
    patients."""
    now = clock.now()
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.programme == "copd", is_monitored())
    ).all()
    plans: dict[int, schedule.MeasurementSchedule] = {}
    for enrollment in enrollments:
        try:
            plans[enrollment.id] = schedule.schedule_from(enrollment.schedule)
        except ValueError:
            log.error("enrolment %s: stored schedule is invalid; not checked", enrollment.id)
    last_by_code = _last_readings(sorted({c for p in plans.values() for c in p.expected_codes}))
    already = set(
        db.session.scalars(
            select(Alert.enrollment_id).where(
                Alert.rule == MISSING_RULE, Alert.status != "resolved"
            )
        )
    )
    raised = 0
    for enrollment in enrollments:
        plan = plans.get(enrollment.id)
        if plan is None or enrollment.id in already:
            continue
        try:
            with db.session.begin_nested():
                raised += _raise_if_missing(enrollment, plan, last_by_code, now)
        except Exception:
            log.exception("missing-measurement check failed for enrolment %s", enrollment.id)
    work.commit()
    if raised:
        log.info("missing-measurement check raised %s blue alert(s)", raised)
    return raised


def _last_readings(codes: list[str]) -> dict[tuple[int, str], datetime]:
    """(patient, code) -> time of the latest reading, for every monitored COPD patient."""
    last: dict[tuple[int, str], datetime] = {}
    for code in codes:
        latest = (
            select(func.max(Observation.effective_at))
            .where(Observation.patient_id == Enrollment.patient_id, Observation.code == code)
            .scalar_subquery()
        )
        rows = db.session.execute(
            select(Enrollment.patient_id, latest).where(
                Enrollment.programme == "copd", is_monitored()
            )
        )
        last.update({(patient_id, code): at for patient_id, at in rows if at is not None})
    return last


def _raise_if_missing(
    enrollment: Enrollment,
    plan: schedule.MeasurementSchedule,
    last_by_code: dict[tuple[int, str], datetime],
    now: datetime,
) -> int:
    times = [last_by_code.get((enrollment.patient_id, c)) for c in plan.expected_codes]
    last = max((t for t in times if t is not None), default=None)
    if last is not None and last < enrollment.enrolled_at:
        last = None  # readings before this enrolment do not count towards its schedule
    today = clock.local(now).date()
    counted_from = monitoring.counting_from(
        enrollment.enrolled_at,
        monitoring.ended_pause_until(enrollment.paused_from, enrollment.paused_until, today),
    )
    missing_day = schedule.missing_since(plan, counted_from, last, now)
    if missing_day is None:
        return 0
    codes = [c for c in plan.expected_codes if c in CODES]
    reason = joining.reason(MISSING_RULE, {"codes": codes, "day": missing_day.isoformat()}, "blue")
    outcome = raise_or_update(enrollment, MISSING_RULE, "blue", [reason], now=now)
    return int(outcome.created)


def escalate_overdue() -> int:
    """Mail a red alert nobody acknowledged in time to the team's escalation address, once. The
    time counts from when it turned red (raised red, or a yellow alert joined by a red finding)."""
    now = clock.now()
    minutes = int(current_app.config["TELEMON_ESCALATE_AFTER_MINUTES"])
    after = timedelta(minutes=minutes)
    candidates = db.session.scalars(
        select(Alert)
        .where(
            Alert.status == "open",
            Alert.severity == "red",
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
        try:
            with db.session.begin_nested():
                _escalate(alert, minutes, now)
            escalated += 1
        except Exception:
            log.exception("escalation failed for alert %s", alert.id)
    work.commit()
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
        .where(Alert.status != "resolved", Alert.severity.in_(("yellow", "blue")))
        .group_by(Alert.care_team_id, Alert.severity)
    ).all()
    per_team: dict[int, dict[str, int]] = {}
    for team_id, severity, count in counts:
        per_team.setdefault(team_id, {"yellow": 0, "blue": 0})[severity] = count
    teams = {
        team.id: team
        for team in db.session.scalars(select(CareTeam).where(CareTeam.id.in_(list(per_team))))
    }
    sent = 0
    for team_id, team_counts in per_team.items():
        try:
            with db.session.begin_nested():
                sent += queue_mail(
                    f"digest:{team_id}:{day.isoformat()}",
                    teams[team_id].email,
                    messages.daily_digest(day, team_counts, queue_link(), teams[team_id].language),
                    care_team_id=team_id,
                )
        except Exception:
            log.exception("digest failed for care team %s", team_id)
    work.commit()
    return sent
