"""Alert life cycle: raise or join, resolve by itself or by a decision. One open alert per
patient, programme and measurement: what different rules find about one measurement joins it
(alerts.joining). What care staff do with an alert (open, acknowledge, resolve) is
telemon.alerts.handling."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from telemon import clock
from telemon.alerts import joining
from telemon.extensions import db
from telemon.models import Alert, AlertEvent, Enrollment, User, alert_observation
from telemon.vocabulary import AlertStatus


@dataclass(frozen=True)
class RaiseOutcome:
    alert: Alert
    created: bool
    severity_raised: bool


def _unresolved(patient_id: int, programme: str, measurement: str) -> Alert | None:
    return db.session.scalar(
        select(Alert)
        .where(
            Alert.patient_id == patient_id,
            Alert.programme == programme,
            Alert.measurement == measurement,
            Alert.status != AlertStatus.RESOLVED,
        )
        .with_for_update()
    )


def record_event(alert: Alert, event: AlertEvent) -> None:
    """Add an entry to the alert's timeline without loading the timeline first.

    An alert updated by every new reading collects many entries; appending to an unloaded
    collection would read all of them each time. A timeline already loaded (a handler about to
    show it) is appended to, so what is shown includes the new entry."""
    if alert.id is not None and "events" in inspect(alert).unloaded:
        event.alert_id = alert.id
        db.session.add(event)
    else:
        alert.events.append(event)


def raise_or_update(
    enrollment: Enrollment,
    rule: str,
    severity: str,
    reasons: Sequence[joining.Reason],
    observation_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> RaiseOutcome:
    """Raise an alert for what this rule found, or join the one unresolved on the same
    measurement (joining.measurement_of(rule)).

    Joining (joining.join): the severity only rises, every reason code is listed once, every
    reading is attached once; running the same finding twice changes nothing. When the finding
    makes the alert more severe, the alert takes its rule, and an acknowledged alert is open
    again: someone must look anew.
    """
    now = now or clock.now()
    measurement = joining.measurement_of(rule)
    reasons = [{**r, "rule": rule} for r in reasons]
    alert = _unresolved(enrollment.patient_id, enrollment.programme, measurement)
    created = False
    if alert is None:
        alert = Alert(
            patient_id=enrollment.patient_id,
            enrollment_id=enrollment.id,
            programme=enrollment.programme,
            care_team_id=enrollment.care_team_id,
            rule=rule,
            measurement=measurement,
            severity=severity,
            status=AlertStatus.OPEN,
            reasons=joining.join(None, [], severity, reasons).reasons,
            raised_at=now,
            updated_at=now,
            visible_to_patient=False,
        )
        try:
            with db.session.begin_nested():
                db.session.add(alert)
            created = True
            record_event(alert, AlertEvent(at=now, kind="raised", severity=severity, note=None))
        except IntegrityError:
            # Another worker raised it a moment ago: join theirs.
            alert = _unresolved(enrollment.patient_id, enrollment.programme, measurement)
            if alert is None:
                raise
    severity_raised = False
    if not created:
        severity_raised = _join(alert, rule, severity, reasons, now)
    _attach(alert, observation_ids, now, created)
    return RaiseOutcome(alert, created, severity_raised)


def _join(
    alert: Alert, rule: str, severity: str, reasons: Sequence[joining.Reason], now: datetime
) -> bool:
    """Join a finding to an unresolved alert; True when it made the alert more severe."""
    joined = joining.join(alert.severity, alert.reasons, severity, reasons)
    if joined.severity_raised:
        alert.severity = joined.severity
        alert.severity_raised_at = now
        alert.rule = rule
        record_event(alert, AlertEvent(at=now, kind="severity_raised", severity=joined.severity))
        if alert.status == AlertStatus.ACKNOWLEDGED:
            alert.status = AlertStatus.OPEN
            record_event(alert, AlertEvent(at=now, kind="reopened", severity=joined.severity))
    if joined.reason_added is not None:
        added = joined.reason_added
        record_event(
            alert,
            AlertEvent(
                at=now,
                kind="reason_added",
                severity=added.get("severity"),
                params={"reason": {"code": added["code"], "params": added["params"]}},
            ),
        )
    if joined.reasons != alert.reasons:
        alert.reasons = joined.reasons  # a new list: the JSON column sees the change
    alert.updated_at = now
    return joined.severity_raised


def _attach(alert: Alert, observation_ids: Iterable[int], now: datetime, created: bool) -> None:
    db.session.flush()
    ids = set(observation_ids)
    if not ids:
        return
    known = set(
        db.session.scalars(
            select(alert_observation.c.observation_id).where(
                alert_observation.c.alert_id == alert.id,
                alert_observation.c.observation_id.in_(ids),
            )
        )
    )
    new = sorted(ids - known)
    if new:
        db.session.execute(
            insert(alert_observation), [{"alert_id": alert.id, "observation_id": i} for i in new]
        )
        if not created:
            record_event(
                alert, AlertEvent(at=now, kind="readings_attached", params={"count": len(new)})
            )


def resolve_automatically(
    alert: Alert, because: str, params: Mapping[str, Any] | None = None, now: datetime | None = None
) -> None:
    """telemon closes an alert by itself; why, as data for clinical_text.event_text:
    "measurement_received", "inr_received", "in_control" (params: ttr_percent)."""
    now = now or clock.now()
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    alert.updated_at = now
    record_event(
        alert, AlertEvent(at=now, kind="resolved", params={"because": because, **(params or {})})
    )


def resolve_by_decision(
    alert: Alert, user: User, params: Mapping[str, Any], note: str | None
) -> None:
    """A decision that answers the alert (a dose confirmed or overridden for the INR that raised
    it) resolves it, naming who; the caller has checked that the user may act."""
    if alert.status != AlertStatus.RESOLVED:
        close(alert, user, note, params)


def close(
    alert: Alert, user: User, note: str | None, params: Mapping[str, Any] | None = None
) -> None:
    """Resolve in the user's name (who also acknowledged it, if nobody had), on the timeline."""
    now = clock.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
        alert.acknowledged_by_id = user.id
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    alert.resolved_by_id = user.id
    alert.resolution_note = note
    alert.updated_at = now
    event = AlertEvent(at=now, kind="resolved", by_id=user.id, note=note)
    event.params = dict(params) if params else None
    record_event(alert, event)
