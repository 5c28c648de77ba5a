"""The Danish translations of telemon's UI, kept as code so a reviewer reads them in one place.

Run `make translations` after changing UI text: it extracts the messages, merges them into the
Danish catalog and fills in what is listed here. Untranslated text shows in English.
"""

DA = {
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
    "Diastolic BP": "Diastolisk BT",
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
    "Systolic BP": "Systolisk BT",
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


def main() -> None:
    import sys

    from babel.messages.pofile import read_po, write_po

    path = sys.argv[1]
    with open(path, "rb") as f:
        catalog = read_po(f, locale="da")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in DA:
            message.string = DA[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False)
    for text in missing:
        print(f"untranslated (shows in English): {text!r}")


if __name__ == "__main__":
    main()
