"""Which enrolments the periodic jobs watch: the one place they ask.

A patient is monitored through an active enrolment that is not paused today. An ended or
paused enrolment raises no missing-measurement or missed-test alert. The rule itself is
telemon.patients.monitoring (pure) and its SQL form telemon.patients.monitoring_sql.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement

from telemon import clock
from telemon.patients.monitoring_sql import monitored_on


def is_monitored(today: date | None = None) -> ColumnElement[bool]:
    """The filter for enrolments whose patients are being monitored on this local day
    (Europe/Copenhagen; today by default): active and not paused."""
    return monitored_on(today if today is not None else clock.local(clock.now()).date())
