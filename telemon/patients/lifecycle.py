"""Pausing, resuming and ending an enrolment's monitoring.

Who: a clinician of the responsible care team (access.may_manage_enrolment); every refusal is
audited. Each is a use case owning its transaction (telemon.transactions), called alike by the
JSON API and the web pages, and safe to repeat: the same pause again, a resume of what is not
paused, an end of what has ended change nothing and record nothing.
What monitored means is telemon.monitoring; the periodic checks ask it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from telemon import access, audit, clock, monitoring
from telemon.alerts.service import close
from telemon.errors import Invalid
from telemon.extensions import db
from telemon.models import Alert, Enrollment, User
from telemon.transactions import use_case
from telemon.vocabulary import AlertStatus, Severity


def _managed(actor: User, enrollment_id: int, action: str) -> Enrollment:
    enrollment = access.enrollment_for(actor, enrollment_id, action)
    access.require_manage_enrolment(actor, enrollment, action)
    return enrollment


def _pause_of(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "paused_from": enrollment.paused_from,
        "paused_until": enrollment.paused_until,
        "pause_reason": enrollment.pause_reason,
    }


def _today() -> date:
    return clock.local(clock.now()).date()


@use_case
def pause(
    actor: User,
    enrollment_id: int,
    paused_from: date,
    paused_until: date | None,
    reason: str,
) -> Enrollment:
    """Pause monitoring over these local days (both inclusive; no end: until resumed). While
    paused nothing is expected of the patient: no blue alerts; open ones are closed now when
    the pause has begun."""
    enrollment = _managed(actor, enrollment_id, "enrollment.pause")
    today = _today()
    problems = monitoring.pause_problems(paused_from, paused_until, reason, today)
    if enrollment.status != monitoring.ACTIVE:
        problems["status"] = "The enrolment has ended."
    if problems:
        raise Invalid("The pause cannot be stored.", {k: [v] for k, v in problems.items()})
    before = _pause_of(enrollment)
    enrollment.paused_from, enrollment.paused_until = paused_from, paused_until
    enrollment.pause_reason = reason
    after = _pause_of(enrollment)
    if before != after:
        # Said on the page: who paused (a pause by hand replaces one a hospital stay made).
        enrollment.paused_by_id, enrollment.resumed_by_id = actor.id, None
        enrollment.pause_stay_id = None
        audit.record_change(
            actor,
            "enrollment.pause",
            "enrollment",
            enrollment.id,
            before,
            after,
            patient_id=enrollment.patient_id,
        )
        if monitoring.is_paused(paused_from, paused_until, today):
            _close_missing(enrollment, actor, "Monitoring paused.")
    return enrollment


@use_case
def resume(actor: User, enrollment_id: int) -> Enrollment:
    """End a pause now. A pause that has begun ends yesterday (measurements are expected again
    from today); one that has not begun is dropped."""
    enrollment = _managed(actor, enrollment_id, "enrollment.resume")
    today = _today()
    if enrollment.paused_from is None or (
        enrollment.paused_until is not None and enrollment.paused_until < today
    ):
        return enrollment  # nothing under way or to come
    before = _pause_of(enrollment)
    if enrollment.paused_from < today:
        enrollment.paused_until = today - timedelta(days=1)
    else:
        enrollment.paused_from = enrollment.paused_until = enrollment.pause_reason = None
    # Said on the page; a stay's later notifications no longer end this pause (a discharge
    # would otherwise rewrite it).
    enrollment.resumed_by_id, enrollment.pause_stay_id = actor.id, None
    audit.record_change(
        actor,
        "enrollment.resume",
        "enrollment",
        enrollment.id,
        before,
        _pause_of(enrollment),
        patient_id=enrollment.patient_id,
    )
    return enrollment


@use_case
def end_enrolment(actor: User, enrollment_id: int, reason: str) -> Enrollment:
    """Stop monitoring for good: no new blue alerts, and every alert still open or
    acknowledged on this enrolment is resolved by the actor with the reason."""
    if reason not in monitoring.END_REASONS:
        raise Invalid(
            "Unknown reason.", {"reason": [f"One of: {', '.join(monitoring.END_REASONS)}."]}
        )
    enrollment = _managed(actor, enrollment_id, "enrollment.end")
    if enrollment.status == monitoring.ENDED:
        return enrollment
    now = clock.now()
    enrollment.status = monitoring.ENDED
    enrollment.ended_at = now
    enrollment.end_reason = reason
    closed = _close(
        select(Alert).where(
            Alert.enrollment_id == enrollment.id, Alert.status != AlertStatus.RESOLVED
        ),
        actor,
        f"Monitoring ended ({reason}).",
    )
    audit.record_change(
        actor,
        "enrollment.end",
        "enrollment",
        enrollment.id,
        {"status": monitoring.ACTIVE, "end_reason": None, "alerts_closed": 0},
        {"status": monitoring.ENDED, "end_reason": reason, "alerts_closed": closed},
        patient_id=enrollment.patient_id,
    )
    return enrollment


def _close_missing(enrollment: Enrollment, actor: User, note: str) -> int:
    """Resolve the enrolment's unresolved blue alerts: nothing is expected any more."""
    return _close(
        select(Alert).where(
            Alert.enrollment_id == enrollment.id,
            Alert.status != AlertStatus.RESOLVED,
            Alert.severity == Severity.BLUE,
        ),
        actor,
        note,
    )


def _close(query: Any, actor: User, note: str) -> int:
    """Resolve the alerts in the actor's name, the note not shown to the patient. The actor
    manages the enrolment: a clinician of its responsible care team, who may act on its
    alerts (access.may_manage_enrolment)."""
    closed = 0
    for alert in db.session.scalars(query.with_for_update()):
        close(alert, actor, note)
        alert.visible_to_patient = False
        closed += 1
    return closed
