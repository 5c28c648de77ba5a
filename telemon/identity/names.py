"""How people are named where telemon says who did what (timelines, decisions, review answers,
the audit viewer): staff as "Name, title" ("Hanne Sørensen, sygeplejerske"), by the name alone
without a title, by the user name when no name is kept; never a patient's name or CPR number
(a patient's login has no name here)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import User


def person_name(username: str, full_name: str | None, title: str | None) -> str:
    """ "Hanne Sørensen, sygeplejerske"; "Hanne Sørensen" without a title; the user name
    without a full name (a title alone names nobody)."""
    name = (full_name or "").strip()
    if not name:
        return username
    role = (title or "").strip()
    return f"{name}, {role}" if role else name


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Who did what, by user id (one query); ids of nobody (None) are skipped."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.id, User.username, User.full_name, User.title).where(User.id.in_(wanted))
    )
    return {row.id: person_name(row.username, row.full_name, row.title) for row in rows}
