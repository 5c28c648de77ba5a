"""The measurement table for Excel (telemon.clinical_text.spreadsheet)."""

from __future__ import annotations

from datetime import UTC, datetime

from telemon.clinical_text.spreadsheet import ExportRow, spreadsheet_csv

# 08:30 UTC in November is 09:30 in Copenhagen (CET, UTC+1).
TAKEN = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
RECEIVED = datetime(2026, 11, 20, 8, 31, tzinfo=UTC)


def _row(**changed: object) -> ExportRow:
    values: dict[str, object] = {
        "effective_at": TAKEN,
        "code": "temperature",
        "value": 37.5,
        "value_qualifier": None,
        "performer": "nurse",
        "device": None,
        "location": "home",
        "received_at": RECEIVED,
    }
    values.update(changed)
    return ExportRow(**values)  # type: ignore[arg-type]


def test_danish_excel_semicolons_decimal_commas_words_and_copenhagen_time() -> None:
    text = spreadsheet_csv([_row()], "da")
    header, line, end = text.split("\r\n")
    assert header == (
        "Målt (Europe/Copenhagen-tid);Måling;Værdi;Enhed;Notat;Målt af;Apparat;Sted;"
        "Modtaget (Europe/Copenhagen-tid)"
    )
    assert line == "2026-11-20 09:30;Temperatur;37,5;°C;;Sygeplejerske;;Hjemme;2026-11-20 09:31"
    assert end == ""


def test_english_commas_and_decimal_points() -> None:
    line = spreadsheet_csv([_row(code="spo2", value=85.0, performer="patient")], "en")
    assert "2026-11-20 09:30,SpO2,85,%,,The patient,,At home," in line


def test_a_qualified_inr_and_a_device_that_looks_like_a_formula() -> None:
    row = _row(code="inr", value=8.0, value_qualifier=">", device="=HYPERLINK(1)")
    line = spreadsheet_csv([row], "da").split("\r\n")[1]
    assert ";INR;8;;over apparatets måleområde;" in line
    assert ";'=HYPERLINK(1);" in line  # text, not a formula
