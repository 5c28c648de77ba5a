"""Keeping the Observations of an upload that are no reading to evaluate (telemon.fhir.mapping.
Kept): stored as sent, once per client_id, in the storing transaction of the readings beside
them (telemon.ingest.service.ingest_batch's `within`), audited, never evaluated.

A kept Observation's client_id is derived as a reading's is (telemon.fhir.intake), so the same
upload again stores nothing new; the same identity with other content is a Conflict naming the
entries (errors["kept"], keyed by entry index).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from telemon import audit, clock
from telemon.errors import Conflict
from telemon.extensions import db
from telemon.fhir.kept_mapping import Kept
from telemon.models import KeptObservation, KeptResource, ReadingSource, User


def content_hash(item: dict[str, Any]) -> str:
    """What the kept Observation says (not who carried it), to tell a retry from a re-use."""
    kept: Kept = item["kept"]
    effective_at: datetime = item["effective_at"]
    canonical = {
        "patient_id": item["patient_id"],
        "label": kept.label,
        "status": kept.status,
        "reason": kept.reason,
        "value": repr(kept.value),
        "unit": kept.unit,
        "value_text": kept.value_text,
        "effective_at": effective_at.isoformat(),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def keep(user: User, items: list[dict[str, Any]]) -> dict[int, tuple[int, bool]]:
    """Store the kept Observations (each item's "device_id" already set); for each entry its
    row's id and whether it is new. Runs in the caller's transaction. Raises Conflict when a
    client_id was used before with other content; a concurrent retry's rows raise
    IntegrityError (the caller settles the race, as for readings)."""
    if not items:
        return {}
    for item in items:
        item["hash"] = content_hash(item)
    existing = {
        row.client_id: row
        for row in db.session.execute(
            select(
                KeptObservation.client_id, KeptObservation.id, KeptObservation.content_hash
            ).where(KeptObservation.client_id.in_([item["client_id"] for item in items]))
        )
    }
    conflicts = {
        str(item["_entry"]): {"client_id": ["Already used for an observation with other content."]}
        for item in items
        if item["client_id"] in existing
        and existing[item["client_id"]].content_hash != item["hash"]
    }
    if conflicts:
        raise Conflict("An identifier was sent before with other content.", {"kept": conflicts})
    now = clock.now()
    new_items: dict[uuid.UUID, dict[str, Any]] = {}
    for item in sorted(items, key=lambda i: str(i["client_id"])):
        if item["client_id"] not in existing:
            new_items.setdefault(item["client_id"], item)
    created: dict[uuid.UUID, int] = {}
    if new_items:
        stored = db.session.execute(
            insert(KeptObservation).returning(
                KeptObservation.client_id, KeptObservation.id, sort_by_parameter_order=True
            ),
            [_row(item, user, now) for item in new_items.values()],
        )
        created = {row.client_id: row.id for row in stored}
        patients = sorted({item["patient_id"] for item in new_items.values()})
        audit.record_many(user, patients, "observation.create", "kept_observation")
    answers: dict[int, tuple[int, bool]] = {}
    for item in items:
        if item["client_id"] in created:
            answers[item["_entry"]] = (created[item["client_id"]], True)
        else:
            answers[item["_entry"]] = (existing[item["client_id"]].id, False)
    return answers


def _row(item: dict[str, Any], user: User, now: datetime) -> dict[str, Any]:
    kept: Kept = item["kept"]
    effective_at: datetime = item["effective_at"]
    offset = effective_at.utcoffset()
    assert offset is not None  # mapping.effective_of takes aware times only
    return {
        "client_id": item["client_id"],
        "content_hash": item["hash"],
        "patient_id": item["patient_id"],
        "device_id": item.get("device_id"),
        "code": kept.code,
        "label": kept.label,
        "status": kept.status[:20],
        "reason": kept.reason,
        "value": kept.value,
        "unit": kept.unit,
        "value_text": kept.value_text,
        "effective_at": effective_at,
        "effective_offset_minutes": int(offset.total_seconds() // 60),
        "resource": item["resource"],
        "recorded_by_id": user.id,
        "received_at": now,
    }


def keep_sources(items: list[dict[str, Any]]) -> None:
    """How each reading of the batch was sent (item["_sent"]), once per client_id: a repeat
    keeps what the first upload said (INSERT ... ON CONFLICT DO NOTHING)."""
    rows = {item["client_id"]: item["_sent"] for item in items if item.get("_sent") is not None}
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert_into(ReadingSource)
        .values(
            [
                {"client_id": cid, "sent": sent}
                for cid, sent in sorted(rows.items(), key=lambda row: str(row[0]))
            ]
        )
        .on_conflict_do_nothing(index_elements=["client_id"])
    )


def keep_resources(user: User, items: list[dict[str, Any]]) -> dict[int, tuple[int, bool]]:
    """Store the other resources kept as sent (telemon.fhir.intake's kept_others), once per
    client_id; for each entry its row's id and whether it is new. Audited for their patient."""
    if not items:
        return {}
    rows = db.session.execute(
        select(KeptResource.client_id, KeptResource.id).where(
            KeptResource.client_id.in_([item["client_id"] for item in items])
        )
    )
    existing = {row.client_id: row.id for row in rows}
    now = clock.now()
    answers: dict[int, tuple[int, bool]] = {}
    created: dict[uuid.UUID, int] = {}
    for item in sorted(items, key=lambda i: str(i["client_id"])):
        cid = item["client_id"]
        if cid in existing:
            answers[item["_entry"]] = (existing[cid], False)
            continue
        if cid not in created:
            created[cid] = db.session.execute(
                insert(KeptResource)
                .values(
                    client_id=cid,
                    patient_id=item["patient_id"],
                    resource_type=item["resource_type"],
                    resource=item["resource"],
                    recorded_by_id=user.id,
                    received_at=now,
                )
                .returning(KeptResource.id)
            ).scalar_one()
            answers[item["_entry"]] = (created[cid], True)
        else:
            answers[item["_entry"]] = (created[cid], False)
    patients = sorted({i["patient_id"] for i in items if i["patient_id"] is not None})
    if created and patients:
        audit.record_many(user, patients, "observation.create", "kept_resource")
    return answers
