import pytest

from telemon.ingest.codes import (
    CODES,
    INTEROP,
    LOINC,
    MCS,
    MDC,
    NPU,
    code_for_coding,
    codings_for,
    is_bp_panel,
    loinc_for,
    plausibility_problem,
    to_telemon_unit,
)


def test_loinc_codes_from_the_brief() -> None:
    assert CODES["spo2"].loinc == "59408-5"
    assert CODES["inr"].loinc == "34714-6"
    assert loinc_for("peak_flow", None) == "33452-4"
    assert loinc_for("peak_flow", "Mini-Wright peak flow meter") == "19935-6"


@pytest.mark.parametrize(
    ("code", "value", "ok"),
    [
        ("spo2", 100, True),
        ("spo2", 100.5, False),
        ("spo2", 50, True),
        ("spo2", 49.9, False),
        ("temperature", 45, True),
        ("temperature", 4.5, False),  # a misplaced decimal point, not hypothermia
        ("cat_score", 12, True),
        ("cat_score", 12.5, False),
        ("cat_score", 41, False),
    ],
)
def test_plausible_ranges(code: str, value: float, ok: bool) -> None:
    assert (plausibility_problem(code, value, None) is None) is ok


def test_device_above_range_is_representable_for_inr_only() -> None:
    assert plausibility_problem("inr", 8.0, ">") is None
    assert plausibility_problem("inr", 0.8, "<") is None
    assert plausibility_problem("inr", 7.5, ">") is not None
    assert plausibility_problem("spo2", 100, ">") is not None


# ---- interoperability: one table for reading and writing FHIR -------------------------------


@pytest.mark.parametrize(
    ("system", "code", "telemon"),
    [
        (MDC, "150456", "spo2"),
        (LOINC, "2708-6", "spo2"),
        (LOINC, "59408-5", "spo2"),
        (NPU, "NPU03011", "spo2"),
        ("http://npu-terminology.org", "NPU03011", "spo2"),  # DK Core's spelling of NPU
        (MDC, "149530", "pulse"),
        (MDC, "149546", "pulse"),
        (NPU, "NPU21692", "pulse"),
        (MDC, "188736", "weight"),
        (NPU, "NPU03804", "weight"),
        (MDC, "150364", "temperature"),
        (MDC, "151562", "respiratory_rate"),
        (MDC, "152586", "fev1"),
        (MCS, "MCS88015", "fev1"),
        (MDC, "152584", "peak_flow"),
        (LOINC, "19935-6", "peak_flow"),
        (MCS, "MCS88102", "peak_flow"),
        ("https://www.medcom.dk", "MCS88019", "systolic_bp"),  # DK Core's spelling of MCS
        (MDC, "150022", "diastolic_bp"),
        (MCS, "MCS88137", "cat_score"),
        (NPU, "NPU01685", "inr"),
        (NPU, "DNK05472", "systolic_bp"),  # FUT: blood pressure on the arm
        (NPU, "DNK05473", "diastolic_bp"),
        ("http://npu-terminology.org", "NPU08676", "temperature"),
        (MCS, "MCS88016", None),  # FVC: kept, not monitored
        (MDC, "67996", None),  # battery level: not monitored
        (MDC, "67975", None),  # coincident time stamp
        (MDC, "150023", None),  # mean blood pressure
        (LOINC, "6301-6", None),  # INR of a lab's plasma test is another test
        ("http://example.org/other", "150456", None),
    ],
)
def test_codings_map_to_telemon_codes(system: str, code: str, telemon: str | None) -> None:
    assert code_for_coding(system, code) == telemon


def test_the_blood_pressure_panel_is_recognised_by_loinc_or_mdc() -> None:
    assert is_bp_panel(LOINC, "85354-9") and is_bp_panel(MDC, "150020")
    assert not is_bp_panel(LOINC, "8480-6")


@pytest.mark.parametrize(
    ("code", "value", "unit", "expected"),
    [
        ("spo2", 97, "%", 97),
        ("spo2", 0.97, "1", 97.0),
        ("spo2", 0.97, None, 97.0),  # DK Core: a fraction without a unit
        ("spo2", 96, None, 96),
        ("weight", 74000, "g", 74.0),
        ("weight", 165, "[lb_av]", 74.842741),
        ("pulse", 93, "{beat}/min", 93),
        ("respiratory_rate", 18, "{Breaths}/min", 18),
        ("peak_flow", 5, "L/s", 300.0),
        ("fev1", 2100, "mL", 2.1),
        ("systolic_bp", 16, "kPa", 120.009852),
        ("temperature", 98.6, "[degF]", 37.0),
        ("cat_score", 12, "{score}", 12),
        ("inr", 2.5, "1", 2.5),  # NPU01685 is written with unit 1
        ("weight", 74, "mm[Hg]", None),
        ("spo2", 97, "/min", None),
    ],
)
def test_units_are_converted_to_telemons(
    code: str, value: float, unit: str | None, expected: float | None
) -> None:
    assert to_telemon_unit(code, value, unit) == expected


def test_every_code_has_a_row_and_writes_loinc_npu_and_mcs_where_they_exist() -> None:
    assert set(INTEROP) == set(CODES)
    assert codings_for("spo2", "59408-5") == [(LOINC, "59408-5"), (NPU, "NPU03011")]
    assert codings_for("peak_flow", "19935-6") == [(LOINC, "19935-6"), (MCS, "MCS88102")]
    assert codings_for("cat_score", None) == [(MCS, "MCS88137")]
    # Written codes are read back as the same code.
    for code, spec in CODES.items():
        for system, value in codings_for(code, spec.loinc):
            assert code_for_coding(system, value) == code


def test_device_housekeeping_is_told_from_measurements() -> None:
    from telemon.ingest.codes import is_housekeeping, other_label

    assert is_housekeeping(MDC, "67996") and is_housekeeping(MDC, "67975")
    assert is_housekeeping(MDC, "8410608") and is_housekeeping(MDC, "68220")
    assert not is_housekeeping(MDC, "150456") and not is_housekeeping(LOINC, "67996")
    assert other_label("https://www.medcom.dk", "MCS88194") == "Steps"
    assert other_label(MCS, "MCS88015") is None  # FEV1 is a telemon measurement
