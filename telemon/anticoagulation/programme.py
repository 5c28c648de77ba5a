"""The anticoagulation programme as the alert life cycle calls it
(telemon.alerts.Programme): INR readings judged against the plan (alerts, a dose
suggestion, poor control), and the missed-test check."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from telemon.anticoagulation import inr_evaluation
from telemon.models import Enrollment, Observation


class Anticoagulation:
    name = "anticoagulation"

    @property
    def enrollment_options(self) -> Sequence[ExecutableOption]:
        # The plan (target range, dose, settings). A property: the relationship exists only
        # once the models are configured, after this module is imported.
        return (selectinload(Enrollment.anticoagulation),)

    def evaluate(self, enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]]) -> int:
        return sum(inr_evaluation.evaluate_inr(e, list(readings)) for e, readings in enrollments)

    def check_missing(self) -> int:
        return inr_evaluation.check_missed_tests()


ANTICOAGULATION = Anticoagulation()
