"""Reading upload Bundles into plain values (telemon.fhir.mapping): no database, no Flask."""

from __future__ import annotations

from typing import Any

import pytest

from telemon.copd.rules import Limits
from telemon.fhir.entries import Entry, References, entries_of
from telemon.fhir.interpretation import interpretation
from telemon.fhir.mapping import (
    device_spec,
    identity_key,
    observation_plan,
    patient_match,
)
from telemon.fhir.outcome import FhirError
from tests import fhir_bundles as fb


def _entries(bundle: dict[str, Any]) -> list[Entry]:
    return entries_of(bundle)


def test_a_patient_is_matched_by_cpr_identifier_or_if_none_exist() -> None:
    (entry,) = _entries({"entry": [fb.patient_entry("0101701234")]})
    assert patient_match(entry).cpr == "0101701234"
    entry.resource["identifier"] = []
    assert patient_match(entry).cpr == "0101701234"  # from ifNoneExist
    update = Entry(
        0,
        None,
        {"resourceType": "Patient"},
        "PUT",
        f"Patient?identifier={fb.CPR_SYSTEM}|0101701234",
        None,
    )
    assert patient_match(update).cpr == "0101701234"  # a conditional update
    bare = Entry(0, None, {"resourceType": "Patient"}, "POST", "Patient", None)
    with pytest.raises(FhirError) as refused:
        patient_match(bare)
    assert refused.value.issues[0].expression == "Bundle.entry[0].resource.identifier"


def test_references_resolve_by_full_url_relative_url_and_resource_id() -> None:
    bundle = fb.blood_pressure_bundle("0101701234")
    entries = _entries(bundle)
    refs = References(entries)
    panel = entries[4]
    assert refs.resolve("Patient/Poul", panel).entry == 0  # SUSHI-style: by resource id
    assert refs.resolve("Device/BPMonitor.C4F312FFFE000002", panel).entry == 2
    absolute = Entry(9, "http://example.org/Observation/x", {}, "POST", "Observation", None)
    entries.append(
        Entry(
            10,
            "http://example.org/Patient/p1",
            {"resourceType": "Patient"},
            "POST",
            "Patient",
            None,
        )
    )
    refs = References(entries)
    assert refs.resolve("Patient/p1", absolute).entry == 10  # against the referrer's base
    assert refs.resolve("Patient/12", panel).resource_type == "Patient"
    assert refs.resolve("Patient/12", panel).id == "12"
    assert refs.resolve("https://elsewhere.example/fhir/Patient/12", panel).entry is None
    assert refs.resolve("https://elsewhere.example/fhir/Patient/12", panel).id is None


def test_a_bp_panel_gives_systolic_and_diastolic_and_not_the_mean() -> None:
    entries = _entries(fb.blood_pressure_bundle("0101701234", systolic=140, diastolic=90))
    plan = observation_plan(entries[4])
    assert [(r.code, r.value) for r in plan.readings] == [
        ("systolic_bp", 140),
        ("diastolic_bp", 90),
    ]
    assert (
        plan.readings[1].value_path == "Bundle.entry[4].resource.component[1].valueQuantity.value"
    )
    assert plan.key and plan.key.startswith("identifier||C4F312FFFE000002")


def test_device_observations_are_accepted_but_neither_readings_nor_kept() -> None:
    entries = _entries(fb.blood_pressure_bundle("0101701234"))
    for index in (3, 6):  # battery level, measurement status bits
        plan = observation_plan(entries[index])
        assert plan.readings == [] and plan.kept is None
        assert plan.note and "housekeeping" in plan.note


def test_a_not_a_number_or_preliminary_reading_is_kept_with_its_reason() -> None:
    body = fb.pulse_oximeter_bundle("0101701234")
    spo2 = body["entry"][4]["resource"]
    spo2.pop("valueQuantity")
    spo2["dataAbsentReason"] = {"coding": [{"code": "not-a-number", "display": "NaN"}]}
    body["entry"][5]["resource"]["status"] = "preliminary"
    entries = _entries(body)
    absent = observation_plan(entries[4])
    assert absent.readings == [] and absent.kept is not None
    assert (absent.kept.code, absent.kept.reason, absent.kept.value) == ("spo2", "absent:NaN", None)
    preliminary = observation_plan(entries[5])
    assert preliminary.kept is not None and preliminary.kept.reason == "status:preliminary"
    assert preliminary.kept.value_text == "72 {beat}/min"


def test_a_measurement_telemon_does_not_monitor_is_kept_with_its_name() -> None:
    body = fb.scale_bundle("0101701234")
    weight = body["entry"][2]["resource"]
    weight["code"] = {"coding": [{"system": "urn:oid:1.2.208.184.100.8", "code": "MCS88016"}]}
    weight["valueQuantity"] = {"value": 3.1, "unit": "L", "system": fb.UCUM, "code": "L"}
    plan = observation_plan(_entries(body)[2])
    assert plan.kept is not None and plan.readings == []
    assert (plan.kept.label, plan.kept.value, plan.kept.unit, plan.kept.reason) == (
        "FVC",
        3.1,
        "L",
        None,
    )


def test_a_reading_without_offset_or_with_an_odd_unit_is_refused_naming_the_place() -> None:
    entries = _entries(fb.scale_bundle("0101701234"))
    weight = entries[2]
    weight.resource["valueQuantity"]["code"] = "mm[Hg]"
    with pytest.raises(FhirError) as odd_unit:
        observation_plan(weight)
    assert odd_unit.value.issues[0].expression == "Bundle.entry[2].resource.valueQuantity.code"
    weight.resource["valueQuantity"]["code"] = "kg"
    weight.resource["effectiveDateTime"] = "2026-11-20"
    with pytest.raises(FhirError) as no_time:
        observation_plan(weight)
    assert no_time.value.issues[0].expression == "Bundle.entry[2].resource.effective[x]"


def test_fut_effective_periods_are_read() -> None:
    entries = _entries(fb.spo2_fraction_bundle("0101701234"))
    reading = entries[1]
    reading.resource.pop("effectiveDateTime")
    reading.resource["effectivePeriod"] = {
        "start": "2024-01-29T20:26:34+00:00",
        "end": "2024-01-29T20:26:34+00:00",
    }
    assert observation_plan(reading).effective_at.isoformat() == "2024-01-29T20:26:34+00:00"


def test_the_identity_of_a_reading_comes_from_if_none_exist_identifier_or_put() -> None:
    def entry(
        resource: dict[str, Any],
        method: str = "POST",
        url: str = "Observation",
        if_none_exist: str | None = None,
    ) -> Entry:
        return Entry(
            0, None, {"resourceType": "Observation", **resource}, method, url, if_none_exist
        )

    ident = {"identifier": [{"system": "urn:x", "value": "abc"}]}
    assert identity_key(entry(ident)) == "identifier|urn:x|abc"
    assert identity_key(entry(ident, if_none_exist="identifier=abc")) == "identifier|urn:x|abc"
    assert identity_key(entry({}, if_none_exist="identifier=urn:x|abc")) == "identifier|urn:x|abc"
    assert identity_key(entry({}, "PUT", "Observation/o-1")) == "put|Observation/o-1"
    conditional = entry({}, "PUT", "Observation?identifier=urn:x|abc")
    assert identity_key(conditional) == "identifier|urn:x|abc"
    plus = entry({}, if_none_exist="identifier=urn:x|2026-11-20T08:00+01:00")
    assert identity_key(plus) == "identifier|urn:x|2026-11-20T08:00+01:00"
    assert identity_key(entry({})) is None


def test_a_device_needs_an_identifier() -> None:
    (entry,) = _entries({"entry": [fb.device_entry("00-11", "Maker", "M1", "Oxim")]})
    spec = device_spec(entry)
    assert (spec.identifier_system, spec.identifier_value) == (fb.EUI64, "00-11")
    assert spec.label == "Maker M1"
    entry.resource["identifier"] = []
    bare = Entry(0, None, entry.resource, "POST", "Device", None)
    with pytest.raises(FhirError):
        device_spec(bare)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(85, "LL"), (91, "L"), (90, "L"), (96, "N"), (100, "N")],
)
def test_interpretation_follows_the_patients_limits(value: float, expected: str) -> None:
    assert interpretation(value, Limits(warning_low=92, alert_low=90)) == expected


def test_no_limits_no_interpretation() -> None:
    assert interpretation(96, None) is None
    assert interpretation(130, Limits(alert_high=120, warning_high=100)) == "HH"


def test_access_log_lines_do_not_carry_a_cpr_number() -> None:
    import logging

    from telemon.fhir.redaction import RedactIdentifiers

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s %s',
        (
            "127.0.0.1",
            "GET /fhir/Patient?identifier=urn:oid:1.2.208.176.1.2|0101701234&_count=5 HTTP/1.1",
            "200",
            "-",
        ),
        None,
    )
    RedactIdentifiers().filter(record)
    line = record.getMessage()
    assert "0101701234" not in line and "identifier=[redacted]&_count=5" in line
