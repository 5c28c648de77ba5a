"""From an uploaded Bundle to plain data: who the patient is, which devices, which readings.

No database and no Flask here: the entries of a Bundle that the model library has accepted, read
into plain values with telemon.ingest.codes (the one code table). What cannot be a reading is a
FhirError naming the entry (Bundle.entry[3].resource.valueQuantity); what telemon does not
monitor (battery level, coincident time stamps, device status) is a reading list left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from telemon.fhir.entries import TYPE_ID, Entry, reference_string, search_params
from telemon.fhir.kept_mapping import Kept, kept_as_sent, not_a_result
from telemon.fhir.outcome import FhirError, Issue
from telemon.http.ids import id_from_text
from telemon.ingest.codes import (
    CODES,
    LOINC,
    PEAK_FLOW_METER_LOINC,
    UCUM,
    code_for_coding,
    convertible_units,
    is_bp_panel,
    is_housekeeping,
    to_telemon_unit,
)

CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
# Who took the measurement, by the type of resource Observation.performer references.
PERFORMER_BY_TYPE = {
    "Patient": "patient",
    "RelatedPerson": "relative",
    "Practitioner": "nurse",
    "PractitionerRole": "nurse",
    "Device": "device",
}
# ---- patients and devices -------------------------------------------------------------------


@dataclass(frozen=True)
class PatientMatch:
    """How an upload names a registered patient: by CPR number or by telemon's patient id."""

    cpr: str | None = None
    patient_id: int | None = None


def cpr_from_search(query: str | None) -> str | None:
    """The CPR number in a search string such as "identifier=urn:oid:1.2.208.176.1.2|0101701234"."""
    for name, value in search_params(query):
        if name == "identifier" and "|" in value:
            system, _, code = value.partition("|")
            if system == CPR_SYSTEM and code:
                return code
    return None


def patient_match(entry: Entry) -> PatientMatch:
    """Which registered patient a Patient entry stands for; an upload never registers one."""
    for identifier in entry.resource.get("identifier") or []:
        if identifier.get("system") == CPR_SYSTEM and identifier.get("value"):
            return PatientMatch(cpr=str(identifier["value"]))
    cpr = cpr_from_search(entry.condition)
    if cpr:
        return PatientMatch(cpr=cpr)
    if entry.method == "PUT" and entry.url:
        match = TYPE_ID.search(entry.url)
        patient_id = id_from_text(match.group(2)) if match and match.group(1) == "Patient" else None
        if patient_id is not None:
            return PatientMatch(patient_id=patient_id)
    raise FhirError(
        422,
        [
            Issue(
                f"The patient must be named by a CPR identifier (system {CPR_SYSTEM}).",
                entry.path + ".resource.identifier",
            )
        ],
    )


@dataclass(frozen=True)
class DeviceSpec:
    """A device as an upload describes it; the identifier is what makes it the same device."""

    identifier_system: str
    identifier_value: str
    type_system: str | None = None
    type_code: str | None = None
    type_text: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None

    @property
    def label(self) -> str | None:
        return device_label(self.manufacturer, self.model, self.type_text)


def device_label(manufacturer: str | None, model: str | None, type_text: str | None) -> str | None:
    """What a reading's free-text `device` says of its device: manufacturer and model, else its
    type; the JSON API's field, so at most 200 characters."""
    words = " ".join(p.strip() for p in (manufacturer, model) if p and p.strip())
    return (words or type_text or "")[:200] or None


def device_spec(entry: Entry) -> DeviceSpec:
    """The Device entry's identity and description. The IEEE EUI-64 system id (PHD IG) or any
    identifier with a system and value identifies it; else the entry's ifNoneExist does."""
    resource = entry.resource
    system, value = None, None
    for identifier in resource.get("identifier") or []:
        if identifier.get("system") and identifier.get("value"):
            system, value = str(identifier["system"]), str(identifier["value"])
            break
    if value is None:
        for name, text in search_params(entry.condition):
            if name == "identifier" and "|" in text:
                system, _, value = text.partition("|")
                break
    if not system or not value:
        raise FhirError(
            422,
            [
                Issue(
                    "A device needs an identifier with a system and a value.",
                    entry.path + ".resource.identifier",
                )
            ],
        )
    type_coding = ((resource.get("type") or {}).get("coding") or [{}])[0]
    return DeviceSpec(
        identifier_system=system[:200],
        identifier_value=value[:200],
        type_system=_short(type_coding.get("system"), 200),
        type_code=_short(type_coding.get("code"), 64),
        type_text=_short((resource.get("type") or {}).get("text"), 200),
        manufacturer=_short(resource.get("manufacturer"), 200),
        model=_short(resource.get("modelNumber"), 200),
        serial_number=_short(resource.get("serialNumber"), 200),
    )


@dataclass(frozen=True)
class MetricSpec:
    """A DeviceMetric as an upload describes it: of which device (the reference to resolve),
    of which type (the MDC code, PHD's DeviceMetric needs one), and the rest as sent."""

    source: str
    type_system: str
    type_code: str
    category: str
    operational_status: str | None
    resource: dict[str, Any] = field(hash=False, compare=False)


def metric_spec(entry: Entry) -> MetricSpec:
    """The DeviceMetric entry read: its source device and its type are required."""
    resource = entry.resource
    source = reference_string(resource.get("source")) or reference_string(resource.get("parent"))
    if source is None:
        raise FhirError(
            422,
            [Issue("A DeviceMetric needs its source device.", entry.path + ".resource.source")],
        )
    codings = (resource.get("type") or {}).get("coding") or []
    coding = next((c for c in codings if c.get("system") and c.get("code")), None)
    if coding is None:
        raise FhirError(
            422,
            [Issue("A DeviceMetric needs a type with a code.", entry.path + ".resource.type")],
        )
    kept = {k: v for k, v in resource.items() if k not in ("id", "meta", "source", "parent")}
    return MetricSpec(
        source=source,
        type_system=str(coding["system"])[:200],
        type_code=str(coding["code"])[:64],
        category=str(resource.get("category") or "unspecified")[:20],
        operational_status=_short(resource.get("operationalStatus"), 20),
        resource=kept,
    )


def _short(value: Any, length: int) -> str | None:
    return str(value).strip()[:length] or None if value else None


# ---- observations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One telemon reading taken from an Observation (a BP panel gives two)."""

    code: str
    value: float
    qualifier: str | None
    loinc: str | None  # only where the upload's LOINC says more than the code (19935-6)
    value_path: str  # where the value sits, for error messages
    component: int | None = None  # the panel component it was read from


@dataclass(frozen=True)
class ObservationPlan:
    """What an Observation entry becomes: readings, or a Kept observation, or nothing (device
    housekeeping); the references to resolve, and the upload's own identity for the reading,
    when it gives one."""

    readings: list[Reading]
    effective_at: datetime | None = None
    subject: Any = None  # the Reference element
    device: str | None = None
    performers: list[Any] = field(default_factory=list)
    key: str | None = None
    note: str | None = None  # why nothing is kept, for the answer
    kept: Kept | None = None


HOUSEKEEPING_NOTE = (
    "Device housekeeping (battery, time stamps, status bits): accepted, not kept, "
    "since it says nothing about the patient."
)


def observation_plan(entry: Entry) -> ObservationPlan:
    """Read an Observation entry. Device housekeeping is accepted and not kept; a monitored
    measurement with a final value becomes readings; every other clinical Observation is kept
    as sent (Kept). Raises FhirError (422) for a monitored final measurement that cannot be a
    reading (a unit that does not convert, say) and for any kept one without a time."""
    resource = entry.resource
    at = entry.path + ".resource"
    if resource.get("modifierExtension"):
        raise FhirError(
            422,
            [Issue("Modifier extensions are not understood here.", at + ".modifierExtension")],
        )
    codings = (resource.get("code") or {}).get("coding") or []
    if codings and all(is_housekeeping(c.get("system"), c.get("code")) for c in codings):
        return ObservationPlan([], note=HOUSEKEEPING_NOTE)
    common: dict[str, Any] = {
        "effective_at": effective_of(resource, at),
        "subject": resource.get("subject"),
        "device": reference_string(resource.get("device")),
        "performers": list(resource.get("performer") or []),
        "key": identity_key(entry),
    }
    panel = any(is_bp_panel(c.get("system"), c.get("code")) for c in codings)
    code = None if panel else _telemon_code(codings)
    reason = not_a_result(resource, panel)
    if (panel or code is not None) and reason is None:
        readings: list[Reading] = []
        if panel:
            for index, component in enumerate(resource.get("component") or []):
                part = _telemon_code((component.get("code") or {}).get("coding") or [])
                if part is not None:
                    found = _reading(part, component, f"{at}.component[{index}]", [])
                    readings.append(replace(found, component=index))
        else:
            assert code is not None
            readings.append(_reading(code, resource, at, codings))
        if readings:
            return ObservationPlan(readings, **common)
    return ObservationPlan([], kept=kept_as_sent(resource, codings, code, reason), **common)


def _telemon_code(codings: list[dict[str, Any]]) -> str | None:
    for coding in codings:
        code = code_for_coding(coding.get("system"), coding.get("code"))
        if code is not None:
            return code
    return None


def _reading(code: str, element: dict[str, Any], at: str, codings: list[Any]) -> Reading:
    quantity = element.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        raise FhirError(
            422, [Issue(f"A {CODES[code].label} reading needs a valueQuantity.", at + ".value[x]")]
        )
    value = float(quantity["value"])
    if quantity.get("system") not in (None, UCUM):
        raise FhirError(422, [Issue(f"Units must be UCUM ({UCUM}).", at + ".valueQuantity.system")])
    # The UCUM code; a unit given as text only (no system, no code) is read as UCUM too.
    unit = quantity.get("code") or (quantity.get("unit") if not quantity.get("system") else None)
    converted = to_telemon_unit(code, value, unit)
    if converted is None:
        raise FhirError(
            422,
            [
                Issue(
                    f"{CODES[code].label} in {unit!r} cannot be converted; send one of "
                    f"{', '.join(convertible_units(code))} (UCUM).",
                    at + ".valueQuantity.code",
                )
            ],
        )
    comparator = quantity.get("comparator")
    qualifier = comparator if comparator in ("<", ">") else None
    if comparator is not None and qualifier is None:
        raise FhirError(
            422,
            [Issue(f"Comparator {comparator!r} is not taken.", at + ".valueQuantity.comparator")],
        )
    meter = code == "peak_flow" and any(
        c.get("system") == LOINC and c.get("code") == PEAK_FLOW_METER_LOINC for c in codings
    )
    return Reading(
        code=code,
        value=converted,
        qualifier=qualifier,
        loinc=PEAK_FLOW_METER_LOINC if meter else None,
        value_path=at + ".valueQuantity.value",
    )


def effective_of(resource: dict[str, Any], at: str) -> datetime:
    """When the reading was taken: effectiveDateTime or effectiveInstant, or the end (else the
    start) of effectivePeriod (FUT writes a period whose start and end are the same). It must be
    a time with an offset; a date alone is refused."""
    text = resource.get("effectiveDateTime") or resource.get("effectiveInstant")
    period = resource.get("effectivePeriod") or {}
    text = text or period.get("end") or period.get("start")
    moment = _aware(text)
    if moment is None:
        raise FhirError(
            422,
            [
                Issue(
                    "A reading needs effectiveDateTime with a time and an offset.",
                    at + ".effective[x]",
                )
            ],
        )
    return moment


def _aware(text: Any) -> datetime | None:
    if not isinstance(text, str) or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def identity_key(entry: Entry) -> str | None:
    """The upload's own identity for the reading, to store it once however often it is sent:
    a PUT's URL, the entry's condition (ifNoneExist, or a conditional PUT's search), or the
    first Observation.identifier. None when it gives none (then telemon derives one from the
    reading's content)."""
    if entry.method == "PUT" and entry.url and entry.condition is None:
        return f"put|{entry.url}"
    identifiers = [
        (str(i.get("system") or ""), str(i["value"]))
        for i in entry.resource.get("identifier") or []
        if i.get("value")
    ]
    if entry.condition:
        params = sorted(search_params(entry.condition))
        if len(params) == 1 and params[0][0] == "identifier":
            system, bar, value = params[0][1].rpartition("|")
            if not bar:  # identifier=VALUE: any system; the resource's own says which
                system = next((s for s, v in identifiers if v == value), "")
            return f"identifier|{system}|{value}"
        return "search|" + "&".join(f"{k}={v}" for k, v in params)
    if identifiers:
        system, value = identifiers[0]
        return f"identifier|{system}|{value}"
    return None


def performer_of(type_name: str | None) -> str | None:
    """telemon's performer for a referenced resource type (None: the uploader's default)."""
    return PERFORMER_BY_TYPE.get(type_name or "")
