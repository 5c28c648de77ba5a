"""The FHIR R4 (4.0.1) model library (fhirclient): every request resource is parsed with it and
every answer is built with it, so that what goes out is valid R4 structure."""

from __future__ import annotations

import copy
from typing import Any

from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from telemon.fhir.outcome import ISSUE_CODES, FhirError, Issue, validation_issues

FHIR_JSON = "application/fhir+json"
FHIR_VERSION = "4.0.1"


def without_extensions(data: Any) -> Any:
    """A copy without (non-modifier) extensions, which a receiver may ignore (FHIR R4, 2.5.2).

    Gateways add extensions of other FHIR versions (R5's device-gateway with a
    valueCodeableReference, say) that an R4 model cannot hold; telemon reads none of them.
    Modifier extensions stay: one that telemon does not understand must refuse the resource.
    """
    if isinstance(data, dict):
        return {k: without_extensions(v) for k, v in data.items() if k != "extension"}
    if isinstance(data, list):
        return [without_extensions(v) for v in data]
    return data


def parse(data: Any, root: str) -> Any:
    """A resource (with its resourceType) as an R4 model instance; a FhirError (422) naming
    every structural problem under `root` (e.g. "Bundle") when it is not valid R4."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise FhirError(422, [_issue("Not a FHIR resource: resourceType is missing.", root)])
    try:
        return FHIRElementFactory.instantiate(data["resourceType"], without_extensions(data))
    except FHIRValidationError as error:
        raise FhirError(422, validation_issues(error, root)) from None
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise FhirError(422, [_issue(f"Not valid FHIR R4: {error}", root)]) from None


def build(resource_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON of a resource built through the model: unknown or ill-typed elements and missing
    required ones raise FHIRValidationError here, before anything is sent."""
    body = {"resourceType": resource_type, **copy.deepcopy(data)}
    instance = FHIRElementFactory.instantiate(resource_type, body)
    result: dict[str, Any] = instance.as_json()
    return result


def outcome_json(status: int, issues: list[Issue]) -> dict[str, Any]:
    """The OperationOutcome (as JSON) for these issues; validated by building it with the model."""
    return build(
        "OperationOutcome",
        {
            "issue": [
                {
                    "severity": issue.severity,
                    "code": issue.code or ISSUE_CODES.get(status, "processing"),
                    "diagnostics": issue.diagnostics,
                    **({"expression": [issue.expression]} if issue.expression else {}),
                }
                for issue in issues
            ]
            or [{"severity": "error", "code": ISSUE_CODES.get(status, "exception")}]
        },
    )


def information(text: str) -> dict[str, Any]:
    """An informational OperationOutcome (an accepted entry's note)."""
    return outcome_json(200, [Issue(text, code="informational", severity="information")])


def _issue(text: str, expression: str) -> Any:
    return Issue(text, expression, code="structure")
