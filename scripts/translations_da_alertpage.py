"""Danish for the clinician's alert page, charts, dose decisions and error pages (issue 10 B)."""

from __future__ import annotations

DA: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "The request could not be handled": "Forespørgslen kunne ikke behandles",
    "The form may have expired. Go back, reload the page and try again.": "Formularen kan være udløbet. Gå tilbage, genindlæs siden og prøv igen.",
    "Not allowed": "Ikke tilladt",
    "You may not open this page or do this.": "Du må ikke åbne denne side eller gøre dette.",
    "Not found": "Ikke fundet",
    "No such page, or not one you may see.": "Siden findes ikke, eller du må ikke se den.",
    "Not possible here": "Ikke muligt her",
    "This address does not take that kind of request.": "Denne adresse modtager ikke den slags forespørgsel.",
    "Changed in the meantime": "Ændret i mellemtiden",
    "Someone changed this in the meantime. Go back, reload the page and try again.": "Nogen har ændret dette i mellemtiden. Gå tilbage, genindlæs siden og prøv igen.",
    "Too large": "For stor",
    "What was sent is too large.": "Det sendte er for stort.",
    "Invalid input": "Ugyldige oplysninger",
    "Some of what was sent is not valid. Go back and correct it.": "Noget af det sendte er ikke gyldigt. Gå tilbage og ret det.",
    "Too many attempts": "For mange forsøg",
    "Wait a minute, then try again.": "Vent et minut, og prøv så igen.",
    "Something went wrong": "Noget gik galt",
    "It has been logged. Try again, or go back to your start page.": "Fejlen er logget. Prøv igen, eller gå tilbage til din startside.",
    "Error %(status)s": "Fejl %(status)s",
    "Back to your start page": "Tilbage til din startside",
    "%(value)s at %(when)s": "%(value)s kl. %(when)s",
    ("%(num)s reading", "%(num)s readings"): ("%(num)s måling", "%(num)s målinger"),
    "Give the weekly dose in mg: above 0 and at most %(max)s.": "Angiv ugedosis i mg: over 0 og højst %(max)s.",
    "The dose was not set: the suggestion has been decided or replaced.": "Dosis blev ikke sat: forslaget er allerede afgjort eller erstattet.",
    "No readings in this period": "Ingen målinger i perioden",
    "Weekly dose set to %(dose)s.": "Ugedosis sat til %(dose)s.",
    "weekly dose %(decision)s by %(who)s: %(dose)s (INR %(inr)s)": "ugedosis %(decision)s af %(who)s: %(dose)s (INR %(inr)s)",
}
