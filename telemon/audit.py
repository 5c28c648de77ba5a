"""The audit log: every read and write of patient data, allowed or not, and every
administrative change with what changed. Outcomes: allowed, denied, and failed (an allowed
write that stored nothing after all).

Allowed access is recorded in the caller's transaction, so a write and its audit entry land
together. Refusals are recorded in a transaction of their own, because the request that was
refused will not commit: in a request, when the request ends (its own transaction over, for
SQLite has one writer and the refused request may hold it: recording the refusal beside it
would wait for it); outside one (a worker, a command), at once.

A change (record_change) keeps the changed fields' values before and after. The callers pass
only what an administrator may read: ids, roles, settings, limits — never a password, a CPR
number, a name or a measured value. Changes to a patient's own details are recorded by field
name only (see telemon.patients.service).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError

from telemon import clock
from telemon.bulk import BulkInsert
from telemon.extensions import db
from telemon.models import AuditEvent, User

log = logging.getLogger(__name__)

_REFUSAL_RECORDED = "telemon.refusal_recorded"
_REFUSALS_TO_WRITE = "telemon.refusals_to_write"


def _row(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None,
    outcome: str,
    changes: dict[str, Any] | None = None,
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
        "changes": changes,
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
        first = _row(user, None, action, resource_type, resource_id, "allowed")
        _INSERT_MANY.execute([{**first, "patient_id": pid} for pid in patient_ids])


# Built once (telemon.bulk): every upload and list read runs it, with up to 200 rows.
_INSERT_MANY = BulkInsert(
    AuditEvent.__table__,
    [c.name for c in AuditEvent.__table__.c if c.name not in ("id", "changes")],
)


def record_refusal(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """A refused access, committed independently of the request: when it ends (see above)."""
    row = _row(user, patient_id, action, resource_type, resource_id, "denied")
    if has_request_context():
        request.environ[_REFUSAL_RECORDED] = True
        request.environ.setdefault(_REFUSALS_TO_WRITE, []).append(row)
        return
    _commit_apart([row])


def _commit_apart(rows: list[dict[str, object]]) -> None:
    """Store audit rows in a transaction of their own, beside the session's."""
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEvent), rows)


def write_refusals(_error: BaseException | None = None) -> None:
    """At the end of a request (teardown): commit the refusals it recorded. The request's own
    transaction is over by now (committed, or abandoned by the refusal), and ended here for
    certain, so that its SQLite write lock is not waited for."""
    rows = request.environ.pop(_REFUSALS_TO_WRITE, None)
    if not rows:
        return
    try:
        db.session.rollback()
        _commit_apart(rows)
    except SQLAlchemyError:
        log.error("audit: %d refusal(s) of this request could not be recorded", len(rows))


def record_failure(
    user: User | None,
    patient_id: int | None,
    action: str,
    resource_type: str,
    resource_id: object | None = None,
) -> None:
    """An allowed write that failed after its access was recorded (a photo refused, the
    database failing): nothing was stored, and the log says so next to the access. Committed
    at once, on its own; when the database is what failed, the failure is logged instead."""
    try:
        _commit_apart([_row(user, patient_id, action, resource_type, resource_id, "failed")])
    except SQLAlchemyError:
        log.warning(
            "audit: could not record that %s of %s %s failed", action, resource_type, resource_id
        )


def record_change(
    user: User | None,
    action: str,
    resource_type: str,
    resource_id: object | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    patient_id: int | None = None,
) -> dict[str, Any]:
    """An allowed change, in the current transaction, with the fields whose values differ
    (a field missing on one side is left out there: a creation has only "after"). Returns
    what was recorded. Values are stored as JSON: dates and times as ISO text, sets and
    tuples as sorted lists."""
    changes = diff(before, after)
    db.session.add(
        AuditEvent(**_row(user, patient_id, action, resource_type, resource_id, "allowed", changes))
    )
    return changes


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{"before": {...}, "after": {...}} holding only the keys whose values differ (a key
    missing on one side counts as None when comparing, and is left out of that side)."""
    old = {k: _plain(v) for k, v in before.items()}
    new = {k: _plain(v) for k, v in after.items()}
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return {
        "before": {k: old[k] for k in changed if k in old},
        "after": {k: new[k] for k in changed if k in new},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple | list):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if not isinstance(value, list) else items
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record_unrecorded_refusal(user: User | None) -> None:
    """A refusal (403/404) that no service recorded, recorded here with what the request says:
    the endpoint and its ids, in the name of the user the request was made by (None: nobody
    signed in, nothing to record). So no refused request of a signed-in user goes unaudited."""
    if user is None or not has_request_context() or request.environ.get(_REFUSAL_RECORDED):
        return
    ids = ",".join(f"{k}={v}" for k, v in sorted((request.view_args or {}).items()))
    record_refusal(
        user,
        None,
        (request.endpoint or request.method)[:60],
        "request",
        ids[:60] or None,
    )
