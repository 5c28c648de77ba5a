"""The answer to a MedCom message: a MedCom Acknowledgement message (dk-medcom-acknowledgement).

An Acknowledgement is a message Bundle of its own, addressed back to the sender:
- a MessageHeader (event acknowledgement-message) whose response names the message answered
  (response.identifier = its MessageHeader id) and says `ok`, `transient-error` (try again
  later) or `fatal-error` (do not resend as it is); for an error, response.details references
  an OperationOutcome saying why;
- two Provenances: the answered message's own (copied, targeting its MessageHeader), and one
  for the acknowledgement (activity "acknowledgement", by the receiver, entity the answered
  message's MessageHeader with role "revision");
- both Organizations: the receiver of the message (now the sender) and its sender;
- the OperationOutcome, when there is something to say (an error; or, with `ok`, information
  such as "already received" or "patient not known here").

Plain values in, plain values out: ids and the time are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telemon.medcom.messaging import (
    ACKNOWLEDGEMENT,
    ACTIVITY_CODES,
    DESTINATION_USE,
    DESTINATION_USE_EXTENSION,
    EAN,
    EVENT_CODES,
    FHIR_ID,
    SOR,
    TERMINOLOGY,
    Envelope,
    Party,
    items,
)

OK = "ok"
TRANSIENT_ERROR = "transient-error"
FATAL_ERROR = "fatal-error"
RESPONSE_CODES = (OK, TRANSIENT_ERROR, FATAL_ERROR)

PROFILE = "http://medcomfhir.dk/ig/acknowledgement/StructureDefinition/"
BUNDLE_PROFILE = PROFILE + "medcom-messaging-acknowledgement"
HEADER_PROFILE = PROFILE + "medcom-messaging-acknowledgementHeader"
OUTCOME_PROFILE = PROFILE + "medcom-acknowledgement-operationoutcome"
PROVENANCE_PROFILE = (
    "http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-provenance"
)


@dataclass(frozen=True)
class AckIssue:
    """One thing the answer says: in words (OperationOutcome.issue.details.text), with FHIR's
    issue type (`processing`, `structure`, `not-supported`, `informational`, ...), where it is,
    and how bad (`error`, or `information` beside an `ok`)."""

    text: str
    code: str = "processing"
    severity: str = "error"
    expression: str | None = None


@dataclass(frozen=True)
class AckIds:
    """The new resources' ids (UUIDs): the Bundle, its MessageHeader, its Provenance and its
    OperationOutcome."""

    bundle: str
    header: str
    provenance: str
    outcome: str


def acknowledgement(
    env: Envelope,
    code: str,
    issues: Sequence[AckIssue],
    ids: AckIds,
    now: datetime,
) -> dict[str, Any]:
    """The Acknowledgement message (a Bundle as JSON) answering the message of `env`.

    `code` is one of RESPONSE_CODES; an error needs at least one issue (MedCom's rule
    medcom-acknowledgement-1), and issues are sent beside `ok` too when given. `now` must be
    timezone-aware. Raises ValueError otherwise."""
    if code not in RESPONSE_CODES:
        raise ValueError(f"Unknown response code {code!r}.")
    if code != OK and not issues:
        raise ValueError("An error acknowledgement needs an issue saying why.")
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware.")
    stamp = now.isoformat(timespec="seconds")
    header_url, provenance_url, outcome_url = (
        f"urn:uuid:{ids.header}",
        f"urn:uuid:{ids.provenance}",
        f"urn:uuid:{ids.outcome}",
    )
    answered = {"reference": f"MessageHeader/{env.message_id}"}
    response: dict[str, Any] = {"identifier": env.message_id, "code": code}
    if issues:
        response["details"] = {"reference": outcome_url}
    header = {
        "resourceType": "MessageHeader",
        "id": ids.header,
        "meta": {"profile": [HEADER_PROFILE]},
        "eventCoding": {"system": TERMINOLOGY + EVENT_CODES, "code": ACKNOWLEDGEMENT},
        "destination": [
            {
                "extension": [
                    {
                        "url": DESTINATION_USE_EXTENSION,
                        "valueCoding": {
                            "system": TERMINOLOGY + DESTINATION_USE,
                            "code": "primary",
                        },
                    }
                ],
                "endpoint": env.source_endpoint,
                "receiver": {"reference": env.sender.full_url},
            }
        ],
        "sender": {"reference": env.receiver.full_url},
        "source": {"endpoint": env.destination_endpoint},
        "response": response,
    }
    ours = {
        "resourceType": "Provenance",
        "id": ids.provenance,
        "meta": {"profile": [PROVENANCE_PROFILE]},
        "target": [{"reference": header_url}],
        "occurredDateTime": stamp,
        "recorded": stamp,
        "activity": {
            "coding": [{"system": TERMINOLOGY + ACTIVITY_CODES, "code": "acknowledgement"}]
        },
        "agent": [{"who": {"reference": env.receiver.full_url}}],
        "entity": [{"role": "revision", "what": answered}],
    }
    entries: list[dict[str, Any]] = [
        {"fullUrl": header_url, "resource": header},
        {"fullUrl": provenance_url, "resource": ours},
    ]
    if env.provenance is not None:
        theirs = _provenance_copy(env.provenance, answered, env.sender.full_url, stamp)
        url = env.provenance_full_url or f"Provenance/{theirs.get('id', 'answered')}"
        entries.append({"fullUrl": url, "resource": theirs})
    entries.append({"fullUrl": env.receiver.full_url, "resource": _organisation(env.receiver)})
    if env.sender.full_url != env.receiver.full_url:
        entries.append({"fullUrl": env.sender.full_url, "resource": _organisation(env.sender)})
    if issues:
        entries.append({"fullUrl": outcome_url, "resource": _outcome(ids.outcome, issues)})
    return {
        "resourceType": "Bundle",
        "id": ids.bundle,
        "meta": {"profile": [BUNDLE_PROFILE]},
        "type": "message",
        "timestamp": stamp,
        "entry": entries,
    }


def _outcome(outcome_id: str, issues: Sequence[AckIssue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "id": outcome_id,
        "meta": {"profile": [OUTCOME_PROFILE]},
        "issue": [
            {
                "severity": issue.severity,
                "code": issue.code,
                "details": {"text": issue.text},
                **({"expression": [issue.expression]} if issue.expression else {}),
            }
            for issue in issues
        ],
    }


# What is copied from the answered message is what MedCom's profiles ask of it, taken element
# by element: whatever else the sender put there (valid or not) never makes the answer invalid,
# and the answer shares no object with the message.


def _organisation(party: Party) -> dict[str, Any]:
    """The Organization as the message named it: its id, SOR and EAN identifiers, name."""
    resource: dict[str, Any] = {"resourceType": "Organization"}
    rid = party.resource.get("id")
    if isinstance(rid, str) and FHIR_ID.fullmatch(rid):
        resource["id"] = rid
    identifiers = [
        {"system": system, "value": value}
        for system, value in ((SOR, party.sor), (EAN, party.ean))
        if value is not None
    ]
    if identifiers:
        resource["identifier"] = identifiers
    if party.name is not None:
        resource["name"] = party.name
    return resource


def _provenance_copy(
    provenance: Mapping[str, Any], answered: dict[str, str], sender_url: str, stamp: str
) -> dict[str, Any]:
    """The answered message's Provenance: target its MessageHeader, its times (now when they
    are not strings), its MedCom activity codings, the sender as agent."""
    copy: dict[str, Any] = {"resourceType": "Provenance"}
    rid = provenance.get("id")
    if isinstance(rid, str) and FHIR_ID.fullmatch(rid):
        copy["id"] = rid
    copy["meta"] = {"profile": [PROVENANCE_PROFILE]}
    copy["target"] = [dict(answered)]
    for name in ("occurredDateTime", "recorded"):
        value = provenance.get(name)
        copy[name] = value if isinstance(value, str) and "T" in value else stamp
    activity = provenance.get("activity")
    codings = [
        {"system": str(c["system"]), "code": str(c["code"])}
        for c in items(activity.get("coding") if isinstance(activity, Mapping) else None)
        if isinstance(c, Mapping)
        and isinstance(c.get("system"), str)
        and isinstance(c.get("code"), str)
    ]
    if codings:
        copy["activity"] = {"coding": codings}
    copy["agent"] = [{"who": {"reference": sender_url}}]
    return copy
