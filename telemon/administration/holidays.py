"""Public holidays: data an administrator manages, for working-hour due times.

Denmark's public holidays of the coming years are computed and stored at each start
(ensure_computed, TELEMON_HOLIDAY_YEARS years from this one). The installation's initial set
also holds TELEMON_PUBLIC_HOLIDAYS (ISO dates, comma-separated): at
each start the dates listed there that are not stored yet are stored (ensure_from_environment).
From then on the stored rows decide. A holiday removed by an administrator stays stored as not
observed, so the environment does not bring it back. Adding and removing one (the API and the
console alike) are use cases (telemon.transactions).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from telemon import audit, clock
from telemon.administration.holiday_calendar import coming_years, danish_public_holidays
from telemon.errors import Forbidden, Invalid
from telemon.extensions import db
from telemon.models import PublicHoliday, User
from telemon.plausible_dates import year_problem
from telemon.transactions import use_case


def observed_holidays() -> frozenset[date]:
    """The days working-hour deadlines skip."""
    return frozenset(
        db.session.scalars(select(PublicHoliday.day).where(PublicHoliday.observed.is_(True)))
    )


def listed(year: int | None = None) -> list[PublicHoliday]:
    """The observed holidays, by date (of one year, if given)."""
    query = select(PublicHoliday).where(PublicHoliday.observed.is_(True))
    if year is not None:
        query = query.where(
            PublicHoliday.day >= date(year, 1, 1), PublicHoliday.day <= date(year, 12, 31)
        )
    return list(db.session.scalars(query.order_by(PublicHoliday.day)))


@use_case
def ensure_from_environment() -> int:
    """Store the environment's holidays not stored yet (observed). Returns how many."""
    text = str(current_app.config.get("TELEMON_PUBLIC_HOLIDAYS") or "")
    try:
        days = {date.fromisoformat(part.strip()) for part in text.split(",") if part.strip()}
    except ValueError as error:
        raise ValueError(f"TELEMON_PUBLIC_HOLIDAYS: {error}") from None
    known = set(db.session.scalars(select(PublicHoliday.day).where(PublicHoliday.day.in_(days))))
    for day in sorted(days - known):
        db.session.add(PublicHoliday(day=day, name="", observed=True, updated_at=clock.now()))
    return len(days - known)


@use_case
def ensure_computed(today: date | None = None) -> int:
    """Store Denmark's public holidays of the coming TELEMON_HOLIDAY_YEARS years (this year
    included; telemon.administration.holiday_calendar) that are not stored yet, observed.
    A day stored already keeps what it has: an administrator's removal (stored as not
    observed) is not undone, nor a name she gave. Returns how many were added."""
    count = int(current_app.config.get("TELEMON_HOLIDAY_YEARS") or 0)
    day = today or clock.local(clock.now()).date()
    computed = danish_public_holidays(coming_years(day, count))
    if not computed:
        return 0
    known = set(
        db.session.scalars(select(PublicHoliday.day).where(PublicHoliday.day.in_(computed)))
    )
    new = sorted(set(computed) - known)
    for holiday in new:
        db.session.add(
            PublicHoliday(
                day=holiday, name=computed[holiday][:100], observed=True, updated_at=clock.now()
            )
        )
    return len(new)


def _require_system_admin(actor: User) -> None:
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator manages the public holidays.")


@use_case
def add(actor: User, day: date, name: str) -> PublicHoliday:
    """Observe a holiday (again); its name may change. Audited."""
    _require_system_admin(actor)
    if problem := year_problem(day):
        raise Invalid("Not a possible holiday.", {"day": [problem]})
    if len(name) > 100:
        raise Invalid("Name too long.", {"name": ["At most 100 characters."]})
    row = db.session.get(PublicHoliday, day)
    before = {"observed": row.observed, "name": row.name} if row else {"observed": False}
    if row is None:
        row = PublicHoliday(day=day)
        db.session.add(row)
    row.name, row.observed, row.updated_at = name, True, clock.now()
    after = {"observed": True, "name": name}
    if before != after:
        audit.record_change(actor, "holiday.add", "public_holiday", day.isoformat(), before, after)
    return row


@use_case
def remove(actor: User, day: date) -> None:
    """No longer a holiday (kept as not observed). Removing a day that is none is harmless."""
    _require_system_admin(actor)
    row = db.session.get(PublicHoliday, day)
    if row is None or not row.observed:
        return
    row.observed, row.updated_at = False, clock.now()
    audit.record_change(
        actor,
        "holiday.remove",
        "public_holiday",
        day.isoformat(),
        {"observed": True, "name": row.name},
        {"observed": False, "name": row.name},
    )
