"""Small helpers for the API tests: building observation items, reading the outbox."""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import datetime, timedelta, timezone
from email.message import Message
from pathlib import Path
from typing import Any

CPH_WINTER = timezone(timedelta(hours=1))


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
