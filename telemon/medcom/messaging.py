"""The envelope every MedCom FHIR message shares (MedCom Messaging), and which receiver takes
which message.

A MedCom message is a Bundle of type "message" whose first entry is a MessageHeader: its id
names the message (a resend has the same id), its eventCoding says what kind of message it is
(hospital-notification-message, care-communication-message, ...), its sender and its
destination's receiver are Organizations in the Bundle (SOR and EAN identifiers), and a
Provenance entry targets the MessageHeader with the activity (admit-inpatient, new-message,
...). `envelope` reads and checks exactly that much; what a kind of message carries inside is
its own module's business (telemon.medcom.hospitalnotification). The answer, an
Acknowledgement, is built from the envelope (telemon.medcom.acknowledgement).

Plain values in, plain values out: no framework, no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

# MedCom publishes its terminology under two namespaces (the older one in IG releases before
# 2023); a receiver reads both and writes the current one.
TERMINOLOGY = "http://medcomfhir.dk/ig/terminology/CodeSystem/"
TERMINOLOGY_OLD = "http://medcomfhir.dk/fhir/dk-medcom-terminology/CodeSystem/"
EVENT_CODES = "medcom-messaging-eventCodes"
ACTIVITY_CODES = "medcom-messaging-activityCodes"
DESTINATION_USE = "medcom-messaging-destinationUse"
DESTINATION_USE_EXTENSION = (
    "http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-destinationUseExtension"
)
SOR = "urn:oid:1.2.208.176.1.1"
EAN = "https://www.gs1.org/gln"

# MessageHeader.eventCoding codes.
HOSPITAL_NOTIFICATION = "hospital-notification-message"
ACKNOWLEDGEMENT = "acknowledgement-message"

T = TypeVar("T")

# A FHIR id: what a MessageHeader's id (the message's identity, kept) must be.
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class MessageError(ValueError):
    """The message cannot be read as a MedCom message: `reason` in words, `expression` where
    (a FHIRPath-like path such as "Bundle.entry[0].resource.id")."""

    def __init__(self, reason: str, expression: str = "Bundle") -> None:
        super().__init__(reason)
        self.reason = reason
        self.expression = expression


@dataclass(frozen=True)
class Party:
    """An Organization of the message (sender or receiver) as sent: its entry's fullUrl and
    resource, and its SOR and EAN numbers and name when given."""

    full_url: str
    resource: Mapping[str, Any]
    sor: str | None
    ean: str | None
    name: str | None


@dataclass(frozen=True)
class Envelope:
    """What every MedCom message says about itself."""

    message_id: str  # MessageHeader.id: the message's identity; a resend carries the same
    event: str  # MessageHeader.eventCoding.code
    header_full_url: str
    sender: Party
    receiver: Party
    source_endpoint: str  # the sender's address (MessageHeader.source.endpoint)
    destination_endpoint: str  # ours, as the sender addressed it
    provenance: Mapping[str, Any] | None  # the Provenance that targets this MessageHeader
    provenance_full_url: str | None


def envelope(bundle: object) -> Envelope:
    """The envelope of a MedCom message Bundle, or MessageError naming what is wrong.

    Checked: a Bundle of type "message" with entries; the first entry a MessageHeader with an
    id and an eventCoding code; its sender and its (first) destination's receiver are
    Organizations in the Bundle; source and destination endpoints are given. A Provenance that
    targets the MessageHeader is looked for but not required here (the kind of message says).
    """
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise MessageError("Not a Bundle.")
    if bundle.get("type") != "message":
        raise MessageError("A MedCom message is a Bundle of type 'message'.", "Bundle.type")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise MessageError("The Bundle has no entries.", "Bundle.entry")
    first = entries[0] if isinstance(entries[0], Mapping) else {}
    header = first.get("resource")
    where = "Bundle.entry[0].resource"
    if not isinstance(header, Mapping) or header.get("resourceType") != "MessageHeader":
        raise MessageError("The first entry must be the MessageHeader.", where)
    message_id = header.get("id")
    if not isinstance(message_id, str) or not FHIR_ID.fullmatch(message_id):
        raise MessageError(
            "The MessageHeader has no id (1-64 letters, digits, '-' and '.').", f"{where}.id"
        )
    coding = header.get("eventCoding")
    event = coding.get("code") if isinstance(coding, Mapping) else None
    if not isinstance(event, str) or not event:
        raise MessageError("The MessageHeader has no eventCoding code.", f"{where}.eventCoding")
    header_url = first.get("fullUrl") if isinstance(first.get("fullUrl"), str) else None
    sender = _party(entries, header.get("sender"), f"{where}.sender")
    destinations = header.get("destination")
    destination = destinations[0] if isinstance(destinations, list) and destinations else None
    if not isinstance(destination, Mapping):
        raise MessageError("The MessageHeader has no destination.", f"{where}.destination")
    receiver = _party(entries, destination.get("receiver"), f"{where}.destination[0].receiver")
    source = header.get("source")
    source_endpoint = source.get("endpoint") if isinstance(source, Mapping) else None
    if not isinstance(source_endpoint, str) or not source_endpoint:
        raise MessageError("The MessageHeader has no source endpoint.", f"{where}.source")
    destination_endpoint = destination.get("endpoint")
    if not isinstance(destination_endpoint, str) or not destination_endpoint:
        raise MessageError(
            "The MessageHeader's destination has no endpoint.", f"{where}.destination[0]"
        )
    full_url = header_url or f"MessageHeader/{message_id}"
    provenance, provenance_url = _provenance_of(entries, full_url, message_id)
    return Envelope(
        message_id=message_id,
        event=event,
        header_full_url=full_url,
        sender=sender,
        receiver=receiver,
        source_endpoint=source_endpoint,
        destination_endpoint=destination_endpoint,
        provenance=provenance,
        provenance_full_url=provenance_url,
    )


def receiver_for(table: Mapping[str, T], env: Envelope) -> T | None:
    """The receiver registered for the message's event (MessageHeader.eventCoding.code), or
    None: a kind of message telemon does not take."""
    return table.get(env.event)


def resolve(entries: list[Any], reference: object) -> tuple[str, Mapping[str, Any]] | None:
    """The entry (fullUrl, resource) a reference points to inside the Bundle, or None.

    A reference matches an entry's fullUrl exactly, or the entry's "Type/id" (MedCom's examples
    write absolute fullUrls and relative references), or the fullUrl's last two segments."""
    ref = reference.get("reference") if isinstance(reference, Mapping) else None
    if not isinstance(ref, str) or not ref:
        return None
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        resource = entry.get("resource")
        if not isinstance(resource, Mapping):
            continue
        url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else ""
        local = f"{resource.get('resourceType')}/{resource.get('id')}"
        if ref in (url, local) or (url and url.endswith(f"/{ref}")) or ref.endswith(f"/{local}"):
            return url or local, resource
    return None


def is_code(coding: object, system_name: str, code: str | None = None) -> bool:
    """Whether a Coding is from MedCom's code system of this name (either namespace), and has
    this code when one is given."""
    if not isinstance(coding, Mapping):
        return False
    system = coding.get("system")
    if system not in (TERMINOLOGY + system_name, TERMINOLOGY_OLD + system_name):
        return False
    return code is None or coding.get("code") == code


def items(value: object) -> list[Any]:
    """A JSON array as a list; anything else (absent, an object, a string) as none."""
    return value if isinstance(value, list) else []


def identifier(resource: Mapping[str, Any], system: str) -> str | None:
    """The value of the resource's first identifier of this system, else None."""
    for ident in items(resource.get("identifier")):
        if isinstance(ident, Mapping) and ident.get("system") == system:
            value = ident.get("value")
            if isinstance(value, str) and value:
                return value
    return None


def referenced_id(reference: object) -> str | None:
    """The id a reference ends in ("MessageHeader/abc" or an absolute URL -> "abc")."""
    ref = reference.get("reference") if isinstance(reference, Mapping) else None
    if not isinstance(ref, str) or not ref.strip("/"):
        return None
    return ref.rstrip("/").rsplit("/", 1)[-1].removeprefix("urn:uuid:")


def _party(entries: list[Any], reference: object, where: str) -> Party:
    found = resolve(entries, reference)
    if found is None or found[1].get("resourceType") != "Organization":
        raise MessageError("Must reference an Organization in the Bundle.", where)
    url, resource = found
    name = resource.get("name")
    return Party(
        full_url=url,
        resource=resource,
        sor=identifier(resource, SOR),
        ean=identifier(resource, EAN),
        name=name if isinstance(name, str) else None,
    )


def _provenance_of(
    entries: list[Any], header_url: str, message_id: str
) -> tuple[Mapping[str, Any] | None, str | None]:
    """The Provenance whose target is this message's MessageHeader (the one describing this
    message; others in the Bundle describe earlier messages of the same stay)."""
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        resource = entry.get("resource")
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "Provenance":
            continue
        for target in items(resource.get("target")):
            ref = target.get("reference") if isinstance(target, Mapping) else None
            if isinstance(ref, str) and (ref == header_url or referenced_id(target) == message_id):
                url = entry.get("fullUrl")
                return resource, url if isinstance(url, str) else None
    return None, None
