"""Danish for the clinician's pages, the start pages and clinical text (issue 10).

Merged with scripts/translations_da.py by `make translations`. A plural message is keyed by its
(singular, plural) pair and translated as a pair of Danish forms (one, other).
"""

from __future__ import annotations

DA: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Start": "Start",
    "Welcome, %(name)s": "Velkommen, %(name)s",
    "Your home-nursing start page is on its way.": "Din startside for hjemmesygeplejen er på vej.",
    "Until then, the review queue lists the open alerts and wound review requests of the patients you visit, and the telemon app records readings, wound photos and your questions to the wound clinic.": "Indtil da viser arbejdslisten åbne alarmer og sårvurderinger for de borgere, du besøger, og telemon-appen registrerer målinger, sårfotos og dine spørgsmål til sårklinikken.",
    "Open the review queue": "Åbn arbejdslisten",
    "Your own pages are on their way.": "Dine egne sider er på vej.",
    "Until then, your readings reach your care team through your measuring device or the telemon app, and your care team contacts you when something needs attention.": "Indtil da når dine målinger frem til dit behandlerteam via dit måleapparat eller telemon-appen, og dit behandlerteam kontakter dig, når noget kræver opmærksomhed.",
    "The administration console is on its way.": "Administrationen er på vej.",
    "Until then, organisations, users, care teams and patients are administered through the API, described at /api/openapi.json.": "Indtil da administreres organisationer, brugere, behandlerteams og patienter gennem API'et, beskrevet på /api/openapi.json.",
}
