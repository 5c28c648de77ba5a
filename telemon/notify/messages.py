"""The text of every mail telemon sends, in the language of the team (or person) it goes to.

These functions take only what may leave the building: a severity, counts, a date, a link and
the language. No name, CPR number or measured value can reach a mail because none is ever
passed in. Danish unless the receiving care team chose English (CareTeam.language).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telemon.clinical_text import N_, date_text, gettext, language_of, ngettext

SEVERITY_WORDS = {
    "red": N_("Red (urgent)"),
    "yellow": N_("Yellow"),
    "blue": N_("Blue (missing measurement)"),
}
URGENCY_WORDS = {"urgent": N_("Urgent"), "routine": N_("Routine")}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _footer(language: str) -> str:
    return (
        "\n\n"
        + gettext(
            "This message deliberately holds no patient details. Sign in to telemon to see them.",
            language,
        )
        + "\n-- telemon\n"
    )


def _word(words: dict[str, str], key: str, language: str) -> str:
    return gettext(words[key], language) if key in words else key


def alert_raised(severity: str, alert_url: str, language: str = "da") -> Message:
    language = language_of(language)
    words = _word(SEVERITY_WORDS, severity, language)
    return Message(
        subject="[telemon] "
        + gettext("%(severity)s alert needs attention", language, {"severity": words}),
        body=gettext(
            "An alert for one of your team's patients needs attention: %(severity)s.",
            language,
            {"severity": words},
        )
        + "\n\n"
        + gettext("Open it: %(url)s", language, {"url": alert_url})
        + _footer(language),
    )


def alert_escalated(severity: str, minutes: int, alert_url: str, language: str = "da") -> Message:
    language = language_of(language)
    words = _word(SEVERITY_WORDS, severity, language)
    return Message(
        subject="[telemon] "
        + ngettext(
            "ESCALATED: %(severity)s alert unacknowledged for %(num)s minute",
            "ESCALATED: %(severity)s alert unacknowledged for %(num)s minutes",
            minutes,
            language,
            {"severity": words},
        ),
        body=ngettext(
            "An alert has not been acknowledged within %(num)s minute: %(severity)s.",
            "An alert has not been acknowledged within %(num)s minutes: %(severity)s.",
            minutes,
            language,
            {"severity": words},
        )
        + "\n"
        + gettext("Please make sure someone takes it now.", language)
        + "\n\n"
        + gettext("Open it: %(url)s", language, {"url": alert_url})
        + _footer(language),
    )


def daily_digest(
    day: date, counts: dict[str, int], queue_url: str, language: str = "da"
) -> Message:
    language = language_of(language)
    lines = "\n".join(
        f"  {_word(SEVERITY_WORDS, sev, language)}: {n}" for sev, n in counts.items() if n
    )
    total = sum(counts.values())
    when = date_text(day, language)
    return Message(
        subject="[telemon] "
        + ngettext(
            "Daily summary %(day)s: %(num)s open item",
            "Daily summary %(day)s: %(num)s open items",
            total,
            language,
            {"day": when},
        ),
        body=gettext("Open alerts for your team's patients on %(day)s:", language, {"day": when})
        + f"\n\n{lines}\n\n"
        + gettext("Review queue: %(url)s", language, {"url": queue_url})
        + _footer(language),
    )


def review_requested(urgency: str, due_text: str, url: str, language: str = "da") -> Message:
    """To the wound clinic: a nurse asks for a review. No wound details, no patient."""
    language = language_of(language)
    words = _word(URGENCY_WORDS, urgency, language)
    return Message(
        subject="[telemon] "
        + gettext(
            "Wound review requested (%(urgency)s), answer by %(due)s",
            language,
            {"urgency": words.lower(), "due": due_text},
        ),
        body=gettext(
            "A home nurse asks the wound clinic to review a wound (%(urgency)s).",
            language,
            {"urgency": words.lower()},
        )
        + "\n"
        + gettext("Please answer by %(due)s.", language, {"due": due_text})
        + "\n\n"
        + gettext("Review queue: %(url)s", language, {"url": url})
        + _footer(language),
    )


def review_answered(url: str, language: str = "da") -> Message:
    """To the requesting nurse's team: the wound clinic has written back with instructions."""
    language = language_of(language)
    return Message(
        subject="[telemon] "
        + gettext("The wound clinic has answered your review request", language),
        body=gettext(
            "The wound clinic has answered a review request from your team with new "
            "instructions. Please read them in telemon and confirm that you have.",
            language,
        )
        + "\n\n"
        + gettext("Open it: %(url)s", language, {"url": url})
        + _footer(language),
    )


def review_overdue(urgency: str, due_text: str, url: str, language: str = "da") -> Message:
    """To the wound clinic's escalation address: a request passed its due time unanswered."""
    language = language_of(language)
    words = _word(URGENCY_WORDS, urgency, language)
    return Message(
        subject="[telemon] "
        + gettext(
            "OVERDUE: wound review (%(urgency)s) was due %(due)s",
            language,
            {"urgency": words.lower(), "due": due_text},
        ),
        body=gettext(
            "A wound review request (%(urgency)s) was due %(due)s and is not answered.",
            language,
            {"urgency": words.lower(), "due": due_text},
        )
        + "\n"
        + gettext("Please make sure someone answers it now.", language)
        + "\n\n"
        + gettext("Review queue: %(url)s", language, {"url": url})
        + _footer(language),
    )
