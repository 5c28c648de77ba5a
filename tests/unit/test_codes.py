import pytest

from telemon.ingest.codes import CODES, loinc_for, plausibility_problem


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
