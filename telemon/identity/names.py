"""How people are named where telemon says who did what (timelines, decisions): by user name,
never a patient's name or CPR number."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import User


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    """User names by id, for who did what (one query); ids of nobody (None) are skipped."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {user_id: username for user_id, username in rows}
