"""The entries of an upload Bundle, and references between them (FHIR R4, 3.3.1.4.1).

Plain values: the entries as JSON after the model library accepted the Bundle; no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from telemon.fhir.outcome import FhirError, Issue

SUPPORTED_TYPES = (
    "Patient",
    "Device",
    "DeviceMetric",
    "Observation",
    "Provenance",
    "QuestionnaireResponse",
    "Media",
)
TYPE_ID = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


@dataclass(frozen=True)
class Entry:
    """One entry of the request Bundle (the resource as JSON, after the model accepted it)."""

    index: int
    full_url: str | None
    resource: dict[str, Any]
    method: str | None
    url: str | None
    if_none_exist: str | None

    @property
    def resource_type(self) -> str | None:
        value = self.resource.get("resourceType")
        return value if isinstance(value, str) else None

    @property
    def path(self) -> str:
        return f"Bundle.entry[{self.index}]"

    @property
    def condition(self) -> str | None:
        """The search that makes the entry conditional: ifNoneExist (conditional create), or
        the query of a PUT's URL (conditional update, "Patient?identifier=…")."""
        if self.if_none_exist:
            return self.if_none_exist
        if self.method == "PUT" and self.url and "?" in self.url:
            return self.url.split("?", 1)[1]
        return None


def entries_of(bundle: dict[str, Any]) -> list[Entry]:
    """The request entries, in order."""
    entries = []
    for index, raw in enumerate(bundle.get("entry") or []):
        request = raw.get("request") or {}
        entries.append(
            Entry(
                index=index,
                full_url=raw.get("fullUrl"),
                resource=raw.get("resource") or {},
                method=(request.get("method") or "").upper() or None,
                url=request.get("url"),
                if_none_exist=request.get("ifNoneExist"),
            )
        )
    return entries


def check_request(entry: Entry) -> None:
    """An entry telemon takes: a POST (or PUT) of one of SUPPORTED_TYPES. A GET, DELETE or
    PATCH entry (which holds no resource) is a 405 of its own."""
    if entry.method is not None and entry.method not in ("POST", "PUT"):
        raise FhirError(
            405,
            [Issue(f"{entry.method} is not supported in a Bundle here.", entry.path + ".request")],
        )
    if not entry.resource:
        raise FhirError(422, [Issue("The entry holds no resource.", entry.path)])
    if entry.method is None:
        raise FhirError(
            422, [Issue("A transaction or batch entry needs a request.", entry.path + ".request")]
        )
    if entry.resource_type not in SUPPORTED_TYPES:
        raise FhirError(
            422,
            [
                Issue(
                    f"{entry.resource_type} is not taken here; an upload holds "
                    f"{', '.join(SUPPORTED_TYPES)} resources.",
                    entry.path + ".resource",
                    code="not-supported",
                )
            ],
        )


# ---- references -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a reference points at: an entry of this Bundle, or a resource on this server."""

    entry: int | None = None
    resource_type: str | None = None
    id: str | None = None


class References:
    """Resolves references between the entries of one Bundle (FHIR R4, 3.3.1.4.1): by fullUrl,
    by a relative reference against the referring entry's absolute fullUrl, and by the
    resource's own type and id (as SUSHI-built examples write them); else it names a resource on
    this server ("Patient/12")."""

    def __init__(self, entries: list[Entry]) -> None:
        self._by_url: dict[str, int] = {}
        self._by_type_id: dict[tuple[str, str], int] = {}
        for entry in entries:
            if entry.full_url:
                self._by_url.setdefault(entry.full_url, entry.index)
            rid = entry.resource.get("id")
            if entry.resource_type and isinstance(rid, str):
                self._by_type_id.setdefault((entry.resource_type, rid), entry.index)
            if entry.full_url and entry.resource_type:
                match = TYPE_ID.search(entry.full_url)
                if match and match.group(1) == entry.resource_type:
                    self._by_type_id.setdefault((match.group(1), match.group(2)), entry.index)

    def resolve(self, reference: str, referrer: Entry) -> Target:
        if reference in self._by_url:
            return Target(entry=self._by_url[reference])
        match = TYPE_ID.search(reference)
        if match is None:
            return Target()
        resource_type, rid = match.group(1), match.group(2)
        base = _base_of(referrer.full_url)
        if base and not reference.startswith(("http://", "https://")):
            absolute = f"{base}/{resource_type}/{rid}"
            if absolute in self._by_url:
                return Target(entry=self._by_url[absolute])
        if (resource_type, rid) in self._by_type_id:
            return Target(entry=self._by_type_id[(resource_type, rid)])
        if reference.startswith(("http://", "https://", "urn:")):
            return Target()  # another server's resource: not ours to look up
        return Target(resource_type=resource_type, id=rid)


def _base_of(full_url: str | None) -> str | None:
    if not full_url or not full_url.startswith(("http://", "https://")):
        return None
    match = TYPE_ID.search(full_url)
    return full_url[: match.start()] if match else None


def reference_string(element: Any) -> str | None:
    if isinstance(element, dict) and isinstance(element.get("reference"), str):
        return str(element["reference"])
    return None


def search_params(query: str | None) -> list[tuple[str, str]]:
    """A search string ("identifier=sys|value&…") as (name, value) pairs, percent-decoded.

    Not form decoding: a "+" stays a "+", since gateways write identifier values (time offsets,
    say) into ifNoneExist unencoded.
    """
    pairs = []
    for part in (query or "").lstrip("?").split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote(name), unquote(value)))
    return pairs


def reference_type(reference: Any) -> str | None:
    """The resource type a Reference element names (its type, or its reference's "Type/")."""
    if not isinstance(reference, dict):
        return None
    if isinstance(reference.get("type"), str):
        return str(reference["type"])
    text = reference.get("reference")
    if isinstance(text, str):
        match = TYPE_ID.search(text)
        if match:
            return match.group(1)
    return None
