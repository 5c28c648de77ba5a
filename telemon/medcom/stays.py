"""What a hospital stay does to the patient's monitoring, applied to the database: called by the
HospitalNotification use case (telemon.medcom.service) inside its transaction, after the stay
has been replayed from its notifications (telemon.medcom.stay).

- In hospital (admitted, or on leave -- see docs/medcom.md): every active enrolment is paused
  "for admission" from the admission's local day, with no end (monitoring.ADMITTED, the stay
  named on the enrolment); open blue alerts are resolved, since nothing is expected. An
  enrolment a clinician has paused by hand for today stays as she set it.
- Discharged: the enrolments this stay paused resume -- the pause ends the day before the
  discharge day (or is dropped when it began that day) and the schedule restarts from the
  discharge time (Enrollment.monitoring_restarted_at) -- and the home nurse gets the work item
  "udskrevet: genoptag målinger" (telemon.medcom.follow_up).
- Died: every active enrolment ends (reason "deceased"), every alert still open is resolved
  with that reason, and mail not yet sent about them is withdrawn: no more mail.
- Cancelled (every message of the stay cancelled): the pause this stay made ends as a manual
  resume would (measurements expected again from today); a follow-up not yet done goes.

Readings are marked as taken during the admission again each time (telemon.admissions).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, select

from telemon import admissions, audit, clock, monitoring
from telemon.alerts.service import close
from telemon.extensions import db
from telemon.medcom.stay import Status, Stay
from telemon.models import (
    Alert,
    DischargeFollowUp,
    Enrollment,
    HospitalStay,
    OutgoingMail,
    User,
)
from telemon.vocabulary import AlertStatus, Severity

DECEASED = "deceased"  # monitoring.END_REASONS


def apply(actor: User, row: HospitalStay, stay: Stay) -> None:
    """Store the replayed stay on its row and bring the patient's enrolments, alerts, mail,
    follow-up and readings in line with it, in the actor's (the messaging account's) name."""
    now = clock.now()
    row.status = stay.status.value
    row.department = stay.department[:200] if stay.department else None
    row.department_sor = stay.department_sor[:20] if stay.department_sor else None
    row.admitted_at, row.ended_at, row.leave_since = (
        stay.admitted_at,
        stay.ended_at,
        stay.leave_since,
    )
    row.leaves = [[_iso(start), _iso(end) if end else None] for start, end in stay.leaves]
    row.updated_at = now
    enrolments = list(
        db.session.scalars(
            select(Enrollment)
            .where(
                Enrollment.patient_id == row.patient_id,
                Enrollment.status == monitoring.ACTIVE,
            )
            .order_by(Enrollment.id)
            .with_for_update()
        )
    )
    if stay.status == Status.DIED:
        _died(actor, row, enrolments, stay.ended_at or now)
    elif stay.in_hospital:
        _in_hospital(actor, row, enrolments, stay)
        _drop_open_follow_up(row)
    elif stay.status == Status.DISCHARGED:
        _discharged(actor, row, enrolments, stay.ended_at or now)
    else:
        _cancelled(actor, row, enrolments)
        _drop_open_follow_up(row)
    db.session.flush()
    admissions.mark([row.patient_id])


def _in_hospital(actor: User, row: HospitalStay, enrolments: list[Enrollment], stay: Stay) -> None:
    assert stay.admitted_at is not None
    first_day = clock.local(stay.admitted_at).date()
    today = clock.local(clock.now()).date()
    for enrollment in enrolments:
        ours = enrollment.pause_stay_id == row.id
        by_hand = monitoring.is_paused(enrollment.paused_from, enrollment.paused_until, today)
        if not ours and by_hand:
            continue  # the clinician's own pause stands
        before = _pause_of(enrollment)
        enrollment.paused_from, enrollment.paused_until = first_day, None
        enrollment.pause_reason = monitoring.ADMITTED
        enrollment.pause_stay_id = row.id
        enrollment.paused_by_id = enrollment.resumed_by_id = None
        enrollment.monitoring_restarted_at = None
        after = _pause_of(enrollment)
        if before != after:
            _record(actor, enrollment, "enrollment.pause", before, after)
        _resolve(
            actor,
            enrollment,
            "Monitoring paused: admitted to hospital.",
            Alert.severity == Severity.BLUE,
        )


def _discharged(
    actor: User, row: HospitalStay, enrolments: list[Enrollment], discharged_at: datetime
) -> None:
    _end_pause(actor, row, enrolments, clock.local(discharged_at).date(), discharged_at)
    follow_up = db.session.scalar(
        select(DischargeFollowUp).where(DischargeFollowUp.stay_id == row.id)
    )
    if follow_up is None and enrolments:
        db.session.add(
            DischargeFollowUp(
                stay_id=row.id,
                patient_id=row.patient_id,
                discharged_at=discharged_at,
                created_at=clock.now(),
            )
        )
    elif follow_up is not None and follow_up.done_at is None:
        follow_up.discharged_at = discharged_at  # a corrected discharge time


def _cancelled(actor: User, row: HospitalStay, enrolments: list[Enrollment]) -> None:
    _end_pause(actor, row, enrolments, clock.local(clock.now()).date(), None)


def _end_pause(
    actor: User,
    row: HospitalStay,
    enrolments: list[Enrollment],
    first_day: date,
    restarted_at: datetime | None,
) -> None:
    """End the pause the stay made: measurements are expected from `first_day` (the pause ends
    the day before, or is dropped if it began that day or later). A discharge restarts the
    schedule at `restarted_at` and the enrolment keeps naming the stay (the page says it
    resumed at the discharge); a cancelled stay names none."""
    for enrollment in enrolments:
        if enrollment.pause_stay_id != row.id:
            continue
        before = _pause_of(enrollment)
        if enrollment.paused_from is not None and enrollment.paused_from < first_day:
            enrollment.paused_until = first_day - timedelta(days=1)
        else:
            enrollment.paused_from = enrollment.paused_until = enrollment.pause_reason = None
        if restarted_at is not None:
            enrollment.monitoring_restarted_at = restarted_at
        else:
            enrollment.pause_stay_id = None
        after = _pause_of(enrollment)
        if before != after:
            _record(actor, enrollment, "enrollment.resume", before, after)


def _died(actor: User, row: HospitalStay, enrolments: list[Enrollment], died_at: datetime) -> None:
    for enrollment in enrolments:
        enrollment.status = monitoring.ENDED
        enrollment.ended_at = died_at
        enrollment.end_reason = DECEASED
        closed = _resolve(actor, enrollment, "Monitoring ended: the patient has died.")
        _record(
            actor,
            enrollment,
            "enrollment.end",
            {"status": monitoring.ACTIVE, "end_reason": None, "alerts_closed": 0},
            {"status": monitoring.ENDED, "end_reason": DECEASED, "alerts_closed": closed},
        )
    # Mail not yet sent about the patient's alerts (red, escalation) is withdrawn.
    alert_ids = list(db.session.scalars(select(Alert.id).where(Alert.patient_id == row.patient_id)))
    keys = [f"alert:{i}:{kind}" for i in alert_ids for kind in ("red", "escalation")]
    for start in range(0, len(keys), 500):
        db.session.execute(
            delete(OutgoingMail).where(
                OutgoingMail.event_key.in_(keys[start : start + 500]),
                OutgoingMail.sent_at.is_(None),
            )
        )
    _drop_open_follow_up(row)


def _resolve(actor: User, enrollment: Enrollment, note: str, *where: ColumnElement[bool]) -> int:
    """Resolve the enrolment's unresolved alerts (those matching `where`) in the actor's name,
    the note not shown to the patient."""
    closed = 0
    query = select(Alert).where(
        Alert.enrollment_id == enrollment.id, Alert.status != AlertStatus.RESOLVED, *where
    )
    for alert in db.session.scalars(query.with_for_update()):
        close(alert, actor, note)
        alert.visible_to_patient = False
        closed += 1
    return closed


def _drop_open_follow_up(row: HospitalStay) -> None:
    db.session.execute(
        delete(DischargeFollowUp).where(
            DischargeFollowUp.stay_id == row.id, DischargeFollowUp.done_at.is_(None)
        )
    )


def _pause_of(enrollment: Enrollment) -> dict[str, object]:
    return {
        "paused_from": enrollment.paused_from,
        "paused_until": enrollment.paused_until,
        "pause_reason": enrollment.pause_reason,
        "pause_stay_id": enrollment.pause_stay_id,
    }


def _record(
    actor: User,
    enrollment: Enrollment,
    action: str,
    before: dict[str, object],
    after: dict[str, object],
) -> None:
    audit.record_change(
        actor,
        action,
        "enrollment",
        enrollment.id,
        before,
        after,
        patient_id=enrollment.patient_id,
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
