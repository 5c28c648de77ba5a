"""The text of every mail telemon sends.

These functions take only what may leave the building: a severity, counts, an id and a link.
No name, CPR number or measured value can reach a mail because none is ever passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEVERITY_WORDS = {"red": "Red (urgent)", "yellow": "Yellow", "blue": "Blue (missing measurement)"}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


_FOOTER = (
    "\n\nThis message deliberately holds no patient details. Sign in to telemon to see them.\n"
    "-- telemon\n"
)


def alert_raised(severity: str, alert_url: str) -> Message:
    words = SEVERITY_WORDS.get(severity, severity)
    return Message(
        subject=f"[telemon] {words} alert needs attention",
        body=(
            f"A {words.lower()} alert for one of your team's patients needs attention.\n\n"
            f"Open it: {alert_url}" + _FOOTER
        ),
    )


def alert_escalated(severity: str, minutes: int, alert_url: str) -> Message:
    words = SEVERITY_WORDS.get(severity, severity)
    return Message(
        subject=f"[telemon] ESCALATED: {words} alert unacknowledged for {minutes} min",
        body=(
            f"A {words.lower()} alert has not been acknowledged within {minutes} minutes.\n"
            "Please make sure someone takes it now.\n\n"
            f"Open it: {alert_url}" + _FOOTER
        ),
    )


def daily_digest(day: date, counts: dict[str, int], queue_url: str) -> Message:
    lines = "\n".join(f"  {SEVERITY_WORDS.get(sev, sev)}: {n}" for sev, n in counts.items() if n)
    total = sum(counts.values())
    return Message(
        subject=f"[telemon] Daily summary {day.isoformat()}: {total} open item(s)",
        body=(
            f"Open alerts for your team's patients on {day.isoformat()}:\n\n{lines}\n\n"
            f"Review queue: {queue_url}" + _FOOTER
        ),
    )


URGENCY_WORDS = {"urgent": "Urgent", "routine": "Routine"}


def review_requested(urgency: str, due_text: str, url: str) -> Message:
    """To the wound clinic: a nurse asks for a review. No wound details, no patient."""
    words = URGENCY_WORDS.get(urgency, urgency)
    return Message(
        subject=f"[telemon] {words} wound review requested, answer by {due_text}",
        body=(
            f"A home nurse asks the wound clinic for a {words.lower()} review of a wound.\n"
            f"Please answer by {due_text}.\n\n"
            f"Review queue: {url}" + _FOOTER
        ),
    )


def review_answered(url: str) -> Message:
    """To the requesting nurse's team: the wound clinic has written back with instructions."""
    return Message(
        subject="[telemon] The wound clinic has answered your review request",
        body=(
            "The wound clinic has answered a review request from your team with new\n"
            "instructions. Please read them in telemon and confirm that you have.\n\n"
            f"Open telemon: {url}" + _FOOTER
        ),
    )


def review_overdue(urgency: str, due_text: str, url: str) -> Message:
    """To the wound clinic's escalation address: a request passed its due time unanswered."""
    words = URGENCY_WORDS.get(urgency, urgency)
    return Message(
        subject=f"[telemon] OVERDUE: {words.lower()} wound review was due {due_text}",
        body=(
            f"A {words.lower()} wound review request was due {due_text} and is not answered.\n"
            "Please make sure someone answers it now.\n\n"
            f"Review queue: {url}" + _FOOTER
        ),
    )
