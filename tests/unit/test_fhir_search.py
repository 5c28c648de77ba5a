"""FHIR search parameters read into plain values (telemon.fhir.search): no database, no Flask."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from telemon.fhir import search
from telemon.fhir.outcome import FhirError

CPH = ZoneInfo("Europe/Copenhagen")


def test_codes_in_any_system_the_table_knows_and_the_wound_panel() -> None:
    assert search.codes([]) == (None, False)
    assert search.codes([("code", "http://loinc.org|59408-5")]) == ({"spo2"}, False)
    assert search.codes([("code", "NPU03011,urn:iso:std:iso:11073:10101|188736")]) == (
        {"spo2", "weight"},
        False,
    )
    assert search.codes([("code", "http://loinc.org|72287-6")]) == (set(), True)
    assert search.codes([("code", "http://example.org|x")]) == (set(), False)


def test_a_date_alone_is_a_copenhagen_day_and_prefixes_narrow_the_range() -> None:
    since, until = search.dates([("date", "2026-11-20")])
    assert since == datetime(2026, 11, 20, tzinfo=CPH)
    assert until == datetime(2026, 11, 21, tzinfo=CPH)
    since, until = search.dates([("date", "ge2026-11-01"), ("date", "lt2026-12-01")])
    assert (since, until) == (
        datetime(2026, 11, 1, tzinfo=CPH),
        datetime(2026, 12, 1, tzinfo=CPH),
    )
    since, _ = search.dates([("date", "gt2026-11-20T08:00:00Z")])
    assert since is not None and since > datetime(2026, 11, 20, 8, tzinfo=UTC)
    _, until = search.dates([("date", "le2026-11-20")])
    assert until == datetime(2026, 11, 21, tzinfo=CPH)


@pytest.mark.parametrize(
    "params",
    [
        [("date", "ne2026-11-20")],
        [("date", "2026-11-20T08:00:00")],  # a time without an offset
        [("date", "yesterday")],
        [("_count", "-1")],
        [("_count", "501")],
        [("_count", "ten")],
    ],
)
def test_bad_parameters_are_400s(params: list[tuple[str, str]]) -> None:
    with pytest.raises(FhirError) as refused:
        search.dates(params)
        search.count(params)
    assert refused.value.status == 400


def test_count_defaults_and_the_last_repeat_wins() -> None:
    assert search.count([]) == search.DEFAULT_COUNT
    assert search.one([("status", "active"), ("status", "inactive")], "status") == "inactive"
