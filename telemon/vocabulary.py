"""The words telemon stores and compares: alert severities and statuses, dose suggestions'
statuses, and users' roles.

Each is a StrEnum whose values are the strings the database and the API have always held
("red", "acknowledged", "clinician"), so nothing stored or sent changes; code names the member
(Severity.RED), and a typo is an AttributeError that mypy reports, not a comparison that is
silently never true. Plain Python, no imports from telemon: the pure rule modules, the models
and the services all take these from here.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How urgent an alert is: red (act now, mailed at once), yellow (today), blue (something
    expected did not come: a missing measurement, a missed INR test)."""

    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"


# Most severe first in every list. Blue is something expected that did not come, never a
# reading past a limit.
SEVERITY_RANK: dict[str, int] = {Severity.RED: 3, Severity.YELLOW: 2, Severity.BLUE: 1}


def worse(a: str, b: str) -> str:
    """The more severe of two severities: red > yellow > blue. Equal severities return `a`.

    Raises KeyError for a severity that is not in SEVERITY_RANK.
    """
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


class AlertStatus(StrEnum):
    """Where an alert is in its life cycle: open (nobody took it), acknowledged (taken),
    resolved (closed, by a clinician, a decision, or telemon itself)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class DoseStatus(StrEnum):
    """Where a dose suggestion is: pending (waiting for a decision), then decided -- confirmed
    or overridden by the responsible care team, accepted by a self-managing patient -- or
    superseded by the suggestion for a newer INR before anyone decided it."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    OVERRIDDEN = "overridden"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"


# The statuses of a decided suggestion: its decision put a dose in force.
DECIDED: tuple[DoseStatus, ...] = (DoseStatus.CONFIRMED, DoseStatus.OVERRIDDEN, DoseStatus.ACCEPTED)


class MessageWork(StrEnum):
    """A message to the care team as work: open (in the team's queue, due in its working
    hours) until a team member answers it or marks it handled; `none` for a message that is no
    work (one the team wrote, or one from a team member)."""

    NONE = "none"
    OPEN = "open"
    ANSWERED = "answered"
    HANDLED = "handled"


class Role(StrEnum):
    """A user's role. Care staff (clinician, nurse, GP) see patients through their care teams
    (telemon.access); an administrator sees no patient; a patient sees themself. A messaging
    account is a system (the region's message broker) that delivers MedCom messages to
    POST /fhir/$process-message and does nothing else: it sees no patient and has no pages."""

    ADMIN = "admin"
    CLINICIAN = "clinician"
    NURSE = "nurse"
    GP = "gp"
    PATIENT = "patient"
    MESSAGING = "messaging"
