"""Clinical text in the reader's language: no Flask, no database, the compiled catalog only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from telemon import clinical_text as ct
from telemon.ingest.codes import CODES

NBSP = "\u00a0"


def plain(text: str) -> str:
    """Non-breaking spaces (between a number and its unit) read as spaces here."""
    return text.replace(NBSP, " ")


def test_every_measurement_has_a_danish_name_as_clinicians_write_it() -> None:
    danish = {code: ct.measurement_name(code, "da") for code in CODES}
    assert danish == {
        "spo2": "SpO2",
        "pulse": "Puls",
        "fev1": "FEV1",
        "peak_flow": "Peak flow",
        "weight": "Vægt",
        "systolic_bp": "Systolisk blodtryk",
        "diastolic_bp": "Diastolisk blodtryk",
        "temperature": "Temperatur",
        "respiratory_rate": "Respirationsfrekvens",
        "cat_score": "CAT-score",
        "inr": "INR",
    }
    # Every name in the code table is marked for the catalog.
    assert {spec.label for spec in CODES.values()} == set(ct.measurements.NAMES)


@pytest.mark.parametrize(
    ("code", "value", "danish", "english"),
    [
        ("spo2", 85, "85 %", "85 %"),
        ("pulse", 105, "105/min", "105/min"),
        ("temperature", 37.5, "37,5 °C", "37.5 °C"),
        ("systolic_bp", 165, "165 mmHg", "165 mmHg"),
        ("weight", 82.4, "82,4 kg", "82.4 kg"),
        ("fev1", 1.25, "1,25 L", "1.25 L"),
        ("cat_score", 25, "25", "25"),
        ("inr", 4.2, "4,2", "4.2"),
    ],
)
def test_values_carry_the_unit_as_written_on_screen(
    code: str, value: float, danish: str, english: str
) -> None:
    assert plain(ct.amount_text(code, value, "da")) == danish
    assert plain(ct.amount_text(code, value, "en")) == english
    for leak in ("{INR}", "{score}", "mm[Hg]", "Cel"):
        assert leak not in ct.amount_text(code, value, "da")


def test_an_out_of_range_inr_keeps_its_qualifier() -> None:
    assert ct.value_text("inr", 8.0, "da", ">") == "INR >8"


def test_numbers_and_dates_as_each_language_writes_them() -> None:
    assert ct.number(4.25, "da") == "4,25" and ct.number(4.25, "en") == "4.25"
    assert ct.number(35.0, "da") == "35" and ct.number(2.0, "da", 1) == "2,0"
    assert plain(ct.percent(45, "da")) == "45 %" and ct.percent(45, "en") == "45%"
    assert ct.date_text(date(2026, 3, 12), "da") == "12.03.2026"
    assert ct.date_text(date(2026, 3, 12), "en") == "12/03/2026"
    # Shown in Copenhagen: 23:30 UTC on 12 March is 00:30 on the 13th (winter time).
    late = datetime(2026, 3, 12, 23, 30, tzinfo=UTC)
    assert ct.datetime_text(late, "da") == "13.03.2026 00.30"
    assert ct.datetime_text(late, "en") == "13/03/2026, 00:30"
    assert ct.day_month(late, "da") == "13.3" and ct.day_month(late, "en") == "13/03"


def test_plural_forms_in_both_languages() -> None:
    assert ct.days_text(1, "da") == "1 dag" and ct.days_text(3, "da") == "3 dage"
    assert ct.days_text(1, "en") == "1 day" and ct.days_text(3, "en") == "3 days"
    assert ct.event_text("readings_attached", "da", params={"count": 1}) == "1 måling tilføjet"
    assert ct.event_text("readings_attached", "da", params={"count": 2}) == "2 målinger tilføjet"
    assert ct.event_text("readings_attached", "en", params={"count": 2}) == ("2 readings attached")


def test_an_unknown_language_reads_danish() -> None:
    assert ct.measurement_name("pulse", "fr") == "Puls"


REASONS = [
    (
        "threshold.below_alert_limit",
        {"code": "spo2", "value": 85, "limit": 90},
        "SpO2 85 % er under alarmgrænsen 90 %",
        "SpO2 85 % is below the alert limit 90 %",
    ),
    (
        "threshold.above_warning_limit",
        {"code": "temperature", "value": 37.5, "limit": 37},
        "Temperatur 37,5 °C er over advarselsgrænsen 37 °C",
        "Temperature 37.5 °C is above the warning limit 37 °C",
    ),
    (
        "spo2.drop_from_baseline",
        {"code": "spo2", "value": 85, "drop": 10, "median": 95, "days": 14},
        "SpO2 85 % er 10 procentpoint under patientens median for de seneste 14 dage (95 %)",
        "SpO2 85 % is 10 percentage points below the patient's median of the last 14 days (95 %)",
    ),
    (
        "weight.gain",
        {"code": "weight", "value": 64.1, "gain": 2, "days": 3},
        "Vægt 64,1 kg er steget 2 kg inden for 3 dage",
        "Weight 64.1 kg is up 2 kg within 3 days",
    ),
    (
        "cat_score.rise",
        {"code": "cat_score", "value": 25, "rise": 3, "median": 22},
        "CAT-score 25 er 3 point over patientens udgangsniveau 22",
        "CAT score 25 is 3 points above the patient's baseline 22",
    ),
    (
        "inr.above_target_range",
        {"value": 8.0, "qualifier": ">", "target_low": 2.0, "target_high": 3.0},
        "INR >8 er over terapiområdet 2,0–3,0",
        "INR >8 is above the target range 2.0–3.0",
    ),
    (
        "inr.below_target_range",
        {"value": 1.9, "qualifier": None, "target_low": 2.0, "target_high": 3.0},
        "INR 1,9 er under terapiområdet 2,0–3,0",
        "INR 1.9 is below the target range 2.0–3.0",
    ),
    (
        "inr.poor_control",
        {"ttr_percent": 44.2, "window_days": 182, "limit_percent": 60},
        "Tid i terapiområdet 44 % de seneste 182 dage er under 60 %",
        "Time in therapeutic range 44% over the last 182 days is below 60%",
    ),
    (
        "inr.missed_test",
        {"due_on": "2026-11-20"},
        "Ingen INR modtaget senest på den planlagte prøvedato 20.11.2026",
        "No INR received by the planned test date 20/11/2026",
    ),
    (
        "missing_measurement",
        {"codes": ["spo2", "pulse"], "day": "2026-11-20"},
        "Ingen måling af SpO2 og Puls modtaget for 20.11.2026",
        "No measurement of SpO2 and Pulse received for 20/11/2026",
    ),
    (
        "wound.infection",
        {"body_site": "left heel", "signs": ["erythema", "fever"]},
        "Tegn på infektion meldt (left heel): rødme og feber",
        "Signs of infection reported (left heel): erythema and fever",
    ),
    (
        "questionnaire.answer",
        {
            "question": "Mere åndenød end vanligt?",
            "question_translations": {"en": "More breathless than usual?"},
            "answer": True,
            "skipped": False,
        },
        "Mere åndenød end vanligt? – ja",
        "More breathless than usual? – yes",
    ),
    (
        "missing_questionnaire",
        {"title": "KOL daglig", "day": "2025-01-07"},
        "KOL daglig ikke besvaret siden 07.01.2025",
        "KOL daglig not answered since 07/01/2025",
    ),
]


@pytest.mark.parametrize(("code", "params", "danish", "english"), REASONS)
def test_reasons_are_sentences_in_the_readers_language(
    code: str, params: dict, danish: str, english: str
) -> None:
    assert plain(ct.reason_text(code, params, "da")) == danish
    assert plain(ct.reason_text(code, params, "en")) == english


def test_every_reason_code_renders_in_both_languages_without_english_leaking() -> None:
    examples = {code: params for code, params, _, _ in REASONS}
    examples |= {
        "threshold.above_alert_limit": {"code": "pulse", "value": 130, "limit": 120},
        "threshold.below_warning_limit": {"code": "diastolic_bp", "value": 58, "limit": 60},
        "wound.not_healing": {
            "body_site": "left medial malleolus",
            "wound_type": "venous_leg_ulcer",
            "reduction_percent": 20.8,
            "days": 30,
            "expected_percent": 40,
            "after_days": 28,
        },
        "text": {"text": "kept as written"},
    }
    assert set(examples) == set(ct.REASON_CODES)
    for code, params in examples.items():
        danish = ct.reason_text(code, params, "da")
        for english_word in (" is ", "points", "reading", "{INR}", "threshold.", " days"):
            assert english_word not in danish, (code, danish)


@pytest.mark.parametrize(
    ("percent", "hold", "contact", "danish", "english"),
    [
        (-10, 1, False, "pausér én dosis, reducér derefter 10 %", "hold one dose, then reduce 10%"),
        (15, 0, False, "øg ugedosis med 15 %", "increase weekly dose by 15%"),
        (-10, 0, False, "reducér ugedosis med 10 %", "reduce weekly dose by 10%"),
        (0, 1, True, "pausér og kontakt klinikken i dag", "hold and contact the clinic today"),
        (0, 0, False, "ingen ændring", "no change"),
        (0, 2, False, "pausér 2 doser", "hold 2 doses"),
    ],
)
def test_the_dose_action_is_written_from_the_numbers(
    percent: float, hold: int, contact: bool, danish: str, english: str
) -> None:
    assert plain(ct.dose_action(percent, hold, contact, "da")) == danish
    assert ct.dose_action(percent, hold, contact, "en") == english


def test_dose_notes_and_weekly_doses() -> None:
    assert ct.weekly_dose_text(31.25, "da") == "31,25 mg/uge"
    note = ct.dose_note("at_minimum", {"dose_mg": 7.5}, "da")
    assert note == "dosis er allerede på minimum (7,5 mg/uge); kan ikke reduceres yderligere"
    assert "laboratorie" in ct.dose_note("above_measuring_range", {"inr": 8.0}, "da")
    stable = ct.dose_note("stable_patient", {"tests_in_range": 3, "tolerance_inr": 0.5}, "da")
    assert "3 målinger" in stable and "0,5" in stable


def test_timeline_entries_name_who() -> None:
    assert ct.event_text("acknowledged", "da", who="dr-hansen") == "kvitteret af dr-hansen"
    assert ct.event_text("raised", "da", severity="red") == "oprettet (rød)"
    decided = ct.event_text(
        "resolved",
        "da",
        who="ak-nurse",
        params={"because": "dose_decided", "decision": "confirmed", "weekly_dose_mg": 31.25},
    )
    assert decided == "afsluttet af ak-nurse: ugedosis bekræftet, 31,25 mg/uge"
    assert ct.event_text("resolved", "en", params={"because": "measurement_received"}) == (
        "resolved by telemon: the measurement arrived"
    )
    assert ct.event_text("escalated", "da", params={"minutes": 30}) == (
        "eskaleret: ikke kvitteret inden for 30 minutter"
    )


def test_limit_problems_in_the_readers_language() -> None:
    text = ct.limits_out_of_order_text("spo2", "warning_low", 88, "alert_low", 90, "da")
    assert plain(text) == "advarsel lav (88 %) skal være over alarm lav (90 %)."
    assert ct.not_a_number_text("alert_low", "da") == "alarm lav: ikke et tal"
