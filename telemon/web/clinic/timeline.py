"""Timelines on the clinician's pages: who did what, and when, in the page's language.

An alert's own timeline (the alert page) and a patient's notes and decisions (the patient
page) are written from AlertEvents and decided DoseSuggestions by telemon.clinical_text; the
people are named by their user names (never a patient's name: the patient is "the patient").
What is shown is read by the page's use case (telemon.alerts.detail, telemon.patients.detail).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from flask import current_app

from telemon import clinical_text as ct
from telemon.clinical_text.events import DECISION_WORDS
from telemon.models import Alert, AlertEvent, DoseSuggestion


class Entry(NamedTuple):
    at: datetime
    text: str
    note: str | None
    about: str | None = None  # the alert it is about (its reason), on the patient's timeline


# What telemon wrote as an event's note, in English, before events kept their parameters:
# read back as parameters, so that the entry is written in the reader's language.
_MACHINE_NOTES: tuple[tuple[str, re.Pattern[str], Any], ...] = (
    ("readings_attached", re.compile(r"^(\d+) reading\(s\)$"), lambda m: {"count": int(m[1])}),
    ("escalated", re.compile(r"within (\d+) min"), lambda m: {"minutes": int(m[1])}),
    (
        "resolved",
        re.compile(r"^Time in therapeutic range back at (\d+(?:\.\d+)?) %\.$"),
        lambda m: {"because": "in_control", "ttr_percent": float(m[1])},
    ),
    ("resolved", re.compile(r"^INR received\.$"), lambda m: {"because": "inr_received"}),
    (
        "resolved",
        re.compile(r"^Measurement received\.$"),
        lambda m: {"because": "measurement_received"},
    ),
)


def event_entry(event: AlertEvent, names: dict[int, str], language: str) -> Entry:
    """One alert event in words: "kvitteret af demo-clinician"."""
    params: dict[str, Any] = dict(getattr(event, "params", None) or {})
    note = event.note
    if event.by_id is None and note and not params:
        for kind, pattern, read in _MACHINE_NOTES:
            found = pattern.search(note) if kind == event.kind else None
            if found:
                params, note = read(found), None
                break
    if event.kind == "escalated" and "minutes" not in params:
        params["minutes"] = current_app.config["TELEMON_ESCALATE_AFTER_MINUTES"]
    who = names.get(event.by_id) if event.by_id is not None else None
    text = ct.event_text(event.kind, language, who=who, severity=event.severity, params=params)
    return Entry(event.at, text.removesuffix(": "), note)


def alert_timeline(alert: Alert, names: dict[int, str], language: str) -> list[Entry]:
    """The alert's events, oldest first, as they happened; `names` of the people in them."""
    return [event_entry(e, names, language) for e in alert.events]


def decision_entry(suggestion: DoseSuggestion, names: dict[int, str], language: str) -> Entry:
    """ "ugedosis bekræftet af demo-ak-nurse: 31,25 mg/uge (INR 4,2)"."""
    assert suggestion.decided_at is not None and suggestion.decided_weekly_dose_mg is not None
    decision = ct.gettext(DECISION_WORDS.get(suggestion.status, suggestion.status), language)
    who = names.get(suggestion.decided_by_id or 0, "telemon")
    text = ct.gettext(
        "weekly dose %(decision)s by %(who)s: %(dose)s (INR %(inr)s)",
        language,
        {
            "decision": decision,
            "who": who,
            "dose": ct.weekly_dose_text(suggestion.decided_weekly_dose_mg, language),
            "inr": ct.number(suggestion.inr, language),
        },
    )
    return Entry(suggestion.decided_at, text, suggestion.decision_note)


def patient_timeline(
    events: Sequence[tuple[AlertEvent, Alert]],
    decisions: Sequence[DoseSuggestion],
    names: dict[int, str],
    language: str,
    reason_of: Any,
) -> Sequence[Entry]:
    """Notes and decisions about the patient, newest first: acknowledgements, resolutions and
    escalations of its alerts (`events`, each with the alert's reason, `reason_of(alert)`), and
    dose decisions; `names` of the people in them."""
    entries = []
    for event, alert in events:
        entries.append(event_entry(event, names, language)._replace(about=reason_of(alert)))
    entries += [decision_entry(d, names, language) for d in decisions]
    return sorted(entries, key=lambda e: e.at, reverse=True)
