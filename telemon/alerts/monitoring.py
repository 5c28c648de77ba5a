"""Which enrolments the periodic jobs watch: the one place that says so.

A patient is monitored through an active enrolment. An enrolment in any other state (ended,
and later paused) raises no missing-measurement or missed-test alert: add such a state to
`is_monitored`, once, and every periodic job follows.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from telemon.models import Enrollment


def is_monitored() -> ColumnElement[bool]:
    """The filter for enrolments whose patients are being monitored now."""
    return Enrollment.status == "active"
