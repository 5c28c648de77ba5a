"""Upload Bundles written the way the HL7 PHD implementation guide and DK Core write them.

Shapes follow the guides' published examples (a Nonin pulse oximeter behind a Continua gateway,
an A&D blood-pressure monitor with its panel, battery level, coincident time stamp and status
observations, a scale); every identifier, number and name here is synthetic.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
MDC = "urn:iso:std:iso:11073:10101"
LOINC = "http://loinc.org"
NPU = "urn:oid:1.2.208.176.2.1"
MCS_DK_CORE = "https://www.medcom.dk"
UCUM = "http://unitsofmeasure.org"
EUI64 = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680"
GATEWAY_DEVICE = "http://hl7.org/fhir/StructureDefinition/observation-gatewayDevice"
EDT = timezone(timedelta(hours=-4))


def when(minutes_ago: int = 30, zone: timezone = EDT) -> str:
    return (datetime.now(zone) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")


def patient_entry(cpr: str, full_url: str | None = None) -> dict[str, Any]:
    return {
        "fullUrl": full_url or f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Patient",
            "meta": {"profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhdPatient"]},
            "identifier": [{"system": CPR_SYSTEM, "value": cpr}],
            "name": [{"family": "Testesen", "given": ["Syntetisk"]}],
        },
        "request": {
            "method": "POST",
            "url": "Patient",
            "ifNoneExist": f"identifier={CPR_SYSTEM}|{cpr}",
        },
    }


def gateway_entry(system_id: str = "FE-ED-00-00-00-00-00-01") -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Device",
            "meta": {"profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhgDevice"]},
            "identifier": [{"system": EUI64, "value": system_id}],
            "type": {
                "coding": [{"system": MDC, "code": "531981", "display": "MDC_MOC_VMS_MDS_AHD"}],
                "text": "MDC_MOC_VMS_MDS_AHD: Continua compliant Gateway",
            },
            "manufacturer": "Synthetic Gateways",
            "modelNumber": "Tablet gateway",
        },
        "request": {
            "method": "POST",
            "url": "Device",
            "ifNoneExist": f"identifier={EUI64}|{system_id}",
        },
    }


def device_entry(system_id: str, manufacturer: str, model: str, profile: str) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Device",
            "meta": {"profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhdDevice"]},
            "identifier": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/uv/phd/CodeSystem/"
                                "ContinuaDeviceIdentifiers",
                                "code": "SYSID",
                            }
                        ]
                    },
                    "system": EUI64,
                    "value": system_id,
                }
            ],
            "manufacturer": manufacturer,
            "serialNumber": "SYN" + system_id.replace("-", "")[-6:],
            "modelNumber": model,
            "type": {
                "coding": [{"system": MDC, "code": "65573", "display": "MDC_MOC_VMS_MDS_SIMP"}],
                "text": "MDC_MOC_VMS_MDS_SIMP: Personal Health Device",
            },
            "specialization": [{"systemType": {"text": profile}, "version": "1"}],
        },
        "request": {
            "method": "POST",
            "url": "Device",
            "ifNoneExist": f"identifier={EUI64}|{system_id}",
        },
    }


def _observation(
    subject: str, device: str, gateway: str, code: list[dict[str, str]], **fields: Any
) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Observation",
            "meta": {
                "profile": ["http://hl7.org/fhir/uv/phd/StructureDefinition/PhdNumericObservation"]
            },
            "extension": [{"url": GATEWAY_DEVICE, "valueReference": {"reference": gateway}}],
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "vital-signs",
                        }
                    ]
                }
            ],
            "code": {"coding": code},
            "subject": {"reference": subject},
            "device": {"reference": device},
            **fields,
        },
        "request": {"method": "POST", "url": "Observation"},
    }


def pulse_oximeter_bundle(cpr: str, spo2: float = 96, pulse: float = 72) -> dict[str, Any]:
    """The PHD IG's first-time upload: patient, gateway, oximeter, coincident time stamp, SpO2
    (MDC + LOINC 2708-6, in %) and pulse rate (MDC_PULS_OXIM_PULS_RATE, {beat}/min). The
    observations carry no identifier: the guide's example does not either."""
    taken = when(20)
    patient = patient_entry(cpr)
    gateway = gateway_entry()
    oximeter = device_entry("00-1C-05-FF-FE-00-00-01", "Synthetic Oximetry", "Model 3150", "Oxim")
    p, g, d = patient["fullUrl"], gateway["fullUrl"], oximeter["fullUrl"]
    coincident = _observation(
        d,
        d,
        g,
        [{"system": MDC, "code": "67975"}],
        effectiveDateTime=taken,
        valueDateTime=taken,
    )
    coincident["resource"].pop("category")
    spo2_entry = _observation(
        p,
        d,
        g,
        [{"system": MDC, "code": "150456"}, {"system": LOINC, "code": "2708-6"}],
        effectiveDateTime=taken,
        valueQuantity={"value": spo2, "unit": "%", "system": UCUM, "code": "%"},
        derivedFrom=[{"reference": coincident["fullUrl"]}],
    )
    pulse_entry = _observation(
        p,
        d,
        g,
        [{"system": MDC, "code": "149530"}, {"system": LOINC, "code": "8867-4"}],
        effectiveDateTime=taken,
        valueQuantity={"value": pulse, "unit": "{beat}/min", "system": UCUM, "code": "/min"},
    )
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [patient, gateway, oximeter, coincident, spo2_entry, pulse_entry],
    }


def blood_pressure_bundle(cpr: str, systolic: float = 118, diastolic: float = 87) -> dict[str, Any]:
    """DK Core's Continua example: relative references (Patient/…, Device/…) to entries by their
    resource ids, a BP panel (LOINC 85354-9 + MDC 150020) with MCS-coded components and a mean,
    a heart rate with an identifier and ifNoneExist, battery level and a BP status observation."""
    taken = when(15, timezone(timedelta(hours=1)))
    system_id = "C4-F3-12-FF-FE-00-00-02"
    key = f"C4F312FFFE000002-{cpr}-{CPR_SYSTEM}"
    patient = patient_entry(cpr, full_url="Poul")
    patient["resource"]["id"] = "Poul"
    monitor = device_entry(system_id, "Synthetic Medical", "UA-651BLE", "BP")
    monitor["fullUrl"] = "BPMonitor.C4F312FFFE000002"
    monitor["resource"]["id"] = "BPMonitor.C4F312FFFE000002"
    gateway = gateway_entry("FE-ED-DA-DA-00-00-00-02")
    gateway["fullUrl"] = "Telma.FEEDDADA00000002"
    gateway["resource"]["id"] = "Telma.FEEDDADA00000002"
    subject, device, via = "Patient/Poul", "Device/BPMonitor.C4F312FFFE000002", "Device/Telma"
    mmhg = {"unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}
    panel = _observation(
        subject,
        device,
        via,
        [{"system": LOINC, "code": "85354-9"}, {"system": MDC, "code": "150020"}],
        identifier=[{"value": f"{key}-150020-{systolic}-{diastolic}"}],
        performer=[{"reference": subject}],
        effectiveDateTime=taken,
        component=[
            {
                "code": {
                    "coding": [
                        {"system": LOINC, "code": "8480-6"},
                        {"system": MDC, "code": "150021"},
                        {"system": MCS_DK_CORE, "code": "MCS88019"},
                    ]
                },
                "valueQuantity": {"value": systolic, **mmhg},
            },
            {
                "code": {
                    "coding": [
                        {"system": LOINC, "code": "8462-4"},
                        {"system": MDC, "code": "150022"},
                        {"system": MCS_DK_CORE, "code": "MCS88020"},
                    ]
                },
                "valueQuantity": {"value": diastolic, **mmhg},
            },
            {
                "code": {"coding": [{"system": MDC, "code": "150023"}]},
                "valueQuantity": {"value": 99, **mmhg},
            },
        ],
    )
    panel["request"]["ifNoneExist"] = f"identifier={key}-150020-{systolic}-{diastolic}"
    heart_rate_id = f"{key}-149546-93-{{beat}}/min"
    heart_rate = _observation(
        subject,
        device,
        via,
        [
            {"system": LOINC, "code": "8867-4"},
            {"system": MDC, "code": "149546"},
            {"system": NPU, "code": "NPU21692"},
        ],
        identifier=[{"value": heart_rate_id}],
        performer=[{"reference": subject}],
        effectiveDateTime=taken,
        valueQuantity={"value": 93, "unit": "bpm", "system": UCUM, "code": "{beat}/min"},
    )
    heart_rate["request"]["ifNoneExist"] = f"identifier={heart_rate_id}"
    battery = _observation(
        subject,
        device,
        via,
        [{"system": MDC, "code": "67996"}],
        effectiveDateTime=taken,
        valueQuantity={"value": 95, "unit": "%", "system": UCUM, "code": "%"},
    )
    status = _observation(
        subject,
        device,
        via,
        [{"system": MDC, "code": "8410608"}],
        effectiveDateTime=taken,
        component=[
            {
                "code": {"text": "irregular-pulse"},
                "valueCodeableConcept": {"text": "Irregular pulse was detected"},
            }
        ],
    )
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [patient, gateway, monitor, battery, panel, heart_rate, status],
    }


def scale_bundle(cpr: str, grams: float = 74000) -> dict[str, Any]:
    """A scale reporting body mass (MDC_MASS_BODY_ACTUAL) in grams, with LOINC and NPU."""
    patient = patient_entry(cpr)
    scale = device_entry("60-64-05-FF-FE-00-00-03", "Synthetic Scales", "UC-352BLE", "Scale")
    weight = _observation(
        patient["fullUrl"],
        scale["fullUrl"],
        scale["fullUrl"],
        [
            {"system": LOINC, "code": "29463-7"},
            {"system": MDC, "code": "188736"},
            {"system": NPU, "code": "NPU03804"},
        ],
        effectiveDateTime=when(10, timezone(timedelta(hours=1))),
        valueQuantity={"value": grams, "unit": "g", "system": UCUM, "code": "g"},
    )
    return {"resourceType": "Bundle", "type": "transaction", "entry": [patient, scale, weight]}


def spo2_fraction_bundle(cpr: str, fraction: float = 0.97) -> dict[str, Any]:
    """DK Core's oxygen saturation: NPU03011 with the value as a fraction, no unit."""
    patient = patient_entry(cpr)
    reading = {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": NPU, "code": "NPU03011"}]},
            "subject": {"reference": patient["fullUrl"]},
            "performer": [{"reference": patient["fullUrl"]}],
            "effectiveDateTime": when(5, timezone(timedelta(hours=1))),
            "valueQuantity": {"value": fraction},
        },
        "request": {"method": "POST", "url": "Observation"},
    }
    return {"resourceType": "Bundle", "type": "transaction", "entry": [patient, reading]}


def as_batch(bundle: dict[str, Any]) -> dict[str, Any]:
    copied = copy.deepcopy(bundle)
    copied["type"] = "batch"
    return copied
