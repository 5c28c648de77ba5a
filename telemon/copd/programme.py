"""The COPD programme as the alert life cycle calls it (telemon.alerts.Programme)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from telemon.copd import evaluation
from telemon.models import Enrollment, Observation


class Copd:
    name = "copd"

    @property
    def enrollment_options(self) -> Sequence[ExecutableOption]:
        return (selectinload(Enrollment.thresholds),)  # the patient's own limits

    def evaluate(self, enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]]) -> int:
        return evaluation.evaluate(enrollments)

    def check_missing(self) -> int:
        return evaluation.check_missing_measurements()


COPD = Copd()
