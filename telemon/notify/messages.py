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


def _message(language: str, subject: str, lines: list[str], link: str) -> Message:
    """A mail: its subject, its lines, a blank line, the link, and the footer."""
    footer = gettext(
        "This message deliberately holds no patient details. Sign in to telemon to see them.",
        language,
    )
    return Message(
        f"[telemon] {subject}", "\n".join(lines) + f"\n\n{link}\n\n{footer}\n-- telemon\n"
    )


def _word(words: dict[str, str], key: str, language: str) -> str:
    return gettext(words[key], language) if key in words else key


def _open_it(url: str, language: str) -> str:
    return gettext("Open it: %(url)s", language, {"url": url})


def _worklist(url: str, language: str) -> str:
    return gettext("Review queue: %(url)s", language, {"url": url})


def alert_raised(severity: str, alert_url: str, language: str = "da") -> Message:
    language = language_of(language)
    words = _word(SEVERITY_WORDS, severity, language)
    return _message(
        language,
        gettext("%(severity)s alert needs attention", language, {"severity": words}),
        [
            gettext(
                "An alert for one of your team's patients needs attention: %(severity)s.",
                language,
                {"severity": words},
            )
        ],
        _open_it(alert_url, language),
    )


def alert_escalated(severity: str, minutes: int, alert_url: str, language: str = "da") -> Message:
    language = language_of(language)
    words = {"severity": _word(SEVERITY_WORDS, severity, language)}
    return _message(
        language,
        ngettext(
            "ESCALATED: %(severity)s alert unacknowledged for %(num)s minute",
            "ESCALATED: %(severity)s alert unacknowledged for %(num)s minutes",
            minutes,
            language,
            words,
        ),
        [
            ngettext(
                "An alert has not been acknowledged within %(num)s minute: %(severity)s.",
                "An alert has not been acknowledged within %(num)s minutes: %(severity)s.",
                minutes,
                language,
                words,
            ),
            gettext("Please make sure someone takes it now.", language),
        ],
        _open_it(alert_url, language),
    )


def daily_digest(
    day: date, counts: dict[str, int], worklist_url: str, language: str = "da"
) -> Message:
    language = language_of(language)
    when = {"day": date_text(day, language)}
    counted = [f"  {_word(SEVERITY_WORDS, sev, language)}: {n}" for sev, n in counts.items() if n]
    return _message(
        language,
        ngettext(
            "Daily summary %(day)s: %(num)s open item",
            "Daily summary %(day)s: %(num)s open items",
            sum(counts.values()),
            language,
            when,
        ),
        [gettext("Open alerts for your team's patients on %(day)s:", language, when), "", *counted],
        _worklist(worklist_url, language),
    )


def review_requested(urgency: str, due_text: str, url: str, language: str = "da") -> Message:
    """To the wound clinic: a nurse asks for a review. No wound details, no patient."""
    language = language_of(language)
    words = {"urgency": _word(URGENCY_WORDS, urgency, language).lower(), "due": due_text}
    return _message(
        language,
        gettext("Wound review requested (%(urgency)s), answer by %(due)s", language, words),
        [
            gettext(
                "A home nurse asks the wound clinic to review a wound (%(urgency)s).",
                language,
                words,
            ),
            gettext("Please answer by %(due)s.", language, words),
        ],
        _worklist(url, language),
    )


def review_answered(url: str, language: str = "da") -> Message:
    """To the requesting nurse's team: the wound clinic has written back with instructions."""
    language = language_of(language)
    return _message(
        language,
        gettext("The wound clinic has answered your review request", language),
        [
            gettext(
                "The wound clinic has answered a review request from your team with new "
                "instructions. Please read them in telemon and confirm that you have.",
                language,
            )
        ],
        _open_it(url, language),
    )


def review_overdue(urgency: str, due_text: str, url: str, language: str = "da") -> Message:
    """To the wound clinic's escalation address: a request passed its due time unanswered."""
    language = language_of(language)
    words = {"urgency": _word(URGENCY_WORDS, urgency, language).lower(), "due": due_text}
    return _message(
        language,
        gettext("OVERDUE: wound review (%(urgency)s) was due %(due)s", language, words),
        [
            gettext(
                "A wound review request (%(urgency)s) was due %(due)s and is not answered.",
                language,
                words,
            ),
            gettext("Please make sure someone answers it now.", language),
        ],
        _worklist(url, language),
    )


def message_received(due_text: str, url: str, language: str = "da") -> Message:
    """To the care team: a patient or a home nurse wrote. No name, no CPR, not the text."""
    language = language_of(language)
    words = {"due": due_text}
    return _message(
        language,
        gettext("New message about one of your patients, answer by %(due)s", language, words),
        [
            gettext(
                "A patient or a home nurse has written to your team about one of your "
                "patients. Please answer by %(due)s.",
                language,
                words,
            )
        ],
        _open_it(url, language),
    )
