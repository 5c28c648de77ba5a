"""Observation.interpretation from the patient's own limits (HL7 v3 ObservationInterpretation).

Plain values in, a code out; the severity bands are telemon.copd.rules' own (classify), so a
reading read back as "LL" is one that raised, or would raise, a red alert.
"""

from __future__ import annotations

from telemon.copd.rules import Limits, classify

INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def interpretation(value: float, limits: Limits | None) -> str | None:
    """ "HH" past the alert high limit, "H" past the warning high limit, "LL" and "L" likewise
    below, "N" within; None when the patient has no limits for the measurement.

    Limits are "past", not "at", as in rules.classify: SpO2 90 with alert_low 90 is "L", not
    "LL".
    """
    if limits is None or all(
        v is None
        for v in (limits.alert_high, limits.warning_high, limits.warning_low, limits.alert_low)
    ):
        return None
    high = classify(value, Limits(alert_high=limits.alert_high, warning_high=limits.warning_high))
    if high is not None:
        return "HH" if high == "red" else "H"
    low = classify(value, Limits(warning_low=limits.warning_low, alert_low=limits.alert_low))
    if low is not None:
        return "LL" if low == "red" else "L"
    return "N"
