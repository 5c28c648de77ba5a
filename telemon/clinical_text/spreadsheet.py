"""The measurement table as a spreadsheet opens it: CSV for Excel in the reader's language.

Danish Excel reads a CSV file with semicolons between the fields and decimal commas, and a
UTF-8 file only with a byte-order mark (which the caller, telemon.ingest.api.csv_response,
adds). So in Danish: `;` and `37,5`; in English (as in Britain): `,` and `37.5`. Column names
and values are words ("SpO2", "Sygeplejerske", "Hjemme"), never the stored codes; times are
Europe/Copenhagen wall-clock times, said so in the column's name, written as Excel reads a date
and time (`2026-11-20 09:30`). The machine-readable form (codes, RFC 3339 times with their own
offsets, `repr` numbers) is telemon.ingest.service's.

Plain values in, text out: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from babel.numbers import format_decimal

from telemon.clinical_text.language import (
    COPENHAGEN,
    N_,
    gettext,
    language_of,
    locale_of,
)
from telemon.clinical_text.measurements import measurement_name, unit_text


@dataclass(frozen=True)
class ExportRow:
    """One reading as the export writes it (the stored values, aware datetimes)."""

    effective_at: datetime
    code: str
    value: float
    value_qualifier: str | None
    performer: str | None
    device: str | None
    location: str | None
    received_at: datetime


COLUMNS = (
    N_("Measured (Europe/Copenhagen time)"),
    N_("Measurement"),
    N_("Value"),
    N_("Unit"),
    N_("Note"),
    N_("Measured by"),
    N_("Device"),
    N_("Place"),
    N_("Received (Europe/Copenhagen time)"),
)
PERFORMERS = {
    "patient": N_("The patient"),
    "nurse": N_("Nurse"),
    "relative": N_("Relative"),
    "device": N_("Device, automatically"),
}
LOCATIONS = {"home": N_("At home"), "nursing_home": N_("Nursing home")}
QUALIFIERS = {"<": N_("below the device's range"), ">": N_("above the device's range")}
# A cell a spreadsheet would run as a formula (CSV injection) is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def delimiter(language: str) -> str:
    """`;` where the decimal sign is a comma (Danish), else `,`."""
    return ";" if language_of(language) == "da" else ","


def spreadsheet_csv(rows: Iterable[ExportRow], language: str) -> str:
    """The rows as CSV text for a spreadsheet in `language` (no byte-order mark; lines end
    CRLF). An unknown performer, place or code is written as stored."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter(language), lineterminator="\r\n")
    writer.writerow([gettext(c, language) for c in COLUMNS])
    for row in rows:
        writer.writerow(
            [
                _local(row.effective_at),
                measurement_name(row.code, language),
                _number(row.value, language),
                unit_text(row.code),
                _word(QUALIFIERS, row.value_qualifier, language),
                _word(PERFORMERS, row.performer, language),
                _text(row.device or ""),
                _word(LOCATIONS, row.location, language),
                _local(row.received_at),
            ]
        )
    return buffer.getvalue()


def _local(moment: datetime) -> str:
    """Copenhagen wall-clock time to the minute: 2026-11-20 09:30."""
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")


def _number(value: float, language: str) -> str:
    """The value with the language's decimal sign and no digit grouping (1234,5): grouping
    would make a spreadsheet read it as text."""
    return format_decimal(value, format="0.######", locale=locale_of(language))


def _word(words: dict[str, str], code: str | None, language: str) -> str:
    if not code:
        return ""
    word = words.get(code)
    return gettext(word, language) if word is not None else code


def _text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text
