"""Messages about a patient as FHIR Communication (id `msg-{n}`: Communication/{n} stays the
wound clinic's reply to review request n): read, search by patient, create; and a team's
message to another organisation as a MedCom CareCommunication message Bundle
($carecommunication). Each is one use case of telemon.messages, audited as the API's are."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from telemon import access
from telemon.errors import Invalid, NotFound
from telemon.fhir import resources, search
from telemon.fhir.model import build, parse
from telemon.fhir.outcome import FhirError, Issue
from telemon.http import links, paging
from telemon.http.ids import id_from_text
from telemon.messages import exchange, service
from telemon.models import User
from telemon.transactions import use_case

PREFIX = "msg-"


def is_message(rid: str) -> bool:
    return rid.startswith(PREFIX)


def _message_id(rid: str) -> int:
    value = id_from_text(rid.removeprefix(PREFIX)) if is_message(rid) else None
    if value is None:
        raise NotFound("No such message.")
    return value


@use_case
def read(user: User, rid: str) -> dict[str, Any]:
    access.require_role(user, *service.READ_ROLES)
    message = service.load_message(user, _message_id(rid), "message.read")
    return resources.message_communication(message)


def _patient_param(params: list[tuple[str, str]]) -> int:
    text = (search.one(params, "patient") or search.one(params, "subject") or "").removeprefix(
        "Patient/"
    )
    value = id_from_text(text)
    if value is None:
        raise FhirError(400, [Issue("Search messages by patient (patient=Patient/{id}).")])
    return value


def search_messages(user: User, params: list[tuple[str, str]], url: str) -> dict[str, Any]:
    """Communication?patient=: the patient's thread, newest first, `_count` a page, `next`."""
    patient_id = _patient_param(params)
    cursor = search.one(params, "_cursor")
    after = None
    if cursor:
        try:
            after = paging.decode(cursor, service.CURSOR_SHAPE)
        except ValueError:
            raise FhirError(400, [Issue("_cursor is not one of this search's.")]) from None
    page = service.thread_page(user, patient_id, search.count(params), after)
    next_url = None
    if page.next:
        kept = [(k, v) for k, v in params if k != "_cursor"]
        next_url = f"{url}?{urlencode([*kept, ('_cursor', page.next)])}"
    entries = [("Communication", resources.message_communication(m)) for m in page.items]
    return resources.searchset(entries, links.base_url(), f"{url}?{urlencode(params)}", next_url)


def create(user: User, body: Any) -> dict[str, Any]:
    """POST /fhir/Communication: write into the subject's thread. The identifier's value is
    the client id (a retry stores nothing new); inResponseTo names the message answered."""
    communication = parse(body, "Communication")
    subject = getattr(communication.subject, "reference", None) or ""
    patient_id = id_from_text(subject.removeprefix("Patient/")) if subject else None
    if patient_id is None:
        raise FhirError(422, [Issue("subject must be Patient/{id}.", "Communication.subject")])
    texts = [p.contentString for p in communication.payload or [] if p.contentString is not None]
    if len(texts) != 1:
        raise FhirError(
            422, [Issue("One payload with contentString is needed.", "Communication.payload")]
        )
    identifiers = [i.value for i in communication.identifier or [] if i.value]
    if not identifiers:
        raise FhirError(
            422,
            [
                Issue(
                    "identifier (the client's id) is needed, so a retry stores nothing new.",
                    "Communication.identifier",
                )
            ],
        )
    reply_to = None
    for ref in communication.inResponseTo or []:
        named = (ref.reference or "").removeprefix("Communication/")
        reply_to = id_from_text(named.removeprefix(PREFIX)) if is_message(named) else None
        if reply_to is None:
            raise FhirError(
                422,
                [Issue("inResponseTo names Communication/msg-{id}.", "Communication.inResponseTo")],
            )
    data = {"client_id": identifiers[0], "body": texts[0], "reply_to": reply_to}
    try:
        message = service.write(user, patient_id, data)
    except Invalid as error:
        field = next(iter(error.errors or {"body": None}))
        path = {
            "body": "Communication.payload",
            "reply_to": "Communication.inResponseTo",
            "client_id": "Communication.identifier",
        }
        raise FhirError(422, [Issue(error.detail, path.get(field, "Communication"))]) from None
    return resources.message_communication(message)


def carecommunication(user: User, rid: str) -> dict[str, Any]:
    """The message as a MedCom CareCommunication message Bundle (validated as R4 here)."""
    bundle = exchange.carecommunication_for(user, _message_id(rid), f"{links.base_url()}/fhir")
    return build("Bundle", bundle)
