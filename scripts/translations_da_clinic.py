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
    # Measurements (telemon.clinical_text.measurements)
    "FEV1": "FEV1",
    "INR": "INR",
    # Reasons (telemon.clinical_text.reasons)
    "%(measurement)s %(value)s is above the alert limit %(limit)s": "%(measurement)s %(value)s er over alarmgrænsen %(limit)s",
    "%(measurement)s %(value)s is above the warning limit %(limit)s": "%(measurement)s %(value)s er over advarselsgrænsen %(limit)s",
    "%(measurement)s %(value)s is below the warning limit %(limit)s": "%(measurement)s %(value)s er under advarselsgrænsen %(limit)s",
    "%(measurement)s %(value)s is below the alert limit %(limit)s": "%(measurement)s %(value)s er under alarmgrænsen %(limit)s",
    ("the last day", "the last %(num)s days"): ("det seneste døgn", "de seneste %(num)s dage"),
    ("%(num)s day", "%(num)s days"): ("%(num)s dag", "%(num)s dage"),
    ("%(num)s percentage point", "%(num)s percentage points"): (
        "%(num)s procentpoint",
        "%(num)s procentpoint",
    ),
    ("%(num)s point", "%(num)s points"): ("%(num)s point", "%(num)s point"),
    "%(measurement)s %(value)s is %(drop)s below the patient's median of %(period)s (%(median)s)": "%(measurement)s %(value)s er %(drop)s under patientens median for %(period)s (%(median)s)",
    "%(measurement)s %(value)s is up %(gain)s within %(period)s": "%(measurement)s %(value)s er steget %(gain)s inden for %(period)s",
    "%(measurement)s %(value)s is %(rise)s above the patient's baseline %(median)s": "%(measurement)s %(value)s er %(rise)s over patientens udgangsniveau %(median)s",
    "INR %(value)s is above the target range %(low)s–%(high)s": "INR %(value)s er over terapiområdet %(low)s–%(high)s",
    "INR %(value)s is below the target range %(low)s–%(high)s": "INR %(value)s er under terapiområdet %(low)s–%(high)s",
    "Time in therapeutic range %(ttr)s over %(period)s is below %(limit)s": "Tid i terapiområdet %(ttr)s %(period)s er under %(limit)s",
    "No INR received by the planned test date %(date)s": "Ingen INR modtaget senest på den planlagte prøvedato %(date)s",
    "No measurement of %(measurements)s received for %(date)s": "Ingen måling af %(measurements)s modtaget for %(date)s",
    "Signs of infection reported (%(site)s): %(signs)s": "Tegn på infektion meldt (%(site)s): %(signs)s",
    "Not healing as expected (%(site)s): the area is %(reduction)s smaller after %(period)s; a %(wound_type)s is expected to be at least %(expected)s smaller after %(after)s": "Heler ikke som forventet (%(site)s): arealet er %(reduction)s mindre efter %(period)s; et %(wound_type)s forventes at være mindst %(expected)s mindre efter %(after)s",
    "erythema": "rødme",
    "warmth": "varme",
    "swelling": "hævelse",
    "increasing pain": "tiltagende smerte",
    "purulent exudate": "purulent ekssudat",
    "malodour": "ildelugt",
    "wound breakdown": "sårnedbrud",
    "fever": "feber",
    "venous leg ulcer": "venøst bensår",
    "diabetic foot ulcer": "diabetisk fodsår",
    "pressure ulcer": "tryksår",
    "surgical wound": "operationssår",
    "wound": "sår",
    # Dose suggestions (telemon.clinical_text.dosing)
    "%(dose)s mg/week": "%(dose)s mg/uge",
    "hold and contact the clinic today": "pausér og kontakt klinikken i dag",
    "contact the clinic today": "kontakt klinikken i dag",
    ("hold one dose, then increase %(percent)s", "hold %(num)s doses, then increase %(percent)s"): (
        "pausér én dosis, øg derefter %(percent)s",
        "pausér %(num)s doser, øg derefter %(percent)s",
    ),
    ("hold one dose, then reduce %(percent)s", "hold %(num)s doses, then reduce %(percent)s"): (
        "pausér én dosis, reducér derefter %(percent)s",
        "pausér %(num)s doser, reducér derefter %(percent)s",
    ),
    ("hold one dose", "hold %(num)s doses"): ("pausér én dosis", "pausér %(num)s doser"),
    "increase weekly dose by %(percent)s": "øg ugedosis med %(percent)s",
    "reduce weekly dose by %(percent)s": "reducér ugedosis med %(percent)s",
    "dose already at minimum (%(dose)s); cannot reduce further": "dosis er allerede på minimum (%(dose)s); kan ikke reduceres yderligere",
    "dose already at maximum (%(dose)s); cannot increase further": "dosis er allerede på maksimum (%(dose)s); kan ikke øges yderligere",
    "the change stops at the minimum weekly dose (%(dose)s)": "ændringen stopper ved den mindste ugedosis (%(dose)s)",
    "the change stops at the maximum weekly dose (%(dose)s)": "ændringen stopper ved den største ugedosis (%(dose)s)",
    "INR above the device's measuring range (>%(inr)s); the true value may be at or above 9 (vitamin K line): a laboratory INR is needed": "INR over apparatets måleområde (>%(inr)s); den sande værdi kan være 9 eller derover (K-vitamin-grænsen): der skal tages en laboratorie-INR",
    (
        "stable patient (%(num)s test in range) within %(tolerance)s of range: no dose change suggested, test early",
        "stable patient (%(num)s tests in range) within %(tolerance)s of range: no dose change suggested, test early",
    ): (
        "stabil patient (%(num)s måling i terapiområdet) højst %(tolerance)s uden for området: ingen dosisændring foreslået, mål tidligt",
        "stabil patient (%(num)s målinger i terapiområdet) højst %(tolerance)s uden for området: ingen dosisændring foreslået, mål tidligt",
    ),
    "a %(percent)s change is less than one %(step)s mg step; the rounded dose is unchanged: clinician to decide": "en ændring på %(percent)s er mindre end ét trin på %(step)s mg; den afrundede dosis er uændret: klinikeren beslutter",
    # Alert timelines (telemon.clinical_text.events)
    "raised (%(severity)s)": "oprettet (%(severity)s)",
    "seen by %(who)s": "set af %(who)s",
    "acknowledged by %(who)s": "kvitteret af %(who)s",
    ("%(num)s reading attached", "%(num)s readings attached"): (
        "%(num)s måling tilføjet",
        "%(num)s målinger tilføjet",
    ),
    "severity raised to %(severity)s": "alvorlighed hævet til %(severity)s",
    "opened again (%(severity)s)": "genåbnet (%(severity)s)",
    (
        "escalated: not acknowledged within %(num)s minute",
        "escalated: not acknowledged within %(num)s minutes",
    ): (
        "eskaleret: ikke kvitteret inden for %(num)s minut",
        "eskaleret: ikke kvitteret inden for %(num)s minutter",
    ),
    "also found (%(severity)s): %(reason)s": "også fundet (%(severity)s): %(reason)s",
    "resolved by %(who)s: weekly dose %(decision)s, %(dose)s": "afsluttet af %(who)s: ugedosis %(decision)s, %(dose)s",
    "resolved by %(who)s": "afsluttet af %(who)s",
    "the measurement arrived": "målingen er modtaget",
    "an INR arrived": "en INR er modtaget",
    "time in therapeutic range back at %(ttr)s": "tid i terapiområdet igen %(ttr)s",
    "resolved by telemon: %(why)s": "afsluttet af telemon: %(why)s",
    # Limits (telemon.clinical_text.limits)
    "%(upper)s (%(upper_value)s) must be above %(lower)s (%(lower_value)s).": "%(upper)s (%(upper_value)s) skal være over %(lower)s (%(lower_value)s).",
    "%(limit)s: not a number": "%(limit)s: ikke et tal",
}
