"""telemon.patients.monitoring's rule as one SQL condition, for set-based queries.

    select(Enrollment).where(monitored_on(today), Enrollment.programme == "copd")

selects exactly the enrolments for which monitoring.is_monitored(status, paused_from,
paused_until, today) is true. Keep the two in step; tests/e2e/test_enrolment_management.py
checks them against each other.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, not_, or_

from telemon.models import Enrollment
from telemon.patients.monitoring import ACTIVE


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
