"""Public holidays: the days on which working-hour deadlines do not run."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from telemon.extensions import db
from telemon.models.types import UTCDateTime


class PublicHoliday(db.Model):
    """A day nobody works. A holiday an administrator removes stays as a row with observed
    false, so that the installation's initial set (TELEMON_PUBLIC_HOLIDAYS) does not bring it
    back at the next start."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    observed: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
