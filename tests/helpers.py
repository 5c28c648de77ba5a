"""Helpers the tests share (no test module imports another; they import from here).

- signing in: `token_for` (the API), `sign_in` (the web form, through the test client); a
  browser signs in with tests/browser.py's `sign_in_page`;
- readings and mail: `item`, `outbox_messages`, `mail_text`;
- things a test sets up through the API or the services: `raise_alert`,
  `enrol_in_anticoagulation`, `post_inr`, wounds (`open_wound`, `post_assessment`, photos);
- `form_key`, the key a reading form carries.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta, timezone
from email.message import Message
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image
from sqlalchemy import select

from telemon import clock
from telemon.alerts import service as alerts
from telemon.extensions import db
from telemon.identity import service as identity
from telemon.models import User
from telemon.patients import service as patients

PASSWORD = "correct-horse-battery"  # every user of the test world's
CPH_WINTER = timezone(timedelta(hours=1))
CPH = ZoneInfo("Europe/Copenhagen")


# ---- signing in -----------------------------------------------------------------------------


def token_for(client: Any, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the API and return the Authorization header."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the web form: the client carries the session cookie from here on.
    Returns the answer (a redirect), for a test that asks where it leads."""
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


# ---- readings and mail ----------------------------------------------------------------------


def item(
    patient_id: int, code: str, value: float, at: datetime | None = None, **extra: Any
) -> dict[str, Any]:
    at = at or datetime.now(CPH_WINTER) - timedelta(minutes=5)
    return {
        "client_id": str(uuid.uuid4()),
        "patient_id": patient_id,
        "code": code,
        "value": value,
        "effective_at": at.isoformat(),
        **extra,
    }


def outbox_messages(outbox_dir: str) -> list[Message]:
    return [
        email.message_from_bytes(p.read_bytes()) for p in sorted(Path(outbox_dir).glob("*.eml"))
    ]


def mail_text(message: Message) -> str:
    """A mail as its reader sees it: the subject and the plain-text body, decoded (the raw
    message is quoted-printable: "Åbn" is "=C3=85bn" there)."""
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    content = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
    return f"Subject: {parsed['Subject']}\nTo: {parsed['To']}\n\n{content}"


def form_key(page: str) -> str:
    found = re.search(r'name="form_key" value="([^"]+)"', page)
    assert found, "the form carries its key"
    return found.group(1)


# ---- alerts ---------------------------------------------------------------------------------

ALERTS_BASE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def raise_alert(enrollment: Any, rule: str, severity: str, minutes: int) -> int:
    """An alert raised through the service at ALERTS_BASE + minutes: many alerts, cheaply, in
    an order the test chooses (one unresolved alert per measurement: each rule here is its
    own)."""
    outcome = alerts.raise_or_update(
        enrollment,
        rule,
        severity,
        [{"code": "text", "params": {"text": f"Synthetic finding {rule}"}, "severity": severity}],
        now=ALERTS_BASE + timedelta(minutes=minutes),
    )
    db.session.commit()
    return int(outcome.alert.id)


# ---- anticoagulation ------------------------------------------------------------------------


def enrol_in_anticoagulation(app: Any, world: Any) -> Any:
    """An anticoagulation clinic team and the world's patient enrolled: 2.0-3.0, 35 mg/week.

    The clock stands still at a fixed afternoon, so "today 09:00" is never in the future."""
    app.config["TELEMON_NOW"] = datetime(2026, 11, 20, 15, 0, tzinfo=clock.COPENHAGEN)
    root = db.session.scalar(select(User).where(User.username == "root"))
    doctor = identity.create_user(
        root,
        {
            "username": "ak-doctor",
            "password": PASSWORD,
            "role": "clinician",
            "organisation_id": world.hospital.id,
            "email": "ak@example.invalid",
        },
    )
    team = identity.create_care_team(
        world.admin,
        {
            "name": "AK clinic",
            "organisation_id": world.hospital.id,
            "email": "ak-clinic@example.invalid",
            "member_ids": [doctor.id],
        },
    )
    return patients.enroll(
        doctor,
        world.patient.id,
        {
            "programme": "anticoagulation",
            "care_team_id": team.id,
            "shared_with": [world.municipality.id],
            "inr_target_low": 2.0,
            "inr_target_high": 3.0,
            "weekly_dose_mg": 35,
            "indication": "atrial fibrillation",
            "device": "CoaguChek INRange",
        },
    )


def days_ago_at_nine(days_ago: int) -> datetime:
    """09:00 Copenhagen time, `days_ago` local days before today."""
    today = clock.local(clock.now()).date()
    return datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=clock.COPENHAGEN)


def post_inr(
    client: Any, headers: dict[str, str], patient_id: int, value: float, days_ago: int, **extra: Any
) -> None:
    at = days_ago_at_nine(days_ago)
    body = {"observations": [item(patient_id, "inr", value, at=at, **extra)]}
    response = client.post("/api/v1/observations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


# ---- wounds ---------------------------------------------------------------------------------

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CPH)


def jpeg_with_gps(size: tuple[int, int] = (1200, 900), orientation: int = 6) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (55.0, 40.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (12.0, 34.0, 56.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it has GPS
    return data


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 160, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def assessment_data(**extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "assessed_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "length_cm": 4.0,
        "width_cm": 3.0,
        "depth_cm": 0.5,
        "exudate": "moderate",
        "tissue": "granulation",
        "odour": "none",
        "pain": 3,
        "periwound": "macerated",
        "note": "Cleaned and dressed.",
        **extra,
    }


def post_assessment(
    client: Any, headers: dict[str, str], wound_id: int, data: dict[str, Any], *photos: Any
) -> Any:
    parts = [
        (io.BytesIO(content), name, "image/jpeg")
        for name, content in (p if isinstance(p, tuple) else ("wound.jpg", p) for p in photos)
    ]
    return client.post(
        f"/api/v1/wounds/{wound_id}/assessments",
        data={"data": json.dumps(data), "photo": parts},
        headers=headers,
        content_type="multipart/form-data",
    )


def open_wound(client: Any, headers: dict[str, str], patient_id: int, **extra: Any) -> int:
    response = client.post(
        f"/api/v1/patients/{patient_id}/wounds",
        json={"body_site": "left lateral malleolus", "wound_type": "venous_leg_ulcer", **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


# ---- MedCom ---------------------------------------------------------------------------------


def create_broker(world: Any, username: str = "broker") -> None:
    """The region's message broker: a messaging account of the world's hospital, which alone
    delivers MedCom messages (POST /fhir/$process-message)."""
    identity.create_user(
        world.admin,
        {
            "username": username,
            "password": PASSWORD,
            "role": "messaging",
            "organisation_id": world.hospital.id,
            "email": None,
        },
    )
