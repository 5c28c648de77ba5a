"""A programme's standards as the console's form sets them: the standard threshold set and the
default measurement schedule (telemon.patients.service, telemon.patients.defaults), saved
together in one use case, so that a schedule refused leaves the thresholds as they were too.
Existing enrolments keep their own copies."""

from __future__ import annotations

from typing import Any

from telemon.models import User
from telemon.patients import defaults
from telemon.patients.service import replace_default_thresholds
from telemon.transactions import use_case


@use_case
def set_standards(
    actor: User,
    programme: str,
    thresholds: dict[str, dict[str, float | None]],
    schedule_settings: dict[str, Any],
) -> None:
    """Replace the programme's standard thresholds and change the given settings of its default
    schedule (the others kept); system administrator, audited (each by its own service)."""
    replace_default_thresholds(actor, programme, thresholds)
    settings = {**defaults.default_schedule(programme), **schedule_settings}
    defaults.set_default_schedule(actor, programme, settings)
