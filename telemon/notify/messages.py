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
