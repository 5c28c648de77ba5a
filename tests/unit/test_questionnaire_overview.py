"""The overview table of measurements and questionnaire results, by hand."""

from __future__ import annotations

from datetime import date

from telemon.questionnaires.overview import Reading, Result, table

MON, TUE, WED = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)


def test_a_cell_is_the_days_last_value_coloured_by_its_worst() -> None:
    rows = table(
        [MON, TUE],
        [
            Reading(MON, "spo2", 88, "red"),
            Reading(MON, "spo2", 95, None),  # later that day: shown, but the day stays red
            Reading(TUE, "pulse", 70, None),
            Reading(WED, "spo2", 80, "red"),  # outside the days shown
        ],
        [Result(TUE, 7, "KOL", "yellow"), Result(TUE, 9, "KOL", "green")],
        ["spo2", "pulse"],
    )
    assert [(r.label, r.kind) for r in rows] == [
        ("spo2", "measurement"),
        ("pulse", "measurement"),
        ("KOL", "questionnaire"),
    ]
    spo2 = rows[0].cells[MON]
    assert (spo2.text, spo2.severity, spo2.count) == ("95", "red", 2)
    assert WED not in rows[0].cells
    kol = rows[2].cells[TUE]
    # The day's worst triage, opening the day's last response.
    assert (kol.severity, kol.response_id, kol.count) == ("yellow", 9, 2)
