"""Refusals: FhirError and its issues (answered as an OperationOutcome built by
telemon.fhir.model.outcome_json), and the library's validation errors as FHIRPath-like
expressions ("Bundle.entry[3].resource.valueQuantity") that name the entry at fault."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fhirclient.models.fhirabstractbase import FHIRValidationError

# HTTP status -> the OperationOutcome issue code that says the same.
ISSUE_CODES = {
    400: "structure",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
}


@dataclass(frozen=True)
class Issue:
    """One problem, where it is (an expression such as Bundle.entry[2].resource.subject)."""

    diagnostics: str
    expression: str | None = None
    code: str | None = None  # OperationOutcome issue type; by default the one for the status
    severity: str = "error"


@dataclass
class FhirError(Exception):
    """A refusal answered as an OperationOutcome with this HTTP status."""

    status: int
    issues: list[Issue] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(i.diagnostics for i in self.issues)


def validation_issues(error: FHIRValidationError, root: str) -> list[Issue]:
    """The library's nested validation error as one Issue per problem, each with its path."""
    issues: list[Issue] = []

    def walk(err: BaseException, path: list[str]) -> None:
        if isinstance(err, FHIRValidationError):
            here = path + ([err.path] if err.path else [])
            for inner in err.errors:
                walk(inner, here)
            return
        issues.append(Issue(_plain(str(err)), _expression(root, path), code="structure"))

    walk(error, [])
    return issues


def _plain(message: str) -> str:
    """The library's message without Python object and class reprs."""
    message = re.sub(r" (?:on|in data for|for) <[^>]*>", "", message)
    message = re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", message)
    if len(message) > 1 and message[0] == message[-1] == "'":  # a KeyError's repr quotes
        message = message[1:-1]
    return message


def _expression(root: str, parts: list[str]) -> str:
    """["entry.3", "resource", "valueQuantity"] under "Bundle" -> Bundle.entry[3].resource..."""
    out = root
    for part in ".".join(parts).split("."):
        if not part:
            continue
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += f".{part}"
    return out
