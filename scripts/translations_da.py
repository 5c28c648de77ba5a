"""The Danish translations of telemon's UI, kept as code so a reviewer reads them in one place.

Run `make translations` after changing UI text: it extracts the messages, merges them into the
Danish catalog and fills in what is listed here. Untranslated text shows in English.

Each part of the UI may keep its own table beside this one, as `DA` in a module
`scripts/translations_da_<part>.py`; they are merged with this one (a message listed twice
must say the same in both).

A message with plural forms (ngettext) is keyed by its (singular, plural) pair and translated
as a pair of Danish forms, one and other:
    ("%(num)s day", "%(num)s days"): ("%(num)s dag", "%(num)s dage"),
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

Message = str | tuple[str, str]  # a plural message: (singular, plural)

DA: dict[Message, Message] = {
    "%(n)s yellow alert(s) acknowledged.": "%(n)s gule alarmer kvitteret.",
    "Acknowledge the selected yellow alerts": "Kvittér de valgte gule alarmer",
    "Acknowledged, not resolved": "Kvitteret, ikke afsluttet",
    "Actions": "Handlinger",
    "All": "Alle",
    "Answered %(when)s by %(who)s:": "Besvaret %(when)s af %(who)s:",
    "Area": "Areal",
    "Area %(now)s cm² against %(first)s cm² at baseline: %(percent)s %% smaller after %(days)s days.": "Areal %(now)s cm² mod %(first)s cm² ved start: %(percent)s %% mindre efter %(days)s dage.",
    "Asked %(when)s by %(who)s; due %(due)s.": "Spurgt %(when)s af %(who)s; svarfrist %(due)s.",
    "Assessments": "Vurderinger",
    "Due": "Frist",
    "Exudate": "Ekssudat",
    "Filter": "Filtrér",
    "First page": "Første side",
    "I have read the instructions": "Jeg har læst instruksen",
    "Instructions to the nurse": "Instruks til sygeplejersken",
    "Marked as read.": "Markeret som læst.",
    "Next page": "Næste side",
    "No assessments yet.": "Ingen vurderinger endnu.",
    "No review requested.": "Ingen vurdering anmodet.",
    "Not healing as expected.": "Heler ikke som forventet.",
    "Nothing waits for you.": "Intet venter på dig.",
    "Open": "Åbne",
    "Open items by severity": "Åbne punkter efter alvorlighed",
    "Open:": "Åbne:",
    "Overdue": "Over fristen",
    "Pages": "Sider",
    "Pain": "Smerte",
    "Per team": "Pr. team",
    "Photo %(n)s of the wound, %(date)s": "Foto %(n)s af såret, %(date)s",
    "Read by the nurse %(when)s.": "Læst af sygeplejersken %(when)s.",
    "Reply sent; the nurse's team is notified.": "Svaret er sendt; sygeplejerskens team har fået besked.",
    "Select for bulk acknowledgement": "Vælg til samlet kvittering",
    "Send reply": "Send svar",
    "Severity": "Alvorlighed",
    "Show": "Vis",
    "Signs of infection": "Tegn på infektion",
    "Size": "Størrelse",
    "Specialist review": "Specialistvurdering",
    "Team": "Team",
    "Tissue": "Vævstype",
    "Waited": "Ventet",
    "Waiting for the wound clinic.": "Afventer sårklinikken.",
    "What": "Hvad",
    "Wound": "Sår",
    "Wound review:": "Sårvurdering:",
    "Wounds": "Sår",
    "Write the instructions before sending.": "Skriv instruksen før du sender.",
    "estimated": "anslået",
    "new": "nye",
    "overdue": "over fristen",
    "since %(date)s": "siden %(date)s",
    "venous_leg_ulcer": "venøst bensår",
    "diabetic_foot_ulcer": "diabetisk fodsår",
    "pressure_ulcer": "tryksår",
    "surgical": "operationssår",
    "other": "andet",
    "healed": "helet",
    "urgent": "haster",
    "routine": "rutine",
    "answered": "besvaret",
    "closed": "lukket",
    "epithelial": "epitelvæv",
    "granulation": "granulationsvæv",
    "slough": "fibrinbelægning",
    "necrotic": "nekrose",
    "none": "intet",
    "light": "lidt",
    "moderate": "moderat",
    "heavy": "meget",
    "%(dose)s mg/week (now %(now)s), next test %(date)s.": "%(dose)s mg/uge (nu %(now)s), næste måling %(date)s.",
    "%(percent)s %% over %(days)s days": "%(percent)s %% over %(days)s dage",
    "%(severity)s alert": "%(severity)s alarm",
    "%(minutes)s min": "%(minutes)s min",
    "%(hours)s h %(minutes)s min": "%(hours)s t %(minutes)s min",
    "%(days)s d": "%(days)s d",
    "%(waited)s ago": "for %(waited)s siden",
    "Acknowledge": "Kvittér",
    "Alert acknowledged.": "Alarmen er kvitteret.",
    "Alert resolved.": "Alarmen er afsluttet.",
    "Anticoagulation": "AK-behandling",
    "Back to the review queue": "Tilbage til arbejdslisten",
    "By": "Af",
    "CAT score": "CAT-score",
    "Confirm dose": "Bekræft dosis",
    "Decided": "Besluttet",
    "Diastolic BP": "Diastolisk blodtryk",
    "Dose history": "Doseringshistorik",
    "Each limit is optional. Set ones must be ordered: alert high > warning high > warning low > alert low. A value exactly on a limit is not past it.": "Hver grænse er valgfri. De udfyldte skal stå i rækkefølge: alarm høj > advarsel høj > advarsel lav > alarm lav. En værdi præcis på en grænse er ikke over den.",
    "Edit thresholds": "Redigér grænseværdier",
    "Give the weekly dose in mg.": "Angiv ugedosis i mg.",
    "How": "Hvordan",
    "Last %(days)s days (INR: 6 months), Copenhagen time. Shaded: red beyond the alert limits, yellow between warning and alert limits, green the INR target range.": "Seneste %(days)s dage (INR: 6 måneder), dansk tid. Skravering: rød uden for alarmgrænserne, gul mellem advarsels- og alarmgrænser, grøn INR-terapiområdet.",
    "Latest INR": "Seneste INR",
    "Main": "Hovedmenu",
    "Managed": "Styring",
    "Measurement": "Måling",
    "Next test": "Næste måling",
    "No readings:": "Ingen målinger:",
    "Nomogram": "Nomogram",
    "None.": "Ingen.",
    "Not enrolled in any programme.": "Ikke tilknyttet noget forløb.",
    "Note (optional)": "Note (valgfri)",
    "Notes and decisions": "Noter og beslutninger",
    "Nothing yet.": "Intet endnu.",
    "Open alerts": "Åbne alarmer",
    "Password": "Adgangskode",
    "Patient": "Patient",
    "Peak flow": "Peak flow",
    "Programme": "Forløb",
    "Programmes": "Forløb",
    "Pulse": "Puls",
    "Raised": "Oprettet",
    "Readings behind it": "Målinger bag alarmen",
    "Resolution note": "Afslutningsnote",
    "Resolve": "Afslut",
    "Respiratory rate": "Respirationsfrekvens",
    "Review queue": "Arbejdsliste",
    "Rule": "Regel",
    "Save thresholds": "Gem grænseværdier",
    "Show the note to the patient": "Vis noten for patienten",
    "Sign in": "Log ind",
    "Sign out": "Log ud",
    "Skip to content": "Gå til indhold",
    "Some limits need fixing; see below.": "Nogle grænser skal rettes; se nedenfor.",
    "SpO2": "SpO2",
    "Status": "Status",
    "Suggested for INR %(inr)s (%(date)s)": "Forslag ved INR %(inr)s (%(date)s)",
    "Systolic BP": "Systolisk blodtryk",
    "Taken": "Målt",
    "Target range": "Terapiområde",
    "Temperature": "Temperatur",
    "Thresholds": "Grænseværdier",
    "Thresholds saved.": "Grænseværdierne er gemt.",
    "Time in range": "Tid i terapiområdet",
    "Timeline": "Forløb",
    "Trends": "Udvikling",
    "Username": "Brugernavn",
    "Value": "Værdi",
    "Weekly dose": "Ugedosis",
    "Weekly dose (mg)": "Ugedosis (mg)",
    "Weekly dose in force": "Gældende ugedosis",
    "Weekly dose set to %(dose)s mg.": "Ugedosis er sat til %(dose)s mg.",
    "Weight": "Vægt",
    "Write a note before resolving.": "Skriv en note før du afslutter.",
    "Wrong username or password.": "Forkert brugernavn eller adgangskode.",
    "accepted": "accepteret",
    "acknowledged": "kvitteret",
    "alert high": "alarm høj",
    "alert low": "alarm lav",
    "anticoagulation": "AK-behandling",
    "blue": "blå",
    "born %(date)s": "født %(date)s",
    "by the clinic": "af klinikken",
    "care team": "behandlerteam",
    "confirmed": "bekræftet",
    "copd": "KOL",
    "device": "apparat",
    "escalated": "eskaleret",
    "no change": "ingen ændring",
    "none yet": "ingen endnu",
    "not enough data": "for få data",
    "not planned": "ikke planlagt",
    "nurse": "sygeplejerske",
    "open": "åben",
    "overridden": "ændret",
    "patient": "patient",
    "pending": "afventer",
    "raised": "oprettet",
    "readings_attached": "målinger tilføjet",
    "red": "rød",
    "relative": "pårørende",
    "reopened": "genåbnet",
    "resolved": "afsluttet",
    "seen": "set",
    "self-managing": "selvstyret",
    "severity_raised": "alvorlighed hævet",
    "shared with": "delt med",
    "superseded": "erstattet",
    "warning high": "advarsel høj",
    "warning low": "advarsel lav",
    "wound": "sår",
    "yellow": "gul",
}


def all_translations() -> dict[Message, Message]:
    """This table and every `scripts/translations_da_<part>.py` table, merged."""
    merged = dict(DA)
    for path in sorted(Path(__file__).parent.glob("translations_da_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for message, text in module.DA.items():
            if merged.get(message, text) != text:
                raise SystemExit(f"{path.name}: {message!r} is translated differently elsewhere")
            if isinstance(message, tuple) != isinstance(text, tuple):
                raise SystemExit(f"{path.name}: {message!r} needs one Danish form per form")
            merged[message] = text
    return merged


def main() -> None:
    import sys

    from babel.messages.pofile import read_po, write_po

    path = sys.argv[1]
    with open(path, "rb") as f:
        catalog = read_po(f, locale="da")
    missing = []
    translations = all_translations()
    for message in catalog:
        if not message.id:
            continue
        # A plural message's id is its (singular, plural) pair, its string one form per plural.
        key = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not any(message.string if isinstance(message.string, tuple) else [message.string]):
            missing.append(message.id)
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False)
    for text in missing:
        print(f"untranslated (shows in English): {text!r}")


if __name__ == "__main__":
    main()
