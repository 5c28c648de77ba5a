"""Where photo bytes live: a small interface, a local folder by default, S3 in production.

Keys are random (uuid4 hex) and never hold patient data; what a key belongs to is known only
to the database. Nothing here is served directly: photos reach a browser or app only through
GET /api/v1/photos/<id>, after the access check.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

_KEY = re.compile(r"^[0-9a-f]{32}$")
_EXTENSION_KEY = "telemon_photo_storage"


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes, media_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove the object; removing one that is not there is not an error."""


def new_key() -> str:
    return uuid.uuid4().hex


def _checked(key: str) -> str:
    # Keys come from our own database, but a path must never be built from anything else.
    if not _KEY.match(key):
        raise ValueError("not a photo storage key")
    return key


class LocalStorage:
    """Files under one folder (TELEMON_PHOTO_DIR), spread over 256 sub-folders.

    A file appears complete or not at all: it is written to a temporary file in the same
    folder, flushed to disk, then renamed into place. Folders are 0700 and files 0600.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, media_type: str) -> None:
        path = self._path(key)
        for folder in (self.root, path.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW …) through boto3.

    Credentials and region come from boto3's standard chain (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, instance roles). The bucket must not be
    public; encryption at rest is the bucket's default encryption.
    """

    def __init__(self, bucket: str, endpoint_url: str | None = None, client: Any = None) -> None:
        if client is None:
            # Imported here, not at the top: only S3 installations use boto3, and importing
            # it costs every process (web, worker, command) about 0.3 s at start.
            import boto3  # type: ignore[import-untyped]

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.bucket = bucket
        self.client = client

    def put(self, key: str, data: bytes, media_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=media_type
        )

    def get(self, key: str) -> bytes:
        response = self.client.get_object(Bucket=self.bucket, Key=_checked(key))
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success, as the interface asks.
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))


def storage_for(app: Flask) -> PhotoStorage:
    """The configured store: S3 when TELEMON_S3_BUCKET is set, else the local folder."""
    bucket = app.config.get("TELEMON_S3_BUCKET")
    if bucket:
        return S3Storage(bucket, app.config.get("TELEMON_S3_ENDPOINT_URL"))
    return LocalStorage(app.config["TELEMON_PHOTO_DIR"])


def photo_storage() -> PhotoStorage:
    """The current app's store, made once per app (a boto3 client is reusable)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_EXTENSION_KEY)
    if store is None:
        store = app.extensions[_EXTENSION_KEY] = storage_for(app)
    return store
