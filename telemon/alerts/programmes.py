"""How alerts calls the programmes: the one interface every programme implements.

alerts imports no programme. Each programme (telemon.copd, telemon.anticoagulation,
telemon.woundcare) implements Programme in a module of its own (`<programme>/programme.py`) and
is registered when the app is created (telemon.app); the evaluation run asks `registered()`
which programmes there are. A programme, for its part, uses only alerts' public surface: what
the package telemon.alerts names (raise_or_update, resolve_automatically, resolve_by_decision,
reason, measurement_of, route), never the modules behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.sql.base import ExecutableOption

from telemon.models import Enrollment, Observation

_REGISTERED = "telemon.programmes"


class Programme(Protocol):
    """A programme, as the alert life cycle sees it."""

    # Enrollment.programme and Alert.programme, and the `programme` of the reading codes it
    # judges (telemon.ingest.codes): "copd", "anticoagulation", "wound".
    name: str

    @property
    def enrollment_options(self) -> Sequence[ExecutableOption]:
        """What evaluate() reads of each enrolment (its thresholds, its plan), loaded with the
        enrolments of the whole run: a few queries however many patients."""
        ...

    def evaluate(self, enrollments: Sequence[tuple[Enrollment, Sequence[Observation]]]) -> int:
        """Judge new readings: each active enrolment of this programme with its patient's new
        readings of this programme (oldest first), patients in id order. Raise, join and
        resolve alerts through telemon.alerts, in the caller's transaction (the run commits).
        Safe to run twice for the same readings. Returns the number of findings."""
        ...

    def check_missing(self) -> int:
        """The periodic check for what a monitored enrolment should have sent and has not (a
        missing measurement, a missed INR test): raise a blue alert, once, through
        telemon.alerts, each enrolment's in a transaction of its own
        (telemon.transactions.transaction: one that fails undoes no other's). Returns the
        number of alerts raised."""
        ...


def register(app: Flask, *programmes: Programme) -> None:
    """The programmes this app runs, in the order an evaluation run judges their readings."""
    app.extensions[_REGISTERED] = {programme.name: programme for programme in programmes}


def registered() -> Mapping[str, Programme]:
    """The programmes registered on the current app, by name, in registration order."""
    programmes: Mapping[str, Programme] = current_app.extensions[_REGISTERED]
    return programmes
