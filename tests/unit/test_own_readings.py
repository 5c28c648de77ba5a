"""What a patient reads about each reading (telemon.patients.own_view.reading_status), and how
the reading forms read what people type (telemon.web.components.reading_form)."""

from __future__ import annotations

from datetime import UTC, datetime

from telemon.patients.own_view import AlertSight, reading_status
from telemon.web.components.reading_form import client_id, number

SEEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_a_reading_nothing_was_raised_for() -> None:
    assert reading_status(True, []) == ("no_deviation", None)
    assert reading_status(False, []) == ("checking", None)


def test_a_reading_without_limits_is_received_not_within_limits() -> None:
    # Weight has no limits by default: "within your limits" would claim a check never made.
    assert reading_status(True, [], has_limits=False) == ("received", None)
    assert reading_status(False, [], has_limits=False) == ("checking", None)


def test_a_reading_behind_an_alert_is_seen_when_the_team_opened_it() -> None:
    assert reading_status(True, [AlertSight(None, "open")]) == ("waiting", None)
    assert reading_status(True, [AlertSight(SEEN, "open")]) == ("seen", SEEN)
    # Acknowledged or resolved without a recorded look (bulk acknowledgement): seen all the same.
    assert reading_status(True, [AlertSight(None, "acknowledged")]) == ("seen", None)
    assert reading_status(True, [AlertSight(None, "open"), AlertSight(SEEN, "open")]) == (
        "seen",
        SEEN,
    )


def test_numbers_as_people_type_them() -> None:
    assert number("85") == 85.0
    assert number(" 37,5 ") == 37.5
    assert number("") == "" and number(None) == ""
    assert number("abc") == "abc"
    assert number("nan") == "nan" and number("inf") == "inf"  # not a reading


def test_a_form_key_gives_each_measurement_its_own_stable_client_id() -> None:
    key = "0b7e8c2e-9c1f-4a55-8f0e-1d2c3b4a5f60"
    assert client_id(key, "spo2") == client_id(key, "spo2")
    assert client_id(key, "spo2") != client_id(key, "pulse")
    assert client_id(key, "spo2") != client_id("1b7e8c2e-9c1f-4a55-8f0e-1d2c3b4a5f60", "spo2")
