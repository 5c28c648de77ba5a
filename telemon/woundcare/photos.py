"""Serving wound photos: only to those who may see the patient, every view audited."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask import Response

from telemon import access
from telemon.errors import NotFound
from telemon.extensions import db
from telemon.models import Photo, User
from telemon.transactions import use_case
from telemon.woundcare.records import READ_ROLES
from telemon.woundcare.storage import photo_storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhotoContent:
    data: bytes
    media_type: str


def image_response(content: PhotoContent) -> Response:
    """The photo as an HTTP response that no cache or proxy keeps."""
    response = Response(content.data, mimetype=content.media_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


class PhotoDamaged(Exception):
    """The stored bytes no longer match their checksum."""


@use_case
def photo_content(user: User, photo_id: int, thumbnail: bool) -> PhotoContent:
    """A photo or its thumbnail, for someone who may see the patient: the read is audited, and
    committed when this returns, before the bytes leave. A photo whose bytes no longer match
    their checksum is served to nobody (PhotoDamaged)."""
    access.require_role(user, *READ_ROLES)
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound("No such photo.")
    action = "photo.thumbnail.read" if thumbnail else "photo.read"
    access.patient_for(user, photo.assessment.wound.patient_id, action, "photo", photo_id)
    store = photo_storage()
    if thumbnail:
        content = PhotoContent(store.get(photo.thumbnail_key), "image/jpeg")
    else:
        data = store.get(photo.storage_key)
        if hashlib.sha256(data).hexdigest() != photo.sha256:
            log.error("photo %s does not match its checksum", photo_id)
            raise PhotoDamaged(f"photo {photo_id}")
        content = PhotoContent(data, photo.media_type)
    return content
