"""Wound care as the alert life cycle calls it (telemon.alerts.Programme).

A wound's findings come from its assessments, not from readings: telemon.woundcare.findings
raises them (through telemon.alerts, like every programme) when an assessment is recorded. No
reading is judged here, and nothing is expected on a schedule, so both answers are none.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.sql.base import ExecutableOption

from telemon.models import Enrollment, Observation


class WoundCare:
    name = "wound"

    @property
    def enrollment_options(self) -> Sequence[ExecutableOption]:
        return ()

    def evaluate(self, enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]]) -> int:
        return 0

    def check_missing(self) -> int:
        return 0


WOUND_CARE = WoundCare()
