"""The photo stores: the local folder, and S3Storage against a real S3-compatible HTTP server.

The S3 tests run moto's standalone server (`moto_server`, from `pip install "moto[server]"`,
best in a venv of its own) as a separate process on loopback; they are skipped when it is not
installed. Point TELEMON_TEST_MOTO_SERVER at the executable if it is not on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from telemon.woundcare.storage import LocalStorage, S3Storage, new_key
from tests.helpers import assessment_data, jpeg_with_gps, open_wound, post_assessment, token_for
from tests.servers import free_port


def test_local_storage_writes_atomically_into_private_folders(tmp_path: Any) -> None:
    store = LocalStorage(tmp_path / "photos")
    key = new_key()
    store.put(key, b"\xff\xd8\xffdata", "image/jpeg")
    assert store.get(key) == b"\xff\xd8\xffdata"
    path = tmp_path / "photos" / key[:2] / key
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "photos").stat().st_mode & 0o777 == 0o700
    assert [p.name for p in path.parent.iterdir()] == [key]  # no temporary file left
    store.delete(key)
    store.delete(key)  # deleting what is gone is fine
    assert not path.exists()
    for bad in ("../../etc/passwd", "ABC", key + "x", ""):
        with pytest.raises(ValueError):
            store.put(bad, b"x", "image/jpeg")


def _moto_server() -> str | None:
    """moto_server from this virtualenv (a pinned dev dependency), else from PATH."""
    beside = Path(sys.executable).with_name("moto_server")
    if beside.exists():
        return str(beside)
    return os.environ.get("TELEMON_TEST_MOTO_SERVER") or shutil.which("moto_server")


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = _moto_server()
    if server is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for name, value in (
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", "eu-north-1"),
        ):
            monkeypatch.setenv(name, value)
        import boto3

        boto3.client("s3", endpoint_url=url).create_bucket(
            Bucket="wound-photos",
            CreateBucketConfiguration={"LocationConstraint": "eu-north-1"},
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_s3_storage_puts_gets_and_deletes(s3_endpoint: str) -> None:
    store = S3Storage("wound-photos", s3_endpoint)
    key = new_key()
    store.put(key, b"\x89PNGdata", "image/png")
    assert store.get(key) == b"\x89PNGdata"
    head = store.client.head_object(Bucket="wound-photos", Key=key)
    assert head["ContentType"] == "image/png"
    store.delete(key)
    store.delete(key)
    with pytest.raises(store.client.exceptions.NoSuchKey):
        store.get(key)


def test_the_api_stores_and_serves_photos_from_s3(app, client, wounds, s3_endpoint) -> None:  # noqa: F811
    app.config["TELEMON_S3_BUCKET"] = "wound-photos"
    app.config["TELEMON_S3_ENDPOINT_URL"] = s3_endpoint
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    response = post_assessment(client, nurse, wound_id, assessment_data(), jpeg_with_gps())
    assert response.status_code == 201, response.get_json()
    (photo,) = response.get_json()["photos"]
    served = client.get(photo["url"], headers=nurse)
    assert served.status_code == 200 and b"Exif" not in served.data
    assert not os.path.exists(app.config["TELEMON_PHOTO_DIR"])  # nothing on local disk
    import boto3

    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket="wound-photos")
    assert len(listed["Contents"]) == 2
