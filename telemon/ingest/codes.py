"""The measurement codes telemon accepts, with their LOINC code, UCUM unit and plausible range.

A value outside the plausible range is something no home device shows (a typing or transfer
error), so it is refused at the door (422) rather than raised as an alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MeasurementCode:
    code: str
    loinc: str | None  # None where we have no verified LOINC code; the local code stands
    unit: str  # UCUM
    plausible_min: float
    plausible_max: float
    programme: str
    label: str
    integer: bool = False
    # Devices that report "above/below measuring range" (e.g. INR coagulometers) may send a
    # qualifier "<" or ">" with the range limit as the value.
    qualifiable: bool = False


CODES: dict[str, MeasurementCode] = {
    c.code: c
    for c in (
        MeasurementCode("spo2", "59408-5", "%", 50, 100, "copd", "SpO2"),
        MeasurementCode("pulse", "8867-4", "/min", 20, 250, "copd", "Pulse"),
        MeasurementCode("fev1", "20150-9", "L", 0.1, 8, "copd", "FEV1"),
        MeasurementCode("peak_flow", "33452-4", "L/min", 30, 900, "copd", "Peak flow"),
        MeasurementCode("weight", "29463-7", "kg", 20, 350, "copd", "Weight"),
        MeasurementCode("systolic_bp", "8480-6", "mm[Hg]", 50, 300, "copd", "Systolic BP"),
        MeasurementCode("diastolic_bp", "8462-4", "mm[Hg]", 20, 200, "copd", "Diastolic BP"),
        MeasurementCode("temperature", "8310-5", "Cel", 30, 45, "copd", "Temperature"),
        MeasurementCode("respiratory_rate", "9279-1", "/min", 4, 80, "copd", "Respiratory rate"),
        MeasurementCode("cat_score", None, "{score}", 0, 40, "copd", "CAT score", integer=True),
        # Capillary INR, point of care; home coagulometers measure 0.8-8.0.
        MeasurementCode(
            "inr", "34714-6", "{INR}", 0.8, 8.0, "anticoagulation", "INR", qualifiable=True
        ),
    )
}

# A peak flow taken by a peak flow meter has its own LOINC code.
PEAK_FLOW_METER_LOINC = "19935-6"


def loinc_for(code: str, device: str | None) -> str | None:
    """The LOINC code to record for a measurement of `code` taken with `device`."""
    if code == "peak_flow" and device and "peak flow meter" in device.lower():
        return PEAK_FLOW_METER_LOINC
    return CODES[code].loinc


def plausibility_problem(code: str, value: float, qualifier: str | None) -> str | None:
    """Why a value cannot be a real reading of `code`, or None when it can.

    The limits themselves are plausible (a SpO2 of exactly 100 is fine). A qualified value
    ("<0.8", ">8.0") must sit on the device's range limit.
    """
    spec = CODES[code]
    if qualifier is not None:
        if not spec.qualifiable:
            return f"{spec.label} cannot carry a value qualifier."
        limit = spec.plausible_max if qualifier == ">" else spec.plausible_min
        if value != limit:
            return f"A '{qualifier}' {spec.label} must be sent with the range limit {limit:g}."
        return None
    if spec.integer and value != int(value):
        return f"{spec.label} must be a whole number."
    if not spec.plausible_min <= value <= spec.plausible_max:
        return (
            f"{spec.label} must be between {spec.plausible_min:g} and {spec.plausible_max:g} "
            f"{spec.unit}; no device shows {value:g}."
        )
    return None


def limit_out_of_range(code: str, value: float) -> bool:
    """Whether a threshold limit for `code` lies outside what any reading of it can be: such
    a limit silences its alert (SpO2 alert_low -5) or makes every reading cross it (1e300)."""
    spec = CODES[code]
    return not spec.plausible_min <= value <= spec.plausible_max


def limit_range_problem(code: str, value: float) -> str | None:
    """Why `value` cannot be a limit for `code`, or None when it can."""
    if not limit_out_of_range(code, value):
        return None
    spec = CODES[code]
    return (
        f"A {spec.label} limit must lie between {spec.plausible_min:g} and "
        f"{spec.plausible_max:g} {spec.unit}, the values a reading can have."
    )


def blood_pressure_problems(items: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """Systolic readings that are not above their diastolic partner, by index in `items`.

    A partner is the diastolic reading of the same patient at the same time (one cuff
    measurement, however it was sent: a FHIR panel, two items, one form). 80/120 is two
    numbers typed into each other's field, never a blood pressure; 120/120 neither. Readings
    without a partner are not judged here (their plausibility is plausibility_problem's).
    """
    diastolic: dict[tuple[Any, Any], float] = {}
    for item in items:
        if item.get("code") == "diastolic_bp" and item.get("value_qualifier") is None:
            diastolic[(item.get("patient_id"), item.get("effective_at"))] = float(item["value"])
    problems: dict[int, str] = {}
    for index, item in enumerate(items):
        if item.get("code") != "systolic_bp" or item.get("value_qualifier") is not None:
            continue
        low = diastolic.get((item.get("patient_id"), item.get("effective_at")))
        if low is not None and not float(item["value"]) > low:
            problems[index] = (
                f"Systolic BP ({float(item['value']):g}) must be above diastolic BP ({low:g})."
            )
    return problems


# ---- Interoperability: the other code systems and units a reading may arrive in -------------
#
# One table for reading and writing FHIR (telemon.fhir): each telemon code's codings in LOINC,
# IEEE 11073-10101 (MDC), NPU and MedCom (MCS), and the UCUM units it is converted from. Only
# codes verified in published material are listed (docs/interoperability.md says where each
# comes from and which are left out); an unlisted coding is a reading telemon does not monitor.

LOINC = "http://loinc.org"
MDC = "urn:iso:std:iso:11073:10101"
NPU = "urn:oid:1.2.208.176.2.1"
MCS = "urn:oid:1.2.208.184.100.8"
UCUM = "http://unitsofmeasure.org"

# Other spellings of the same systems seen in Danish material: DK Core writes NPU as
# http://npu-terminology.org and MedCom as https://www.medcom.dk; early FUT examples wrote
# http://sundhedsdatastyrelsen.dk/npu. Read, never written.
SYSTEM_ALIASES: dict[str, str] = {
    "http://npu-terminology.org": NPU,
    "http://sundhedsdatastyrelsen.dk/npu": NPU,
    "https://www.medcom.dk": MCS,
    "https://www.medcom.dk/": MCS,
}


@dataclass(frozen=True)
class Interop:
    """How one telemon code is written in the other code systems (None: no verified code)."""

    code: str
    loinc_also: tuple[str, ...] = ()  # further LOINC codes read as this code (never written)
    mdc: tuple[str, ...] = ()  # IEEE 11073-10101 codes, read only (devices send them)
    npu: str | None = None
    mcs: str | None = None
    # UCUM unit -> factor to telemon's unit (CODES[code].unit), besides the unit itself.
    units: tuple[tuple[str, float], ...] = ()


INTEROP: dict[str, Interop] = {
    i.code: i
    for i in (
        # SpO2 arrives as % or, in DK Core, as a fraction with unit 1.
        Interop("spo2", ("2708-6",), ("150456",), npu="NPU03011", units=(("1", 100.0),)),
        # MDC_PULS_OXIM_PULS_RATE from an oximeter, MDC_PULS_RATE_NON_INV from a BP monitor.
        Interop("pulse", (), ("149530", "149546"), npu="NPU21692", units=(("/s", 60.0),)),
        Interop("fev1", (), ("152586",), mcs="MCS88015", units=(("mL", 0.001),)),
        Interop(
            "peak_flow",
            (PEAK_FLOW_METER_LOINC,),
            ("152584",),
            mcs="MCS88102",
            units=(("L/s", 60.0), ("mL/min", 0.001)),
        ),
        Interop(
            "weight", (), ("188736",), npu="NPU03804", units=(("g", 0.001), ("[lb_av]", 0.45359237))
        ),
        # FUT writes blood pressure on the arm as DNK05472/DNK05473 (NPU's Danish codes).
        Interop(
            "systolic_bp",
            (),
            ("150021",),
            npu="DNK05472",
            mcs="MCS88019",
            units=(("kPa", 7.500615758),),
        ),
        Interop(
            "diastolic_bp",
            (),
            ("150022",),
            npu="DNK05473",
            mcs="MCS88020",
            units=(("kPa", 7.500615758),),
        ),
        Interop("temperature", (), ("150364",), npu="NPU08676"),
        Interop("respiratory_rate", (), ("151562",), units=(("/s", 60.0),)),
        Interop("cat_score", mcs="MCS88137"),
        Interop("inr", npu="NPU01685"),
    )
}

# The blood-pressure panel: its components are read as systolic_bp and diastolic_bp; the mean
# (MDC 150023) is not monitored.
BP_PANEL: frozenset[tuple[str, str]] = frozenset({(LOINC, "85354-9"), (MDC, "150020")})

# Device housekeeping a PHD gateway sends beside the readings: the coincident time stamp
# (MDC_ATTR_TIME_ABS), the battery level (MDC_ATTR_VAL_BATT_CHARGE) and a measurement's status
# bits (DK Core's BP status). Answered with an informational issue, never kept: they say
# nothing about the patient. Any other code of MDC partition 1 (object attributes, 65536 to
# 131071) is an attribute of the device too.
HOUSEKEEPING_MDC: frozenset[str] = frozenset({"67975", "67996", "8410608"})
_MDC_OBJECT_ATTRIBUTES = range(65536, 131072)

# What FUT's measurement codes that telemon does not monitor mean (FUT IG, MedCom MCS): kept
# as sent, shown with this name, evaluated by no rule.
OTHER_LABELS: dict[tuple[str, str], str] = {
    (MCS, "MCS88016"): "FVC",
    (MCS, "MCS88017"): "FEV1/FVC",
    (MCS, "MCS88021"): "MRC dyspnoea scale",
    (MCS, "MCS88023"): "FEV1 % of predicted",
    (MCS, "MCS88050"): "Sit-to-stand test",
    (MCS, "MCS88192"): "Steps per day",
    (MCS, "MCS88193"): "Steps per week",
    (MCS, "MCS88194"): "Steps",
}


def is_housekeeping(system: str | None, code: str | None) -> bool:
    """True for a coding of device housekeeping (battery, time stamps, status bits)."""
    if canonical_system(system) != MDC or code is None:
        return False
    if code in HOUSEKEEPING_MDC:
        return True
    return code.isdigit() and int(code) in _MDC_OBJECT_ATTRIBUTES


def other_label(system: str | None, code: str | None) -> str | None:
    """The name of a measurement telemon keeps but does not monitor, where the table has one."""
    return OTHER_LABELS.get((canonical_system(system) or "", code or ""))


# The wound-size panel and its components (cm, cm2), written for wound assessments.
WOUND_PANEL_LOINC = "72287-6"
WOUND_SIZE_LOINC: dict[str, tuple[str, str]] = {
    "length_cm": ("39126-8", "cm"),
    "width_cm": ("39125-0", "cm"),
    "depth_cm": ("39127-6", "cm"),
    "area_cm2": ("89260-4", "cm2"),
}


def canonical_system(system: str | None) -> str | None:
    """The system as telemon writes it: known aliases (DK Core, FUT) mapped, others unchanged."""
    if system is None:
        return None
    return SYSTEM_ALIASES.get(system, system)


def _coding_index() -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for code, spec in CODES.items():
        if spec.loinc:
            index[(LOINC, spec.loinc)] = code
    for code, interop in INTEROP.items():
        for loinc in interop.loinc_also:
            index[(LOINC, loinc)] = code
        for mdc in interop.mdc:
            index[(MDC, mdc)] = code
        if interop.npu:
            index[(NPU, interop.npu)] = code
        if interop.mcs:
            index[(MCS, interop.mcs)] = code
    return index


_BY_CODING = _coding_index()


def code_for_coding(system: str | None, code: str | None) -> str | None:
    """The telemon code a coding stands for (any listed system or alias), else None."""
    canonical = canonical_system(system)
    if canonical is None or code is None:
        return None
    return _BY_CODING.get((canonical, code))


def is_bp_panel(system: str | None, code: str | None) -> bool:
    """True for the blood-pressure panel (LOINC 85354-9, MDC 150020)."""
    return (canonical_system(system), code) in BP_PANEL


def codings_for(code: str, loinc: str | None) -> list[tuple[str, str]]:
    """The (system, code) pairs to write for a stored reading: its LOINC code as stored (a peak
    flow meter's 19935-6, say), then NPU and MCS where they exist. Never empty for a code in
    CODES that has any of them; cat_score has MCS only."""
    interop = INTEROP[code]
    pairs: list[tuple[str, str]] = []
    if loinc:
        pairs.append((LOINC, loinc))
    if interop.npu:
        pairs.append((NPU, interop.npu))
    if interop.mcs:
        pairs.append((MCS, interop.mcs))
    return pairs


def _without_annotations(unit: str) -> str:
    """UCUM with its {annotations} removed: "{beat}/min" is "/min", "{score}" is "1"."""
    plain = ""
    depth = 0
    for char in unit.strip():
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            plain += char
    return plain or "1"


def to_telemon_unit(code: str, value: float, unit: str | None) -> float | None:
    """`value` given in UCUM `unit`, converted to telemon's unit for `code`; None when the unit
    cannot be converted.

    UCUM annotations do not change a unit ("{beat}/min" is "/min"). Without a unit the value is
    taken in telemon's unit, except that an SpO2 of at most 1 is a fraction (DK Core writes 0.97
    without a unit). Degrees Fahrenheit are converted for temperature. Converted values are
    rounded to 6 decimals, so that 0.97 becomes 97.0, not 97.00000000000001.
    """
    target = _without_annotations(CODES[code].unit)
    if unit is None or not unit.strip():
        if code == "spo2" and value <= 1:
            return round(value * 100, 6)
        return value
    given = _without_annotations(unit)
    if given == target:
        return value
    if code == "temperature" and given == "[degF]":
        return round((value - 32) * 5 / 9, 6)
    factors = dict(INTEROP[code].units)
    if given in factors:
        return round(value * factors[given], 6)
    return None


def convertible_units(code: str) -> list[str]:
    """The UCUM units a reading of `code` is accepted in, telemon's own first."""
    extra = [u for u, _ in INTEROP[code].units]
    if code == "temperature":
        extra.append("[degF]")
    return [CODES[code].unit, *extra]
