"""Danish for one finding per reading, reasons as data and mail (issue 10, part A).

Merged with scripts/translations_da.py by `make translations`. A plural message is keyed by its
(singular, plural) pair and translated as a pair of Danish forms (one, other).
"""

from __future__ import annotations

DA: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # Mail (telemon.notify.messages)
    "Red (urgent)": "Rød (haster)",
    "Yellow": "Gul",
    "Blue (missing measurement)": "Blå (manglende måling)",
    "Urgent": "Haster",
    "Routine": "Rutine",
    "This message deliberately holds no patient details. Sign in to telemon to see them.": "Denne besked indeholder med vilje ingen patientoplysninger. Log ind i telemon for at se dem.",
    "%(severity)s alert needs attention": "%(severity)s alarm kræver opmærksomhed",
    "An alert for one of your team's patients needs attention: %(severity)s.": "En alarm for en af teamets patienter kræver opmærksomhed: %(severity)s.",
    "Open it: %(url)s": "Åbn den: %(url)s",
    (
        "ESCALATED: %(severity)s alert unacknowledged for %(num)s minute",
        "ESCALATED: %(severity)s alert unacknowledged for %(num)s minutes",
    ): (
        "ESKALERET: %(severity)s alarm ikke kvitteret i %(num)s minut",
        "ESKALERET: %(severity)s alarm ikke kvitteret i %(num)s minutter",
    ),
    (
        "An alert has not been acknowledged within %(num)s minute: %(severity)s.",
        "An alert has not been acknowledged within %(num)s minutes: %(severity)s.",
    ): (
        "En alarm er ikke kvitteret inden for %(num)s minut: %(severity)s.",
        "En alarm er ikke kvitteret inden for %(num)s minutter: %(severity)s.",
    ),
    "Please make sure someone takes it now.": "Sørg for, at nogen tager den nu.",
    (
        "Daily summary %(day)s: %(num)s open item",
        "Daily summary %(day)s: %(num)s open items",
    ): (
        "Daglig oversigt %(day)s: %(num)s åben sag",
        "Daglig oversigt %(day)s: %(num)s åbne sager",
    ),
    "Open alerts for your team's patients on %(day)s:": "Åbne alarmer for teamets patienter %(day)s:",
    "Review queue: %(url)s": "Arbejdsliste: %(url)s",
    "Wound review requested (%(urgency)s), answer by %(due)s": "Sårvurdering ønsket (%(urgency)s), svar senest %(due)s",
    "A home nurse asks the wound clinic to review a wound (%(urgency)s).": "En hjemmesygeplejerske beder sårklinikken vurdere et sår (%(urgency)s).",
    "Please answer by %(due)s.": "Svar venligst senest %(due)s.",
    "The wound clinic has answered your review request": "Sårklinikken har svaret på jeres anmodning om vurdering",
    "The wound clinic has answered a review request from your team with new instructions. Please read them in telemon and confirm that you have.": "Sårklinikken har svaret på en anmodning om vurdering fra jeres team med nye instruktioner. Læs dem i telemon, og bekræft, at I har læst dem.",
    "OVERDUE: wound review (%(urgency)s) was due %(due)s": "OVERSKREDET: sårvurdering (%(urgency)s) skulle være besvaret %(due)s",
    "A wound review request (%(urgency)s) was due %(due)s and is not answered.": "En anmodning om sårvurdering (%(urgency)s) skulle være besvaret %(due)s og er ikke besvaret.",
    "Please make sure someone answers it now.": "Sørg for, at nogen besvarer den nu.",
    # The console's care-team form (telemon/web/admin)
    "Language of the team's mail": "Sprog i teamets mails",
}
