"""Storing an observation batch: all or nothing, once per client_id, then evaluation.

Idempotency rests on the unique constraint on client_id, not on a look-up alone: two retries of
the same upload racing each other store one row, and the loser is answered as a duplicate.

Storing a batch, reading a page of the measurement table and exporting it are use cases
(telemon.transactions), called alike by the JSON API, FHIR and the web pages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.exc import IntegrityError

from telemon import access, admissions, audit, clock
from telemon.background import jobs, work
from telemon.bulk import BulkInsert
from telemon.clinical_text import spreadsheet
from telemon.errors import Conflict, Forbidden, Invalid
from telemon.extensions import db
from telemon.http import paging
from telemon.ingest.codes import CODES, blood_pressure_problems, loinc_for
from telemon.models import IngestBatch, Observation, User
from telemon.transactions import in_use_case, use_case

log = logging.getLogger(__name__)

INGEST_ROLES = ("patient", "nurse", "clinician")
# A race with a concurrent retry is settled by trying again; more than this is a bug.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class ItemResult:
    client_id: uuid.UUID
    id: int
    status: str  # "created" | "duplicate"


@dataclass(frozen=True)
class BatchResult:
    created: int
    duplicates: int
    observations: list[ItemResult]


def content_hash(item: dict[str, Any]) -> str:
    """A fingerprint of what the item says, to tell a retry from a conflicting re-use."""
    effective_at: datetime = item["effective_at"]
    canonical = {
        "patient_id": item["patient_id"],
        "code": item["code"],
        "value": repr(float(item["value"])),
        "value_qualifier": item.get("value_qualifier"),
        "effective_at": effective_at.isoformat(),
        "performer": item["performer"],
        "device": item.get("device"),
        "location": item.get("location"),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


PATIENT_PERFORMERS = ("patient", "relative", "device")


def default_performer(user: User) -> str | None:
    """Who took a reading that does not say: a patient themself, a nurse herself; None for
    other roles, who must say."""
    return {"patient": "patient", "nurse": "nurse"}.get(user.role)


def recordable_patients(user: User, patient_ids: Iterable[int]) -> set[int]:
    """Which of these patients the user may record readings for, in one query: a patient only
    themself, care staff the patients they may see (telemon.access)."""
    wanted = set(patient_ids)
    if user.role == "patient":
        return {user.patient_id} & wanted if user.patient_id is not None else set()
    return access.visible_among(user, wanted)


def _check_access(
    user: User, items: list[dict[str, Any]], recordable: set[int] | None = None
) -> None:
    access.require_role(user, *INGEST_ROLES)
    wanted = {item["patient_id"] for item in items}
    allowed = recordable if recordable is not None else recordable_patients(user, wanted)
    refused = {
        str(index): {"patient_id": ["Not a patient you may record for."]}
        for index, item in enumerate(items)
        if item["patient_id"] not in allowed
    }
    if refused:
        for patient_id in {items[int(i)]["patient_id"] for i in refused}:
            audit.record_refusal(user, patient_id, "observation.create", "observation")
        raise Forbidden(
            "The batch holds observations for patients you may not record for.",
            {"observations": refused},
        )


def ingest_batch(
    user: User,
    items: list[dict[str, Any]],
    within: Callable[[list[dict[str, Any]]], None] | None = None,
    *,
    recordable: set[int] | None = None,
) -> BatchResult:
    """Store a validated batch; nothing is stored if any item is refused or conflicts.

    This is the one store path for readings, whichever door they came through (the JSON API,
    telemon.fhir). Refusals are TelemonErrors whose `errors["observations"]` is keyed by item
    index: Forbidden (a patient the user may not record for), Invalid (no performer), Conflict
    (a client_id used before with other content). `within(items)`, when given, runs first in
    the storing transaction, and again if a race with a concurrent retry makes it start over:
    the FHIR door keeps the devices the readings name there (setting item["device_id"]), so that
    they are stored with the readings or not at all.

    Each attempt is one use case: a race lost to a concurrent retry (IntegrityError) rolls it
    back, and the next attempt finds that retry's rows. Inside a caller's use case the failed
    insert has spoilt the caller's transaction: the error goes to the caller.

    `recordable`, when given, is what recordable_patients answered for these items' patients
    in the same request (telemon.fhir asks it once per upload); it is not asked again.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return _ingest(user, items, within, recordable)
        except IntegrityError:
            if in_use_case():
                raise
            log.info("ingest raced a concurrent retry (attempt %s); settling", attempt)
    raise RuntimeError("ingest could not settle a race with concurrent retries")


@use_case
def _ingest(
    user: User,
    items: list[dict[str, Any]],
    within: Callable[[list[dict[str, Any]]], None] | None,
    recordable: set[int] | None = None,
) -> BatchResult:
    """One attempt at storing the batch: check, validate, store."""
    _check_access(user, items, recordable)
    missing_performer = {
        str(i): {"performer": ["Required when a clinician records."]}
        for i, item in enumerate(items)
        if item.get("performer") is None and default_performer(user) is None
    }
    if missing_performer:
        raise Invalid("Say who took the measurement.", {"observations": missing_performer})
    if user.role == "patient":
        # A patient measures themselves, or a relative or a device does; a nurse's reading
        # comes from the nurse's own account.
        claimed = {
            str(i): {"performer": [f"A patient records {', '.join(PATIENT_PERFORMERS)}."]}
            for i, item in enumerate(items)
            if item.get("performer") not in (None, *PATIENT_PERFORMERS)
        }
        if claimed:
            raise Invalid("A patient cannot record a nurse's reading.", {"observations": claimed})
    implausible = blood_pressure_problems(items)
    if implausible:
        raise Invalid(
            "Systolic blood pressure must be above diastolic.",
            {"observations": {str(i): {"value": [m]} for i, m in implausible.items()}},
        )
    for item in items:
        item["performer"] = item.get("performer") or default_performer(user)
        item["hash"] = content_hash(item)
    return _store(user, items, within)


def _store(
    user: User,
    items: list[dict[str, Any]],
    within: Callable[[list[dict[str, Any]]], None] | None,
) -> BatchResult:
    """Insert what is new, then look up only what was there already.

    The observations go in with ON CONFLICT (client_id) DO NOTHING: a new upload (nearly every
    one) costs no look-up before its insert, and a retry's rows are skipped by the unique index
    itself, also when a concurrent retry stored them a moment ago (the insert waits for it).
    Only when rows were skipped are they read back, to tell a retry (a duplicate) from a
    client_id re-used with other content (a conflict, which undoes the whole upload).
    """
    if within is not None:
        within(items)
    if not items:  # a FHIR upload of devices alone
        return BatchResult(0, 0, [])
    now = clock.now()
    # In client_id order: concurrent uploads of the same readings listed in another order then
    # wait on each other's unique-index entries instead of deadlocking.
    ordered = sorted(items, key=lambda item: str(item["client_id"]))
    # Bulk INSERT … RETURNING rather than the unit of work: nothing here is read back as an
    # object, and this is the busiest write path.
    batch_id = db.session.scalar(
        _INSERT_BATCH,
        {"received_at": now, "submitted_by_id": user.id, "dispatched_at": now, "attempts": 0},
    )
    assert batch_id is not None
    stored = _INSERT_NEW_OBSERVATIONS.execute(
        [_observation(item, batch_id, user, now) for item in ordered]
    )
    created: dict[uuid.UUID, int] = {row.client_id: row.id for row in stored}
    existing = _stored_before([i["client_id"] for i in items if i["client_id"] not in created])
    conflicts = {
        str(i): {"client_id": ["Already used for an observation with other content."]}
        for i, item in enumerate(items)
        if item["client_id"] in existing
        and not _same_reading(existing[item["client_id"]].content_hash, item)
    }
    if conflicts:
        raise Conflict(
            "A client_id was sent before with other content.", {"observations": conflicts}
        )
    if created:
        new_items = [item for item in items if item["client_id"] in created]
        patients = sorted({item["patient_id"] for item in new_items})
        # Taken while the patient was in hospital (a HospitalNotification said so): marked.
        admissions.mark(patients, since=min(item["effective_at"] for item in new_items))
        audit.record_many(user, patients, "observation.create", "ingest_batch", batch_id)
        work.enqueue(jobs.EVALUATE_BATCH, batch_id)
    else:
        # A retry of an upload stored before: the batch opened for it stays empty.
        db.session.execute(delete(IngestBatch).where(IngestBatch.id == batch_id))
    results = [
        ItemResult(item["client_id"], created[item["client_id"]], "created")
        if item["client_id"] in created
        else ItemResult(item["client_id"], existing[item["client_id"]].id, "duplicate")
        for item in items
    ]
    return BatchResult(len(created), len(items) - len(created), results)


# Built once (see telemon.http.auth._TOKEN_USER): the store path runs them on every upload.
# Core inserts into the tables, not ORM-enabled ones: the ORM's bulk insert path would walk
# every row's attributes again for nothing read back as an object.
_BATCH = IngestBatch.__table__
_INSERT_BATCH = insert(_BATCH).returning(_BATCH.c.id)
_INSERT_NEW_OBSERVATIONS = BulkInsert(
    Observation.__table__,
    [column.name for column in Observation.__table__.c if column.name != "id"],
    skip_conflicts_on="client_id",
    returning=("client_id", "id"),
)


def _stored_before(client_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The rows already stored under these client_ids (a retry's, or a re-use's)."""
    if not client_ids:
        return {}
    rows = db.session.execute(
        select(Observation.client_id, Observation.id, Observation.content_hash).where(
            Observation.client_id.in_(client_ids)
        )
    )
    found = {row.client_id: row for row in rows}
    # Skipped by the unique index, so stored and committed (READ COMMITTED sees it now).
    assert len(found) == len(client_ids), "a skipped client_id is not stored"
    return found


def _same_reading(stored_hash: str, item: dict[str, Any]) -> bool:
    """Whether the stored reading is this item. A performer the sender did not name
    (item["_performer_implied"], set by telemon.fhir: the uploader's role filled it in) does
    not tell readings apart: the same reading carried by another account of the patient (a
    nurse's tablet, say) is the same reading."""
    if stored_hash == item["hash"]:
        return True
    if not item.get("_performer_implied"):
        return False
    return any(
        stored_hash == content_hash({**item, "performer": performer})
        for performer in (*PATIENT_PERFORMERS, "nurse")
        if performer != item["performer"]
    )


def _observation(item: dict[str, Any], batch_id: int, user: User, now: datetime) -> dict[str, Any]:
    effective_at: datetime = item["effective_at"]
    offset = effective_at.utcoffset()
    assert offset is not None  # the schema accepts aware times only
    return {
        "client_id": item["client_id"],
        "content_hash": item["hash"],
        "batch_id": batch_id,
        "patient_id": item["patient_id"],
        "code": item["code"],
        # A FHIR upload may name the LOINC code itself (a peak flow meter's 19935-6, say).
        "loinc": item.get("loinc") or loinc_for(item["code"], item.get("device")),
        "value": float(item["value"]),
        "value_qualifier": item.get("value_qualifier"),
        "unit": CODES[item["code"]].unit,
        "effective_at": effective_at,
        "effective_offset_minutes": int(offset.total_seconds() // 60),
        "performer": item["performer"],
        "device": item.get("device"),
        "device_id": item.get("device_id"),
        "location": item.get("location"),
        "recorded_by_id": user.id,
        "received_at": now,
        # Marked afterwards, from the patient's hospital stays (telemon.admissions.mark).
        "during_admission": False,
    }


# The measurement table's order (telemon.http.paging): newest first, then by id.
OBSERVATION_CURSOR = (datetime, int)


def _observations_query(
    patient_id: int, code: str | None, since: datetime | None, until: datetime | None
) -> Select[tuple[Observation]]:
    query = select(Observation).where(Observation.patient_id == patient_id)
    if code:
        query = query.where(Observation.code == code)
    if since:
        query = query.where(Observation.effective_at >= since)
    if until:
        query = query.where(Observation.effective_at <= until)
    return query.order_by(*paging.order(Observation.effective_at, Observation.id))


@use_case
def list_observations(
    user: User,
    patient_id: int,
    code: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    after: paging.Key | None = None,
) -> paging.Page[Observation]:
    """A page of the patient's measurement table, newest first; `after` a page's cursor."""
    access.patient_for(user, patient_id, "observation.read", "observation")
    query = _observations_query(patient_id, code, since, until)
    if after is not None:
        query = query.where(paging.after(after, Observation.effective_at, Observation.id))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    return paging.page(rows, limit, lambda o: (o.effective_at, o.id))


CSV_COLUMNS = (
    "effective_at",
    "code",
    "loinc",
    "value",
    "value_qualifier",
    "unit",
    "performer",
    "device",
    "location",
    "received_at",
)
EXPORT_LIMIT = 100_000
EXPORT_FORMS = ("spreadsheet", "machine")


@use_case
def export_observations(
    user: User,
    patient_id: int,
    code: str | None,
    since: datetime | None,
    until: datetime | None,
    form: str = "machine",
    language: str = "da",
) -> str:
    """The measurement table as CSV text, newest first, audited as an export. No name or CPR
    number is in it: the caller names the file after the patient's id.

    `form` "machine": codes, RFC 3339 times with the offset they were sent with, numbers as
    Python writes them, commas. "spreadsheet": for Excel in `language`
    (telemon.clinical_text.spreadsheet: words, Copenhagen times, `;` and decimal commas in
    Danish)."""
    access.patient_for(user, patient_id, "observation.export", "observation")
    rows = db.session.scalars(
        _observations_query(patient_id, code, since, until).limit(EXPORT_LIMIT)
    )
    if form == "spreadsheet":
        return spreadsheet.spreadsheet_csv(
            (
                spreadsheet.ExportRow(
                    o.effective_at,
                    o.code,
                    o.value,
                    o.value_qualifier,
                    o.performer,
                    o.device,
                    o.location,
                    o.received_at,
                )
                for o in rows
            ),
            language,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for o in rows:
        taken = o.effective_at.astimezone(timezone(timedelta(minutes=o.effective_offset_minutes)))
        writer.writerow(
            (
                taken.isoformat(),
                o.code,
                o.loinc or "",
                repr(o.value),
                o.value_qualifier or "",
                o.unit,
                o.performer,
                o.device or "",
                o.location or "",
                o.received_at.isoformat(),
            )
        )
    return buffer.getvalue()
