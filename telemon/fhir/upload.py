"""POST /fhir: a gateway's transaction or batch Bundle, into telemon's readings.

The entries are read into readings by telemon.fhir.intake, and stored through
telemon.ingest.service.ingest_batch, the one store path: the same validation (the JSON API's
ObservationItem schema), plausibility, idempotency, audit and evaluation, with the devices in the
same transaction. A transaction is all or nothing; a batch answers each entry on its own. A
repeated upload stores nothing new and is answered with the existing readings' locations.

The upload is not a use case of its own but calls one: ingest_batch owns the transaction that
stores, and rolls it back when it refuses. So a batch whose store names entries it refuses
(a conflict, say) is stored again without them, in a fresh transaction, keeping nothing of the
refused attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telemon import audit
from telemon.errors import TelemonError
from telemon.fhir import devices, entries, questionnaire_responses
from telemon.fhir.intake import FIELD_PATHS, Answer, Upload, read_entries
from telemon.fhir.model import build, information, outcome_json, parse, without_extensions
from telemon.fhir.outcome import FhirError, Issue
from telemon.ingest import service
from telemon.models import User
from telemon.transactions import transaction

MAX_ENTRIES = 1000


def upload(user: User, body: Any) -> dict[str, Any]:
    """Process a transaction or batch Bundle; the response Bundle as JSON. Raises FhirError for
    a refusal of the whole (a malformed Bundle, or any failing entry of a transaction)."""
    if user.role not in service.INGEST_ROLES:
        raise FhirError(
            403, [Issue(f"Uploads need one of the roles: {', '.join(service.INGEST_ROLES)}.")]
        )
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise FhirError(422, [Issue("POST /fhir takes a Bundle.", "Bundle")])
    if isinstance(body.get("entry"), list) and len(body["entry"]) > MAX_ENTRIES:
        raise FhirError(413, [Issue(f"At most {MAX_ENTRIES} entries in one Bundle.", "Bundle")])
    parse(body, "Bundle")
    bundle_type = body.get("type")
    if bundle_type not in ("transaction", "batch"):
        raise FhirError(
            422, [Issue("The Bundle must be of type transaction or batch.", "Bundle.type")]
        )
    state = Upload(entries.entries_of(without_extensions(body)))
    read_entries(user, state)
    if bundle_type == "transaction":
        if state.failures:
            raise _whole(state.failures)
        # The readings and the questionnaire responses: all or nothing.
        with transaction():
            _store(user, state, transaction=True)
            questionnaire_responses.record_entries(user, body, state, transaction=True)
    else:
        _store(user, state, transaction=False)
        questionnaire_responses.record_entries(user, body, state, transaction=False)
    return _response(state, f"{bundle_type}-response")


def _whole(failures: dict[int, FhirError]) -> FhirError:
    """A transaction's refusal: the first failing entry's status, every failing entry's issues."""
    ordered = [failures[i] for i in sorted(failures)]
    return FhirError(ordered[0].status, [issue for f in ordered for issue in f.issues])


# ---- storing --------------------------------------------------------------------------------


def _store(user: User, state: Upload, transaction: bool) -> None:
    """Store the readings and devices through the one store path. In a batch, entries the store
    refuses (a conflict, say) are answered on their own and the rest stored without them."""
    kept: dict[int, tuple[int, bool]] = {}
    while True:
        items = _unique(item for item in state.items if item["_entry"] not in state.failures)
        try:
            result = service.ingest_batch(user, items, _keeping(user, state, kept))
            break
        except TelemonError as error:
            refused = _refused_entries(error, items)
            if transaction or not refused:
                raise FhirError(error.status, _issues(error, items, state)) from None
            for index, issue_list in refused.items():
                state.fail(index, FhirError(error.status, issue_list))
    _answer(state, items, result, kept)


def _keeping(
    user: User, state: Upload, kept: dict[int, tuple[int, bool]]
) -> Callable[[list[dict[str, Any]]], None]:
    """What runs inside the storing transaction: keep the devices (filling `kept` with each
    Device entry's id and whether it is new), link the readings to them, audit the matches."""
    # In identifier order, so that concurrent uploads naming the same devices in another order
    # wait on each other instead of deadlocking.
    device_entries = sorted(
        (i for i in state.devices if i not in state.failures),
        key=lambda i: (state.devices[i].identifier_system, state.devices[i].identifier_value),
    )
    patient_entries = [i for i in state.patients if i not in state.failures]

    def within(batch: list[dict[str, Any]]) -> None:
        kept.clear()
        for index in device_entries:
            kept[index] = devices.keep(state.devices[index])
        by_spec = {state.devices[i]: kept[i][0] for i in device_entries}
        for item in batch:
            if item.get("_device_spec") is not None:
                item["device_id"] = by_spec[item["_device_spec"]]
        for index in patient_entries:
            audit.record(user, state.patients[index], "patient.match", "fhir_bundle")

    return within


def _unique(items: Any) -> list[dict[str, Any]]:
    """One item per client_id: a reading repeated in one Bundle is stored once."""
    seen: dict[Any, dict[str, Any]] = {}
    for item in items:
        seen.setdefault(item["client_id"], item)
    return list(seen.values())


def _refused_entries(error: TelemonError, items: list[dict[str, Any]]) -> dict[int, list[Issue]]:
    """The entries a store refusal names (its errors are keyed by item index)."""
    by_item = (error.errors or {}).get("observations") or {}
    refused: dict[int, list[Issue]] = {}
    for key, fields in by_item.items():
        item = items[int(key)]
        path = f"Bundle.entry[{item['_entry']}].resource"
        for name, texts in fields.items():
            where = path + FIELD_PATHS.get(name, ".identifier" if name == "client_id" else "")
            for text in texts:
                refused.setdefault(item["_entry"], []).append(Issue(str(text), where))
    return refused


def _issues(error: TelemonError, items: list[dict[str, Any]], state: Upload) -> list[Issue]:
    refused = _refused_entries(error, items)
    issues = [issue for index in sorted(refused) for issue in refused[index]]
    return issues or [Issue(error.detail)]


def _answer(
    state: Upload,
    items: list[dict[str, Any]],
    result: service.BatchResult,
    kept: dict[int, tuple[int, bool]],
) -> None:
    by_client = {str(r.client_id): r for r in result.observations}
    for index, patient_id in state.patients.items():
        if index not in state.failures:
            state.answers[index] = Answer("200 OK", f"Patient/{patient_id}")
    for index, (device_id, created) in kept.items():
        state.answers[index] = Answer("201 Created" if created else "200 OK", f"Device/{device_id}")
    stored: dict[int, list[service.ItemResult]] = {}
    for item in state.items:
        if item["_entry"] not in state.failures:
            stored.setdefault(item["_entry"], []).append(by_client[str(item["client_id"])])
    for index, results in stored.items():
        created = any(r.status == "created" for r in results)
        locations = [f"Observation/{r.id}" for r in results]
        note = (
            information("Stored as " + ", ".join(locations) + ".") if len(locations) > 1 else None
        )
        state.answers[index] = Answer("201 Created" if created else "200 OK", locations[0], note)


def _response(state: Upload, bundle_type: str) -> dict[str, Any]:
    entries = []
    for entry in state.entries:
        if entry.index in state.failures:
            failure = state.failures[entry.index]
            response: dict[str, Any] = {
                "status": _status_line(failure.status),
                "outcome": outcome_json(failure.status, failure.issues),
            }
        else:
            answer = state.answers[entry.index]
            response = {"status": answer.status}
            if answer.location:
                response["location"] = answer.location
            if answer.outcome:
                response["outcome"] = answer.outcome
        entries.append({"response": response})
    return build("Bundle", {"type": bundle_type, "entry": entries})


_REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, '')}".strip()
