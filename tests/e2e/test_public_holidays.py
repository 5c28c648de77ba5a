"""Public holidays computed for Denmark (issue 21, point 10): stored for the coming years at
each start, an administrator's removal kept, her own days added."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from telemon import clock
from telemon.administration.holidays import ensure_computed
from telemon.extensions import db
from telemon.models import PublicHoliday
from tests.helpers import token_for


def test_denmarks_holidays_are_stored_for_the_coming_years(app, client, world) -> None:
    app.config["TELEMON_NOW"] = datetime(2026, 11, 20, 12, 0, tzinfo=clock.COPENHAGEN)
    app.config["TELEMON_HOLIDAY_YEARS"] = 3
    assert ensure_computed() == 30  # ten a year, 2026-2028
    assert ensure_computed() == 0
    root = token_for(client, "root")
    listed = client.get("/api/v1/public-holidays?year=2027", headers=root).get_json()
    assert {"day": "2027-03-26", "name": "Langfredag"}.items() <= listed[2].items()
    # Removed by an administrator: stays removed when computed again.
    assert client.delete("/api/v1/public-holidays/2027-03-26", headers=root).status_code == 204
    assert ensure_computed() == 0
    removed = db.session.get(PublicHoliday, date(2027, 3, 26))
    assert removed is not None and not removed.observed
    # Her own day (Christmas Eve is no public holiday) is added beside them.
    added = client.put(
        "/api/v1/public-holidays/2027-12-24", json={"name": "Juleaften"}, headers=root
    )
    assert added.status_code == 200
    observed = db.session.scalars(
        select(PublicHoliday.day).where(PublicHoliday.observed.is_(True))
    ).all()
    assert date(2027, 12, 24) in observed and date(2028, 4, 14) in observed  # Langfredag 2028


def test_none_are_computed_when_turned_off(app, world) -> None:
    app.config["TELEMON_HOLIDAY_YEARS"] = 0
    assert ensure_computed() == 0
