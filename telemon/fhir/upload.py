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
from dataclasses import dataclass
from typing import Any

from telemon import audit, clock
from telemon.errors import TelemonError
from telemon.fhir import devices, entries, kept, questionnaire_responses
from telemon.fhir.intake import read_entries
from telemon.fhir.mapping import DeviceSpec
from telemon.fhir.model import build, information, outcome_json, parse, without_extensions
from telemon.fhir.outcome import FhirError, Issue
from telemon.fhir.resources import KEPT_PREFIX, instant
from telemon.fhir.upload_state import DEVICE_ENTRY, FIELD_PATHS, Answer, Upload
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
    kept_devices: dict[int, tuple[int, bool]] = {}
    kept_metrics: dict[int, tuple[int, bool]] = {}
    kept_observations: dict[int, tuple[int, bool]] = {}
    while True:
        items = _unique(item for item in state.items if item["_entry"] not in state.failures)
        within = _keeping(user, state, kept_devices, kept_metrics, kept_observations)
        try:
            result = service.ingest_batch(user, items, within, recordable=state.recordable)
            break
        except TelemonError as error:
            refused = _refused_entries(error, items)
            if transaction or not refused:
                raise FhirError(error.status, _issues(error, items, state)) from None
            for index, issue_list in refused.items():
                state.fail(index, FhirError(error.status, issue_list))
    _answer(state, items, result, {**kept_devices, **kept_metrics}, kept_observations)


def _keeping(
    user: User,
    state: Upload,
    kept_devices: dict[int, tuple[int, bool]],
    kept_metrics: dict[int, tuple[int, bool]],
    kept_observations: dict[int, tuple[int, bool]],
) -> Callable[[list[dict[str, Any]]], None]:
    """What runs inside the storing transaction: keep the devices (filling `kept_devices` with
    each Device entry's id and whether it is new) and their DeviceMetrics (`kept_metrics`),
    link the readings to them, keep the
    Observations that are no readings (filling `kept_observations`), audit the matches."""
    # In identifier order, so that concurrent uploads naming the same devices in another order
    # wait on each other instead of deadlocking.
    device_entries = sorted(
        (i for i in state.devices if i not in state.failures),
        key=lambda i: (state.devices[i].identifier_system, state.devices[i].identifier_value),
    )
    patient_entries = [i for i in state.patients if i not in state.failures]
    metric_entries = [i for i in state.metric_sources if i not in state.failures]

    def within(batch: list[dict[str, Any]]) -> None:
        state.kept_resources = {}
        kept_devices.clear()
        kept_metrics.clear()
        kept_observations.clear()
        for index in device_entries:
            kept_devices[index] = devices.keep(state.devices[index])
        by_spec = {state.devices[i]: kept_devices[i][0] for i in device_entries}
        for url in sorted(state.foreign_devices):
            spec = state.foreign_devices[url]
            by_spec[spec] = devices.keep(spec)[0]
        others = [item for item in state.kept if item["_entry"] not in state.failures]
        for item in [*batch, *others]:
            if item.get("_device_spec") is not None:
                item["device_id"] = by_spec[item["_device_spec"]]
        for index in metric_entries:
            source = state.metric_sources[index]
            device_id = by_spec[source] if isinstance(source, DeviceSpec) else source
            kept_metrics[index] = devices.keep_metric(state.metrics[index], device_id)
        by_entry = {DEVICE_ENTRY + str(i): f"Device/{kept_devices[i][0]}" for i in device_entries}
        for item in others:
            item["resource"] = _with_devices(item["_resource"], by_entry)
        kept_observations.update(kept.keep(user, others))
        state.kept_resources = kept.keep_resources(
            user, [i for i in state.kept_others if i["_entry"] not in state.failures]
        )
        kept.keep_sources(batch)
        for index in patient_entries:
            audit.record(user, state.patients[index], "patient.match", "fhir_bundle")

    return within


def _with_devices(value: Any, by_entry: dict[str, str]) -> Any:
    """A kept resource with its Device entries' references made Device/{id}; any it could not
    make (a refused device) dropped."""
    if isinstance(value, list):
        return [v for v in (_with_devices(v, by_entry) for v in value) if v != {}]
    if not isinstance(value, dict):
        return value
    out = {k: _with_devices(v, by_entry) for k, v in value.items()}
    reference = out.get("reference")
    if isinstance(reference, str) and reference.startswith(DEVICE_ENTRY):
        if reference in by_entry:
            out["reference"] = by_entry[reference]
        else:
            out.pop("reference")
    return out


def _unique(items: Any) -> list[dict[str, Any]]:
    """One item per client_id: a reading repeated in one Bundle is stored once."""
    seen: dict[Any, dict[str, Any]] = {}
    for item in items:
        seen.setdefault(item["client_id"], item)
    return list(seen.values())


def _refused_entries(error: TelemonError, items: list[dict[str, Any]]) -> dict[int, list[Issue]]:
    """The entries a store refusal names (its errors are keyed by item index; a kept
    Observation's by entry index)."""
    by_item = (error.errors or {}).get("observations") or {}
    refused: dict[int, list[Issue]] = {}
    for key, fields in ((error.errors or {}).get("kept") or {}).items():
        for texts in fields.values():
            where = f"Bundle.entry[{key}].resource.identifier"
            refused.setdefault(int(key), []).extend(Issue(str(t), where) for t in texts)
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
    kept_devices: dict[int, tuple[int, bool]],
    kept_observations: dict[int, tuple[int, bool]],
) -> None:
    by_client = {str(r.client_id): r for r in result.observations}
    for index, patient_id in state.patients.items():
        if index not in state.failures:
            state.answers[index] = Answer("200 OK", f"Patient/{patient_id}")
    for index, (device_id, created) in kept_devices.items():
        kind = state.entries[index].resource_type
        state.answers[index] = Answer("201 Created" if created else "200 OK", f"{kind}/{device_id}")
    for index, (row_id, created) in state.kept_resources.items():
        kind = state.entries[index].resource_type
        state.answers[index] = Answer(
            "201 Created" if created else "200 OK",
            f"{kind}/{KEPT_PREFIX}{row_id}",
            information(f"Kept as sent ({kind}); telemon does not act on it yet."),
        )
    reasons = {item["_entry"]: item["kept"].reason for item in state.kept}
    for index, (row_id, created) in kept_observations.items():
        state.answers[index] = Answer(
            "201 Created" if created else "200 OK",
            f"Observation/{KEPT_PREFIX}{row_id}",
            information(_kept_note(reasons.get(index))),
        )
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


# Resources that are never changed once stored: version 1, for good (telemon.fhir.resources).
FIRST_VERSION_ONLY = (
    "Patient",
    "Device",
    "Observation",
    "Provenance",
    "QuestionnaireResponse",
    "Media",
)


def _response(state: Upload, bundle_type: str) -> dict[str, Any]:
    entries = []
    now = instant(clock.now())
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
                if answer.location.split("/")[0] in FIRST_VERSION_ONLY:
                    response["location"] += "/_history/1"
                    response["etag"] = 'W/"1"'
                    if answer.status.startswith("201"):
                        response["lastModified"] = now
            if answer.outcome:
                response["outcome"] = answer.outcome
        entries.append({"response": response})
    return build("Bundle", {"type": bundle_type, "entry": entries})


def _kept_note(reason: str | None) -> str:
    if reason:
        kind, _, why = reason.partition(":")
        said = f"its value is absent: {why}" if kind == "absent" else f"its status is {why}"
        return f"Kept as sent, not evaluated: {said}."
    return "Kept as sent and shown on the patient's page; telemon has no rule for it."


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


# ---- single resources ("mix and match": POST /fhir/Observation, POST /fhir/Device) --------

CREATABLE = ("Observation", "Device")


@dataclass(frozen=True)
class Created:
    """How a single create is answered: the status, the location, an informational outcome."""

    status: int
    location: str | None
    outcome: dict[str, Any] | None


def create(user: User, resource_type: str, body: Any, if_none_exist: str | None = None) -> Created:
    """A single resource posted on its own, taken as the one entry of a transaction: the same
    validation, idempotency, storing and evaluation as the Bundle path. If-None-Exist is the
    entry's ifNoneExist. Raises FhirError for a refusal, its issues naming the resource."""
    if not isinstance(body, dict) or body.get("resourceType") != resource_type:
        where = f"{resource_type}.resourceType"
        raise FhirError(422, [Issue(f"POST /fhir/{resource_type} takes a {resource_type}.", where)])
    request = {"method": "POST", "url": resource_type}
    if if_none_exist:
        request["ifNoneExist"] = if_none_exist
    bundle = {"resourceType": "Bundle", "type": "transaction"}
    bundle["entry"] = [{"resource": body, "request": request}]
    try:
        answer = upload(user, bundle)["entry"][0]["response"]
    except FhirError as error:
        raise FhirError(
            error.status, [_as_single(i, resource_type) for i in error.issues]
        ) from None
    location = answer.get("location")
    return Created(int(answer["status"].split()[0]), location, answer.get("outcome"))


def _as_single(issue: Issue, resource_type: str) -> Issue:
    where = issue.expression
    if where and where.startswith("Bundle.entry[0].resource"):
        where = resource_type + where.removeprefix("Bundle.entry[0].resource")
    elif where and where.startswith("Bundle"):
        where = resource_type
    text = issue.diagnostics.replace("Bundle.entry[0]", "the resource")
    return Issue(text, where, issue.code, issue.severity)


def submit_measurement(user: User, body: Any) -> dict[str, Any]:
    """FUT's POST /fhir/$submit-measurement: a Parameters holding the measurement Bundle, taken
    as POST /fhir takes it (the answer is its transaction-response)."""
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirError(422, [Issue("$submit-measurement takes a Parameters.", "Parameters")])
    bundles = [
        p["resource"]
        for p in body.get("parameter") or []
        if isinstance(p, dict)
        and isinstance(p.get("resource"), dict)
        and p["resource"].get("resourceType") == "Bundle"
    ]
    if len(bundles) != 1:
        where = "Parameters.parameter"
        raise FhirError(422, [Issue("Send one Bundle (the parameter 'bundle').", where)])
    return upload(user, bundles[0])
