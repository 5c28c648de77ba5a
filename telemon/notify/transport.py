"""Delivery of one message: SMTP when configured, else an .eml file in the outbox folder."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from telemon.models import OutgoingMail


def build(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["TELEMON_MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    # Stable per event: a receiving system can drop a copy if we ever deliver twice.
    message["Message-ID"] = f"<telemon.{mail.id}.{mail.event_key.replace(':', '.')}@telemon.local>"
    message["X-Telemon-Event"] = mail.event_key
    message.set_content(mail.body)
    return message


def deliver(mail: OutgoingMail) -> None:
    """Send the message; raises on failure (the caller records it and retries)."""
    message = build(mail)
    smtp_url = current_app.config["TELEMON_SMTP_URL"]
    if smtp_url:
        parts = urlsplit(smtp_url)
        timeout = float(current_app.config["TELEMON_SMTP_TIMEOUT_SECONDS"])
        # The time-out bounds each socket operation: a server that accepts and never answers
        # costs one attempt, not a stuck worker.
        with smtplib.SMTP(parts.hostname or "127.0.0.1", parts.port or 25, timeout=timeout) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(parts.username, parts.password or "")
            smtp.send_message(message)
        return
    outbox = Path(current_app.config["TELEMON_OUTBOX_DIR"])
    # Mail may name a patient's situation: readable by telemon's own user only, like photos.
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    outbox.chmod(0o700)
    target = outbox / f"{mail.id:08d}.eml"
    partial = target.with_suffix(".eml.part")
    partial.write_bytes(bytes(message))
    partial.replace(target)  # atomic: a reader never sees half a message
