"""telemon.monitoring's rule as one SQL condition, for set-based queries: the one place the
periodic checks (missing measurements, missed INR tests) ask which enrolments they watch.

    select(Enrollment).where(is_monitored(), Enrollment.programme == "copd")

selects exactly the enrolments for which monitoring.is_monitored(status, paused_from,
paused_until, today) is true. Keep the two in step; tests/e2e/test_enrolment_management.py
checks them against each other.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, not_, or_

from telemon import clock
from telemon.models import Enrollment
from telemon.monitoring import ACTIVE


def paused_on(day: date) -> ColumnElement[bool]:
    """The enrolment's pause covers this local day (both ends inclusive, no end: open)."""
    return and_(
        Enrollment.paused_from.is_not(None),
        Enrollment.paused_from <= day,
        or_(Enrollment.paused_until.is_(None), Enrollment.paused_until >= day),
    )


def monitored_on(day: date) -> ColumnElement[bool]:
    """Active and not paused on this local day."""
    return and_(Enrollment.status == ACTIVE, not_(paused_on(day)))


def is_monitored(today: date | None = None) -> ColumnElement[bool]:
    """The filter for enrolments whose patients are being monitored on this local day
    (Europe/Copenhagen; today by default): active and not paused. An ended or paused enrolment
    raises no missing-measurement or missed-test alert."""
    return monitored_on(today if today is not None else clock.local(clock.now()).date())
