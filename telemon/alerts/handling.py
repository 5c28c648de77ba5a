"""What care staff do with an alert: open it, acknowledge it, resolve it. One use case each,
owning its transaction (telemon.transactions), called alike by the JSON API and the web pages.

Every one has the same rhythm: load the alert or 404; check that the user sees the patient
(audited; an alert the patient was not shown is a 404 to her); count the first opening by care
staff as the alert being seen (timeliness); act if the responsible team may (telemon.access,
403 audited else); commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from telemon import access, clock
from telemon.alerts.service import close, record_event
from telemon.errors import Conflict, Invalid, NotFound
from telemon.extensions import db
from telemon.models import Alert, AlertEvent, Enrollment, User
from telemon.transactions import use_case
from telemon.vocabulary import AlertStatus, Role, Severity

# Care staff, whose first opening of an alert counts as it being seen (timeliness).
HANDLING_ROLES = (Role.CLINICIAN, Role.NURSE, Role.GP)


def _load(user: User, alert_id: int, action: str) -> Alert:
    """Load or 404, check that the user sees the patient, audit."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("No such alert.")
    access.patient_for(user, alert.patient_id, action, "alert", alert_id)
    if user.role == Role.PATIENT and not alert.visible_to_patient:
        raise NotFound("No such alert.")
    return alert


def _mark_seen(alert: Alert, user: User) -> None:
    """Timeliness: the first time a member of the responsible care team opened the alert (the
    timeline's "seen by", telemon.patients.overview's "seen by the team"). Only the responsible
    team's reading counts as seen by the hospital: a home nurse or a GP opening the alert (by a
    link, say) is audited as a read, and changes nothing the hospital's timeliness shows."""
    if user.role not in HANDLING_ROLES:
        return
    if not access.is_care_team_member(user, alert.care_team_id):
        return
    now = clock.now()
    if alert.first_seen_at is None:
        alert.first_seen_at = now
        record_event(alert, AlertEvent(at=now, kind="seen", by_id=user.id))
    if alert.team_seen_at is None:
        alert.team_seen_at = now


def _require_act(alert: Alert, user: User, action: str) -> None:
    """Only the responsible care team handles an alert (telemon.access decides; 403 else)."""
    enrollment = db.session.get(Enrollment, alert.enrollment_id)
    assert enrollment is not None
    access.require_act(user, enrollment, action, "alert", alert.id)


@use_case
def open_alert(user: User, alert_id: int) -> Alert:
    """The alert as its reader opens it (API GET, the alert page): read audited, seen marked."""
    alert = _load(user, alert_id, "alert.read")
    _mark_seen(alert, user)
    return alert


def _acknowledge(alert: Alert, user: User, note: str | None) -> None:
    _require_act(alert, user, access.ACKNOWLEDGE_ALERT)
    if alert.status == AlertStatus.RESOLVED:
        raise Conflict("The alert is already resolved.")
    if alert.status == AlertStatus.OPEN:
        now = clock.now()
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by_id = user.id
        alert.acknowledge_note = note
        alert.updated_at = now
        record_event(alert, AlertEvent(at=now, kind="acknowledged", by_id=user.id, note=note))


@use_case
def acknowledge_alert(
    user: User, alert_id: int, note: str | None, visible_to_patient: bool = False
) -> Alert:
    """The user has seen the alert and takes it, with a note the patient may be shown (as a
    resolution note may: `visible_to_patient`, the team's latest choice for the alert's notes).
    Acknowledging twice is harmless; a resolved alert is a 409."""
    alert = _load(user, alert_id, "alert.acknowledge")
    _mark_seen(alert, user)
    was_open = alert.status == AlertStatus.OPEN
    _acknowledge(alert, user, note or None)
    if was_open and note:
        alert.visible_to_patient = visible_to_patient
    return alert


@use_case
def acknowledge_yellow_alerts(user: User, alert_ids: Iterable[int]) -> int:
    """Bulk acknowledgement of yellow alerts the clinician has looked at, all or none; red and
    blue are acknowledged one by one, on purpose, so they are passed over here, as are alerts
    already taken. Returns how many were acknowledged."""
    done = 0
    for alert_id in sorted(set(alert_ids)):  # one order: concurrent bulk acks cannot deadlock
        alert = _load(user, alert_id, "alert.acknowledge")
        if alert.severity != Severity.YELLOW or alert.status != AlertStatus.OPEN:
            continue
        _mark_seen(alert, user)
        _acknowledge(alert, user, None)
        done += 1
    return done


@use_case
def resolve_alert(user: User, alert_id: int, note: str, visible_to_patient: bool) -> Alert:
    """Close the alert with a note the patient (and nurse) may be shown. The same resolution
    sent again is harmless; another on a resolved alert is a 409."""
    note = (note or "").strip()
    if not note:
        raise Invalid("Write a note before resolving.", {"note": ["Write a note."]})
    alert = _load(user, alert_id, "alert.resolve")
    _mark_seen(alert, user)
    _require_act(alert, user, access.RESOLVE_ALERT)
    if alert.status == AlertStatus.RESOLVED:
        if alert.resolution_note == note and alert.resolved_by_id == user.id:
            return alert  # a retried request
        raise Conflict("The alert is already resolved.")
    close(alert, user, note)
    alert.visible_to_patient = visible_to_patient
    return alert
