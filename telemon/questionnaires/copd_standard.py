"""telemon's own COPD questionnaire: the daily session, written for telemon in Danish (its
authors' language) with English for the English pages. Plain data.

The measurements (SpO2 with pulse; weight and blood pressure when the patient has the devices),
the usual questions about a worsening (breathlessness, cough, sputum amount and colour, fever,
antibiotics or prednisolone started), advice on screen by answer, and the COPD Assessment Test
(CAT) as eight items scored 0-5 whose total is stored as the `cat_score` reading, so that the
CAT rule (+2 above the patient's own median) keeps working.

Triage, as a lung clinic would set it: more breathless, more cough, more sputum, yellow sputum,
fever, a new course of antibiotics or prednisolone: yellow (look at it today); breathless at
rest, green or bloody sputum: red (act now); SpO2 not measured: yellow. The readings themselves
are judged against the patient's own limits, as every reading is.
"""

from __future__ import annotations

from typing import Any

from telemon.questionnaires.definition import Definition, EnableWhen, Item, Option, Total

URL = "urn:telemon:questionnaire:copd-daily"
VERSION = "1"


def _q(link_id: str, da: str, en: str, **kwargs: Any) -> Item:
    return Item(link_id=link_id, text=da, translations={"en": en}, **kwargs)


def _yes(link_id: str) -> tuple[EnableWhen, ...]:
    return (EnableWhen(link_id, "=", True),)


_CAT = (
    (
        "cat_cough",
        "Hoste: 0 = jeg hoster aldrig, 5 = jeg hoster hele tiden",
        "Cough: 0 = I never cough, 5 = I cough all the time",
    ),
    (
        "cat_phlegm",
        "Slim: 0 = ingen slim i brystet, 5 = brystet er helt fyldt af slim",
        "Phlegm: 0 = no phlegm in my chest, 5 = my chest is full of phlegm",
    ),
    (
        "cat_tightness",
        "Trykken for brystet: 0 = slet ikke, 5 = meget stærk",
        "Chest tightness: 0 = none at all, 5 = very strong",
    ),
    (
        "cat_stairs",
        "Forpustet på en trappe eller bakke: 0 = slet ikke, 5 = meget",
        "Breathless on stairs or a hill: 0 = not at all, 5 = very",
    ),
    (
        "cat_home",
        "Begrænset i det, jeg gør derhjemme: 0 = slet ikke, 5 = meget",
        "Limited in what I do at home: 0 = not at all, 5 = very",
    ),
    (
        "cat_confidence",
        "Tryg ved at gå hjemmefra: 0 = helt tryg, 5 = slet ikke tryg",
        "Confident leaving home: 0 = fully confident, 5 = not at all",
    ),
    (
        "cat_sleep",
        "Søvn: 0 = jeg sover godt, 5 = jeg sover dårligt på grund af lungerne",
        "Sleep: 0 = I sleep well, 5 = I sleep badly because of my lungs",
    ),
    (
        "cat_energy",
        "Energi: 0 = masser af energi, 5 = ingen energi",
        "Energy: 0 = lots of energy, 5 = no energy at all",
    ),
)


def definition() -> Definition:
    """The shipped questionnaire, version VERSION (a changed text is a new version)."""
    items = (
        _q(
            "intro",
            "Godmorgen. Vi starter med dine målinger.",
            "Good morning. We start with your measurements.",
            type="display",
        ),
        _q(
            "spo2",
            "Sæt iltmåleren på fingeren, hvil et minut, og skriv iltmætning og puls.",
            "Put the oximeter on your finger, rest for a minute, and enter oxygen saturation "
            "and pulse.",
            type="measurement",
            measurement="spo2_pulse",
            skipped_triage="yellow",
        ),
        _q(
            "spo2_skipped",
            "Prøv igen senere i dag. Kan du ikke måle, så ring til lungeklinikken.",
            "Try again later today. If you cannot measure, call the lung clinic.",
            type="display",
            enable_when=(EnableWhen("spo2", "exists", False),),
        ),
        _q(
            "weight",
            "Vej dig (uden sko), hvis du har en vægt.",
            "Weigh yourself (without shoes) if you have scales.",
            type="measurement",
            measurement="weight",
        ),
        _q(
            "blood_pressure",
            "Mål dit blodtryk, hvis du har en blodtryksmåler.",
            "Measure your blood pressure if you have a monitor.",
            type="measurement",
            measurement="blood_pressure",
        ),
        _q(
            "breathless",
            "Er du mere forpustet end du plejer?",
            "Are you more breathless than usual?",
            type="boolean",
            required=True,
            triage={"true": "yellow", "false": "green"},
        ),
        _q(
            "breathless_at_rest",
            "Er du forpustet, også når du sidder stille?",
            "Are you breathless even when you sit still?",
            type="boolean",
            required=True,
            enable_when=_yes("breathless"),
            triage={"true": "red", "false": "green"},
        ),
        _q(
            "breathless_advice",
            "Brug dine vejrtrækningsteknikker og din PEP-fløjte, og tag din anfaldsmedicin "
            "som aftalt.",
            "Use your breathing techniques and your PEP device, and take your reliever "
            "medicine as agreed.",
            type="display",
            enable_when=_yes("breathless"),
        ),
        _q(
            "cough",
            "Hoster du mere end du plejer?",
            "Are you coughing more than usual?",
            type="boolean",
            required=True,
            triage={"true": "yellow", "false": "green"},
        ),
        _q(
            "sputum",
            "Hoster du mere slim op end du plejer?",
            "Are you coughing up more phlegm than usual?",
            type="boolean",
            required=True,
            triage={"true": "yellow", "false": "green"},
        ),
        _q(
            "sputum_colour",
            "Hvilken farve har slimen?",
            "What colour is the phlegm?",
            type="choice",
            required=True,
            enable_when=_yes("sputum"),
            options=(
                Option("clear", "Klar eller hvid", {"en": "Clear or white"}),
                Option("yellow", "Gul", {"en": "Yellow"}),
                Option("green", "Grøn", {"en": "Green"}),
                Option("blood", "Med blod", {"en": "With blood"}),
            ),
            triage={"clear": "green", "yellow": "yellow", "green": "red", "blood": "red"},
        ),
        _q(
            "sputum_advice",
            "Start din egenbehandlingsplan, hvis du har en, og kontakt lungeklinikken eller "
            "din egen læge i dag.",
            "Start your self-treatment plan if you have one, and contact the lung clinic or "
            "your own doctor today.",
            type="display",
            enable_behavior="any",
            enable_when=(
                EnableWhen("sputum_colour", "=", "green"),
                EnableWhen("sputum_colour", "=", "blood"),
            ),
        ),
        _q(
            "fever",
            "Har du feber (over 38 °C)?",
            "Do you have a fever (above 38 °C)?",
            type="boolean",
            required=True,
            triage={"true": "yellow", "false": "green"},
        ),
        _q(
            "temperature",
            "Mål din temperatur, hvis du kan.",
            "Take your temperature if you can.",
            type="measurement",
            measurement="temperature",
            enable_when=_yes("fever"),
        ),
        _q(
            "new_treatment",
            "Er du begyndt på antibiotika eller prednisolon siden sidst?",
            "Have you started antibiotics or prednisolone since last time?",
            type="choice",
            required=True,
            options=(
                Option("none", "Nej", {"en": "No"}),
                Option("antibiotics", "Antibiotika", {"en": "Antibiotics"}),
                Option("prednisolone", "Prednisolon", {"en": "Prednisolone"}),
                Option("both", "Begge", {"en": "Both"}),
            ),
            triage={
                "none": "green",
                "antibiotics": "yellow",
                "prednisolone": "yellow",
                "both": "yellow",
            },
        ),
        _q(
            "cat_intro",
            "Til sidst otte spørgsmål om, hvordan lungerne påvirker dit liv lige nu (CAT). "
            "Svar med et tal fra 0 til 5.",
            "Finally, eight questions on how your lungs affect your life just now (CAT). "
            "Answer with a number from 0 to 5.",
            type="display",
        ),
        *(
            _q(link_id, da, en, type="integer", required=True, min_value=0, max_value=5)
            for link_id, da, en in _CAT
        ),
        _q(
            "thanks",
            "Tak. Dine svar sendes til lungeklinikken.",
            "Thank you. Your answers go to the lung clinic.",
            type="display",
        ),
    )
    return Definition(
        url=URL,
        version=VERSION,
        name="telemon_copd_daily",
        title="KOL: daglig måling og spørgsmål",
        title_translations={"en": "COPD: daily measurements and questions"},
        items=items,
        totals=(Total("cat_score", tuple(link_id for link_id, _, _ in _CAT)),),
    )
