"""The measurement codes telemon accepts, with their LOINC code, UCUM unit and plausible range.

A value outside the plausible range is something no home device shows (a typing or transfer
error), so it is refused at the door (422) rather than raised as an alert.
"""

from __future__ import annotations

from dataclasses import dataclass


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
