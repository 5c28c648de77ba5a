"""Danish for the clinician's alert page, charts, dose decisions and error pages (issue 10 B)."""

from __future__ import annotations

DA: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "%(value)s at %(when)s": "%(value)s kl. %(when)s",
    ("%(num)s reading", "%(num)s readings"): ("%(num)s måling", "%(num)s målinger"),
    "Give the weekly dose in mg: above 0 and at most %(max)s.": "Angiv ugedosis i mg: over 0 og højst %(max)s.",
    "The dose was not set: the suggestion has been decided or replaced.": "Dosis blev ikke sat: forslaget er allerede afgjort eller erstattet.",
    "No readings in this period": "Ingen målinger i perioden",
    "Weekly dose set to %(dose)s.": "Ugedosis sat til %(dose)s.",
    "weekly dose %(decision)s by %(who)s: %(dose)s (INR %(inr)s)": "ugedosis %(decision)s af %(who)s: %(dose)s (INR %(inr)s)",
}
