"""The alert endpoints: list, read, acknowledge, resolve."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from telemon import access, audit, clock
from telemon.alerts import queries, schemas, service
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.http.auth import api_user
from telemon.models import Alert, AlertEvent, User
from telemon.vocabulary import Role

bp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts")

READ_ROLES = (Role.CLINICIAN, Role.NURSE, Role.GP, Role.PATIENT)


def load_alert(user: User, alert_id: int, action: str) -> Alert:
    """Load or 404, check access, audit: the rhythm of every alert handler."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("No such alert.")
    access.patient_for(user, alert.patient_id, action, "alert", alert_id)
    if user.role == Role.PATIENT and not alert.visible_to_patient:
        raise NotFound("No such alert.")
    return alert


def mark_seen(alert: Alert, user: User) -> None:
    """Timeliness: the first time care staff opened the alert, and the first time a member of
    the responsible care team did (telemon.patients.overview shows whether it has)."""
    if user.role not in service.HANDLING_ROLES:
        return
    if alert.first_seen_at is None:
        alert.first_seen_at = clock.now()
        service.record_event(alert, AlertEvent(at=alert.first_seen_at, kind="seen", by_id=user.id))
    if alert.team_seen_at is None and access.is_care_team_member(user, alert.care_team_id):
        alert.team_seen_at = clock.now()


@bp.route("/alerts", methods=["GET"])
@bp.arguments(schemas.AlertQuery, location="query")
@bp.response(200, schemas.AlertList)
def list_alerts(args: dict[str, Any]) -> Any:
    """Alerts for the caller's patients: most severe first, then oldest.

    Without `status`, every alert not yet resolved (open and acknowledged). A page holds up to
    `limit` alerts (200 unless asked); `next` is the cursor of the following page, null on the
    last. To read on, send the same query with `after` set to that `next`. A cursor that is not
    one of this list's is a 422."""
    user = api_user(*READ_ROLES)
    limit = args.pop("limit")
    after = args.pop("after", None)
    f = queries.AlertFilter(**args, shown_to_patient=user.role == Role.PATIENT)
    page = queries.work_page(user, f, limit, after)
    audit.record_many(user, sorted({a.patient_id for a in page.items}), "alert.list", "alert")
    db.session.commit()
    return {"items": page.items, "next": page.next}


@bp.route("/alerts/<int:alert_id>", methods=["GET"])
@bp.response(200, schemas.AlertDetailOut)
def get_alert(alert_id: int) -> Any:
    """One alert with the readings behind it and its timeline."""
    user = api_user(*READ_ROLES)
    alert = load_alert(user, alert_id, "alert.read")
    mark_seen(alert, user)
    db.session.commit()
    return alert


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@bp.arguments(schemas.AcknowledgeIn)
@bp.response(200, schemas.AlertDetailOut)
def acknowledge(data: dict[str, Any], alert_id: int) -> Any:
    """Take the alert: who and when are recorded. Repeating it changes nothing.

    Only members of the patient's responsible care team act on its alerts (403 for the others
    who see the patient, such as the organisations the enrolment is shared with)."""
    user = api_user()
    alert = load_alert(user, alert_id, "alert.acknowledge")
    mark_seen(alert, user)
    service.acknowledge(alert, user, data.get("note"))
    db.session.commit()
    return alert


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
@bp.arguments(schemas.ResolveIn)
@bp.response(200, schemas.AlertDetailOut)
def resolve(data: dict[str, Any], alert_id: int) -> Any:
    """Close the alert with a note, optionally shown to the patient.

    Only members of the patient's responsible care team act on its alerts (403 else)."""
    user = api_user()
    alert = load_alert(user, alert_id, "alert.resolve")
    mark_seen(alert, user)
    service.resolve(alert, user, data["note"], data["visible_to_patient"])
    db.session.commit()
    return alert
