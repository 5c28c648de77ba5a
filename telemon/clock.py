"""The one clock. Time-based rules take `now` from here so tests can set it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def now() -> datetime:
    """The current time, timezone-aware UTC; an app may fix it with config TELEMON_NOW."""
    if has_app_context():
        fixed = current_app.config.get("TELEMON_NOW")
        if fixed is not None:
            return fixed() if callable(fixed) else fixed
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """A moment as clinicians read it: Europe/Copenhagen."""
    return moment.astimezone(COPENHAGEN)
