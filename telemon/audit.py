"""The audit log: every read and write of patient data, allowed or not.

Allowed access is recorded in the caller's transaction, so a write and its audit entry land
together. Refusals are recorded at once in a transaction of their own, because the request
that was refused will not commit.
"""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import insert

from telemon import clock
from telemon.extensions import db
from telemon.models import AuditEvent, User

_REFUSAL_RECORDED = "telemon.refusal_recorded"


def _row(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None,
    outcome: str,
) -> dict[str, object]:
    return {
        "at": clock.now(),
        "user_id": user.id if user else None,
        "username": user.username if user else None,
        "role": user.role if user else None,
        "organisation_id": user.organisation_id if user else None,
        "patient_id": patient_id,
        "action": action,
        "resource_type": resource_type,
        "resource_id": None if resource_id is None else str(resource_id),
        "outcome": outcome,
        "client_address": request.remote_addr if has_request_context() else None,
    }


def record(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """An allowed access, in the current transaction."""
    db.session.add(
        AuditEvent(**_row(user, patient_id, action, resource_type, resource_id, "allowed"))
    )


def record_many(
    user: User,
    patient_ids: list[int],
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """One allowed access per patient (a list read, a batch upload), in one statement of the
    current transaction."""
    if patient_ids:
        db.session.execute(
            insert(AuditEvent),
            [_row(user, pid, action, resource_type, resource_id, "allowed") for pid in patient_ids],
        )


def record_refusal(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """A refused access, committed at once and independently of the request."""
    if has_request_context():
        request.environ[_REFUSAL_RECORDED] = True
    with db.engine.begin() as connection:
        connection.execute(
            insert(AuditEvent).values(
                **_row(user, patient_id, action, resource_type, resource_id, "denied")
            )
        )


def record_unrecorded_refusal() -> None:
    """A refusal (403/404) that no service recorded, recorded here with what the request says:
    the endpoint and its ids. So no refused request of a signed-in user goes unaudited."""
    if not has_request_context() or request.environ.get(_REFUSAL_RECORDED):
        return
    user = _signed_in_user()
    if user is None:
        return
    ids = ",".join(f"{k}={v}" for k, v in sorted((request.view_args or {}).items()))
    record_refusal(
        user,
        None,
        (request.endpoint or request.method)[:60],
        "request",
        ids[:60] or None,
    )


def _signed_in_user() -> User | None:
    from flask import g

    from telemon.auth import REQUEST_USER

    user = request.environ.get(REQUEST_USER) or g.get("user")
    return user if isinstance(user, User) else None
