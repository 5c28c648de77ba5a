"""Recording a wound assessment with its photos: once per client_id, all or nothing.

One use case in two transactions (telemon.transactions), on purpose: the first checks access,
records it and looks for the client_id; the photos are processed between the two, holding no
database lock (seconds of image work: SQLite would hold its one write lock, and every other
upload would wait); the second stores the rows and raises the alerts they call for. Called
inside a larger use case, both join it.

The order matters for "a half-finished upload leaves nothing behind":
1. every photo is checked and re-encoded in memory (telemon.woundcare.images) — a bad second
   photo refuses the whole upload before anything is written;
2. the clean photos and thumbnails are written to the photo store under random keys;
3. the rows are inserted and committed; if that fails, the objects written in step 2 are
   deleted again before the error is answered.
What remains is the window of a process killed between steps 2 and 3: objects without rows,
unreachable (nothing refers to their random keys) but not removed. That is accepted and
documented; a sweep comparing the store with the photo table would close it.

Idempotency rests on the unique client_id, as for observations: a retry with the same data
answers with the stored assessment; the same client_id with other data is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telemon import access, audit, clock
from telemon.errors import Conflict, Invalid, TelemonError
from telemon.extensions import db
from telemon.models import Enrollment, Photo, User, Wound, WoundAssessment
from telemon.transactions import in_use_case, use_case
from telemon.woundcare import findings
from telemon.woundcare.images import (
    ImageRejected,
    ProcessedImage,
    header_pixels,
    process_photo,
)
from telemon.woundcare.records import STAFF_ROLES, load_wound, require_wound_enrollment
from telemon.woundcare.storage import PhotoStorage, new_key, photo_storage

log = logging.getLogger(__name__)

MAX_PHOTOS = 10

_TITLES = {413: "Payload too large", 415: "Unsupported media type", 422: "Invalid input"}


class PhotoRejected(TelemonError):
    """A photo was refused: 413 too large, 415 not JPEG/PNG, 422 corrupt."""

    def __init__(self, status: int, detail: str, index: int) -> None:
        super().__init__(detail, {"photo": {str(index): [detail]}})
        self.status = status
        self.title = _TITLES.get(status, "Bad request")


def content_hash(data: dict[str, Any]) -> str:
    """A fingerprint of the data part, to tell a retry from a conflicting re-use."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, float):
            return repr(value)
        return value if isinstance(value, str | int | list | type(None)) else str(value)

    canonical = {key: plain(value) for key, value in data.items()}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _existing(client_id: Any, wound_id: int, digest: str) -> WoundAssessment | None:
    row = db.session.scalar(select(WoundAssessment).where(WoundAssessment.client_id == client_id))
    if row is not None and (row.wound_id != wound_id or row.content_hash != digest):
        raise Conflict(
            "This client_id was sent before with other content.",
            {"client_id": ["Already used for an assessment with other content."]},
        )
    return row


def _process_all(photos: list[bytes]) -> list[ProcessedImage]:
    if not photos:
        raise Invalid("Attach at least one photo.", {"photo": ["At least one photo is required."]})
    if len(photos) > MAX_PHOTOS:
        raise Invalid("Too many photos.", {"photo": [f"At most {MAX_PHOTOS} per assessment."]})
    config = current_app.config
    # Decoding costs CPU by the pixel: the whole upload's pixels are bounded before any photo
    # is decoded (ten 40-megapixel PNGs of 169 KB each once took 38 s of CPU).
    budget = int(config["TELEMON_PHOTO_MAX_PIXELS_PER_UPLOAD"])
    total = 0
    for index, raw in enumerate(photos):
        try:
            total += header_pixels(raw)
        except ImageRejected as rejected:
            raise PhotoRejected(rejected.status, rejected.reason, index) from None
        if total > budget:
            raise PhotoRejected(
                413, f"The photos of one upload may hold at most {budget} pixels.", index
            )
    processed = []
    for index, raw in enumerate(photos):
        try:
            processed.append(
                process_photo(
                    raw,
                    max_bytes=int(config["TELEMON_PHOTO_MAX_BYTES"]),
                    max_pixels=int(config["TELEMON_PHOTO_MAX_PIXELS"]),
                )
            )
        except ImageRejected as rejected:
            raise PhotoRejected(rejected.status, rejected.reason, index) from None
    return processed


def record_assessment(
    user: User, wound_id: int, data: dict[str, Any], photos: list[bytes]
) -> WoundAssessment:
    """Store an assessment and its photos, raise the alerts it calls for; or return the one
    already stored under this client_id."""
    digest = content_hash(data)
    admitted = _admit(user, wound_id, data["client_id"], digest)
    if isinstance(admitted, WoundAssessment):
        return admitted  # sent before: the stored one (this upload audited)
    wound, enrollment = admitted
    # Kept for the failure's audit entry: after a rollback the wound row is not read again.
    patient_id = wound.patient_id
    store = photo_storage()
    written: list[str] = []
    try:
        processed = _process_all(photos)
        return _store(store, written, user, wound, enrollment, data, digest, processed)
    except IntegrityError:
        # A concurrent retry of the same upload stored it first: answer with theirs. (Inside a
        # larger use case the failed insert has spoilt its transaction: that one fails.)
        _delete(store, written)
        existing = None
        if not in_use_case():
            existing = _stored_by_retry(user, wound_id, patient_id, data["client_id"], digest)
        if existing is None:
            _failed(user, patient_id, wound_id)
            raise
        return existing
    except BaseException as error:
        _delete(store, written)
        if isinstance(error, Exception):
            _failed(user, patient_id, wound_id)
        raise


@use_case
def _admit(
    user: User, wound_id: int, client_id: Any, digest: str
) -> tuple[Wound, Enrollment] | WoundAssessment:
    """The first transaction: check access and record it; the assessment already stored under
    this client_id, or the wound and its enrolment to store one for."""
    access.require_role(user, *STAFF_ROLES)
    wound = load_wound(user, wound_id, "wound_assessment.create")
    existing = _existing(client_id, wound.id, digest)
    if existing is not None:
        return existing
    return wound, require_wound_enrollment(wound.patient_id)


@use_case
def _stored_by_retry(
    user: User, wound_id: int, patient_id: int, client_id: Any, digest: str
) -> WoundAssessment | None:
    """After losing a race to a concurrent retry: the assessment it stored, this upload
    audited; None if there is none after all."""
    existing = _existing(client_id, wound_id, digest)
    if existing is not None:
        audit.record(user, patient_id, "wound_assessment.create", "wound", wound_id)
    return existing


def _failed(user: User, patient_id: int, wound_id: int) -> None:
    """The upload's access was recorded as allowed before the work; say it stored nothing."""
    audit.record_failure(user, patient_id, "wound_assessment.create", "wound", wound_id)


@use_case
def _store(
    store: PhotoStorage,
    written: list[str],
    user: User,
    wound: Wound,
    enrollment: Enrollment,
    data: dict[str, Any],
    digest: str,
    processed: list[ProcessedImage],
) -> WoundAssessment:
    """The second transaction: the photos into the store (their keys into `written`, for the
    caller to delete if this fails), the rows, and the alerts the assessment calls for."""
    now = clock.now()
    area, estimated = findings.area_of(data["length_cm"], data["width_cm"], data.get("area_cm2"))
    assessment = WoundAssessment(
        wound_id=wound.id,
        client_id=data["client_id"],
        content_hash=digest,
        assessed_at=data["assessed_at"],
        assessed_by_id=user.id,
        recorded_at=now,
        length_cm=data["length_cm"],
        width_cm=data["width_cm"],
        depth_cm=data.get("depth_cm"),
        area_cm2=area,
        area_estimated=estimated,
        tissue=data.get("tissue"),
        exudate=data.get("exudate"),
        odour=data.get("odour"),
        pain=data.get("pain"),
        periwound=data.get("periwound"),
        infection_signs=list(data.get("infection_signs") or []),
        note=data.get("note"),
        push_score=findings.push_score_of(
            data["length_cm"], data["width_cm"], data.get("exudate"), data.get("tissue")
        ),
    )
    for image in processed:
        key, thumbnail_key = new_key(), new_key()
        written.append(key)
        store.put(key, image.content, image.media_type)
        written.append(thumbnail_key)
        store.put(thumbnail_key, image.thumbnail, image.thumbnail_media_type)
        assessment.photos.append(
            Photo(
                storage_key=key,
                thumbnail_key=thumbnail_key,
                media_type=image.media_type,
                sha256=image.sha256,
                width=image.width,
                height=image.height,
                size=len(image.content),
                uploaded_at=now,
            )
        )
    db.session.add(assessment)
    db.session.flush()  # a concurrent retry's row makes this raise IntegrityError
    findings.evaluate(wound, assessment, enrollment)
    return assessment


def _delete(store: PhotoStorage, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            # Unreachable without a row; logged so that an operator can remove it by hand.
            log.exception("could not remove photo object %s after a failed upload", key)
