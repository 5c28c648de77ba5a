"""Recording a wound assessment with its photos: once per client_id, all or nothing.

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
from telemon.background import work
from telemon.errors import Conflict, Invalid, TelemonError
from telemon.extensions import db
from telemon.models import Photo, User, Wound, WoundAssessment
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
    access.require_role(user, *STAFF_ROLES)
    wound = load_wound(user, wound_id, "wound_assessment.create")
    digest = content_hash(data)
    existing = _existing(data["client_id"], wound.id, digest)
    if existing is not None:
        db.session.commit()  # the audit entry of this (repeated) upload
        return existing
    enrollment = require_wound_enrollment(wound.patient_id)
    # End the transaction (storing the audit entry of this access) before the photos are
    # processed: no database lock is held during seconds of image work (SQLite would hold its
    # one write lock, and every other upload would wait).
    db.session.commit()
    # Kept for the failure's audit entry: after a rollback the wound row is not read again.
    patient_id = wound.patient_id
    store = photo_storage()
    written: list[str] = []
    try:
        processed = _process_all(photos)
        assessment = _store(store, written, user, wound, data, digest, processed)
        findings.evaluate(wound, assessment, enrollment)
        work.commit()
        return assessment
    except IntegrityError:
        # A concurrent retry of the same upload stored it first: answer with theirs.
        db.session.rollback()
        _delete(store, written)
        existing = _existing(data["client_id"], wound_id, digest)
        if existing is None:
            _failed(user, patient_id, wound_id)
            raise
        audit.record(user, wound.patient_id, "wound_assessment.create", "wound", wound_id)
        db.session.commit()
        return existing
    except BaseException as error:
        db.session.rollback()
        _delete(store, written)
        if isinstance(error, Exception):
            _failed(user, patient_id, wound_id)
        raise


def _failed(user: User, patient_id: int, wound_id: int) -> None:
    """The upload's access was recorded as allowed before the work; say it stored nothing."""
    audit.record_failure(user, patient_id, "wound_assessment.create", "wound", wound_id)


def _store(
    store: PhotoStorage,
    written: list[str],
    user: User,
    wound: Wound,
    data: dict[str, Any],
    digest: str,
    processed: list[ProcessedImage],
) -> WoundAssessment:
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
    return assessment


def _delete(store: PhotoStorage, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            # Unreachable without a row; logged so that an operator can remove it by hand.
            log.exception("could not remove photo object %s after a failed upload", key)
