"""An alert's timeline in words: what happened, and who did it.

Each entry is its kind, who did it (None: telemon itself), the severity it names and, for what
telemon did by itself, parameters (AlertEvent.params); a note someone wrote is shown beside it,
as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telemon.clinical_text.dosing import weekly_dose_text
from telemon.clinical_text.language import N_, gettext, ngettext, percent
from telemon.clinical_text.reasons import reason_text
from telemon.vocabulary import DoseStatus

Params = Mapping[str, Any]

SEVERITY_WORDS = {"red": N_("red"), "yellow": N_("yellow"), "blue": N_("blue")}
DECISION_WORDS: dict[str, str] = {
    DoseStatus.CONFIRMED: N_("confirmed"),
    DoseStatus.OVERRIDDEN: N_("overridden"),
    DoseStatus.ACCEPTED: N_("accepted"),
}


def severity_word(severity: str | None, language: str) -> str:
    """ "red" -> "rød" (da)."""
    return gettext(SEVERITY_WORDS.get(severity or "", severity or ""), language)


def event_text(
    kind: str,
    language: str,
    *,
    who: str | None = None,
    severity: str | None = None,
    params: Params | None = None,
) -> str:
    """One timeline entry, e.g. ("acknowledged", who="dr-hansen") -> "kvitteret af dr-hansen",
    ("readings_attached", params={"count": 2}) -> "2 målinger tilføjet"."""
    p = params or {}
    sev = severity_word(severity, language)
    if kind == "raised":
        return gettext("raised (%(severity)s)", language, {"severity": sev})
    if kind == "seen":
        return gettext("seen by %(who)s", language, {"who": who or "telemon"})
    if kind == "acknowledged":
        return gettext("acknowledged by %(who)s", language, {"who": who or "telemon"})
    if kind == "readings_attached":
        return ngettext(
            "%(num)s reading attached", "%(num)s readings attached", p.get("count", 1), language
        )
    if kind == "severity_raised":
        return gettext("severity raised to %(severity)s", language, {"severity": sev})
    if kind == "reopened":
        return gettext("opened again (%(severity)s)", language, {"severity": sev})
    if kind == "escalated":
        return ngettext(
            "escalated: not acknowledged within %(num)s minute",
            "escalated: not acknowledged within %(num)s minutes",
            p.get("minutes", 0),
            language,
        )
    if kind == "reason_added":
        reason = p.get("reason") or {}
        return gettext(
            "also found (%(severity)s): %(reason)s",
            language,
            {"severity": sev, "reason": reason_text(reason["code"], reason["params"], language)},
        )
    if kind == "resolved":
        return _resolved(p, who, language)
    return kind


def _resolved(p: Params, who: str | None, language: str) -> str:
    because = p.get("because")
    if because == "dose_decided":
        decided = str(p["decision"])
        decision = gettext(DECISION_WORDS.get(decided, decided), language)
        text = gettext(
            "resolved by %(who)s: weekly dose %(decision)s, %(dose)s",
            language,
            {
                "who": who or "telemon",
                "decision": decision,
                "dose": weekly_dose_text(p["weekly_dose_mg"], language),
            },
        )
        if p.get("hold_days"):
            text += ", " + ngettext(
                "%(num)s day without tablets",
                "%(num)s days without tablets",
                p["hold_days"],
                language,
            )
        return text
    if who is not None:
        return gettext("resolved by %(who)s", language, {"who": who})
    if because == "measurement_received":
        why = gettext("the measurement arrived", language)
    elif because == "inr_received":
        why = gettext("an INR arrived", language)
    elif because == "in_control":
        why = gettext(
            "time in therapeutic range back at %(ttr)s",
            language,
            {"ttr": percent(p["ttr_percent"], language)},
        )
    else:
        why = str(p.get("text", ""))
    return gettext("resolved by telemon: %(why)s", language, {"why": why})
