"""Observations telemon keeps as sent but does not evaluate (issue 23): a measurement it does not
monitor, a monitored one whose value is absent (PHD's not-a-number as dataAbsentReason) or that
is no final result. Plain values from an Observation's JSON; no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telemon.ingest.codes import CODES, other_label

# Statuses of a result that stands; "registered", "preliminary", "cancelled",
# "entered-in-error" and "unknown" are not readings to act on.
READING_STATUSES = ("final", "amended", "corrected")


@dataclass(frozen=True)
class Kept:
    """An Observation kept as it was sent but not evaluated: a measurement telemon does not
    monitor (FVC, steps, glucose, ...), or a monitored one that is no result to act on (its
    value absent, as a PHD gateway sends a not-a-number reading, or its status preliminary)."""

    label: str  # what the overview calls it
    status: str
    code: str | None = None  # the telemon code, where it is a monitored measurement
    # Why a monitored measurement is not evaluated: "status:preliminary", or "absent:" and the
    # dataAbsentReason ("absent:not-a-number").
    reason: str | None = None
    value: float | None = None  # a valueQuantity's value, as sent
    unit: str | None = None
    value_text: str | None = None  # the value as the overview shows it


def not_a_result(resource: dict[str, Any], panel: bool) -> str | None:
    """Why a monitored measurement is no result to evaluate: not final, or its value absent
    (dataAbsentReason on the Observation or on a component of a panel); None when it is one."""
    status = resource.get("status")
    if status not in READING_STATUSES:
        return f"status:{status}"
    absent = [resource.get("dataAbsentReason")]
    if panel:
        absent += [c.get("dataAbsentReason") for c in resource.get("component") or []]
    for element in absent:
        if isinstance(element, dict):
            return "absent:" + _concept_text(element)
    return None


def _concept_text(concept: dict[str, Any]) -> str:
    """A CodeableConcept as text: its text, else its first coding's display or code."""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display") or coding.get("code"):
            return str(coding.get("display") or coding.get("code"))
    return "unknown"


def kept_as_sent(
    resource: dict[str, Any], codings: list[dict[str, Any]], code: str | None, reason: str | None
) -> Kept:
    concept = resource.get("code") or {}
    label = CODES[code].label if code else None
    for coding in codings:
        label = label or other_label(coding.get("system"), coding.get("code"))
    label = label or (_concept_text(concept) if concept else "unknown")
    quantity = resource.get("valueQuantity")
    value, unit = None, None
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), (int, float)):
        value = float(quantity["value"])
        unit = _unit(quantity)
    return Kept(
        label=label[:200],
        status=str(resource.get("status") or "unknown"),
        code=code,
        reason=reason[:200] if reason else None,
        value=value,
        unit=unit,
        value_text=_value_text(resource),
    )


def _value_text(element: dict[str, Any]) -> str | None:
    """The value of an Observation (or its components) as short text for the overview."""
    quantity = element.get("valueQuantity")
    if isinstance(quantity, dict) and quantity.get("value") is not None:
        unit = quantity.get("unit") or quantity.get("code") or ""
        return f"{quantity.get('comparator') or ''}{quantity['value']:g} {unit}".strip()[:200]
    if isinstance(element.get("valueCodeableConcept"), dict):
        return _concept_text(element["valueCodeableConcept"])[:200]
    for name in ("valueString", "valueInteger", "valueBoolean", "valueDateTime"):
        if element.get(name) is not None:
            return str(element[name])[:200]
    parts = [_value_text(c) for c in element.get("component") or [] if isinstance(c, dict)]
    return " / ".join(p for p in parts if p)[:200] or None


def _unit(quantity: dict[str, Any]) -> str | None:
    unit = quantity.get("code") or quantity.get("unit")
    return str(unit).strip()[:40] or None if unit else None
