"""The programmes' default measurement schedules, copied into each new enrolment.

Like the standard threshold sets (telemon.patients.service), a default is a starting point: an
enrolment keeps the copy it was given, and a change of the default applies to enrolments made
after it. A programme with no stored default uses telemon.copd.schedule's built-in one.
"""

from __future__ import annotations

from typing import Any

from telemon import audit
from telemon.copd import schedule
from telemon.errors import Forbidden, Invalid
from telemon.extensions import db
from telemon.models import DefaultSchedule, User
from telemon.transactions import use_case


def default_schedule(programme: str) -> dict[str, Any]:
    """The programme's stored schedule settings (overrides of MeasurementSchedule), or {}."""
    row = db.session.get(DefaultSchedule, programme)
    return dict(row.settings) if row is not None else {}


@use_case
def set_default_schedule(actor: User, programme: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Replace the programme's default schedule (system administrator); audited."""
    if not actor.is_system_admin:
        raise Forbidden("Only a system administrator changes the default schedules.")
    try:
        schedule.schedule_from(settings)
    except ValueError as error:
        raise Invalid("Invalid schedule.", {"settings": [str(error)]}) from None
    row = db.session.get(DefaultSchedule, programme)
    before = dict(row.settings) if row is not None else {}
    if row is None:
        row = DefaultSchedule(programme=programme)
        db.session.add(row)
    row.settings = dict(settings)
    if before != settings:
        audit.record_change(
            actor, "default_schedule.update", "programme", programme, before, settings
        )
    return dict(row.settings)
