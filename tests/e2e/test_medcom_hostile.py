"""Mangled MedCom messages on POST /fhir/$process-message: every element of a valid
HospitalNotification removed, or replaced by a number or an object, one at a time. Each is
answered -- an Acknowledgement that is valid FHIR (`fatal-error` or `ok`), or a 422
OperationOutcome when there is no envelope to answer -- never a 500, and nothing is half
stored."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from telemon import clock
from telemon.extensions import db
from telemon.models import ReceivedMessage
from tests.helpers import create_broker, token_for
from tests.medcom import header_id, new_id, notification

pytestmark = pytest.mark.slow  # hundreds of requests: with the fuzzing tests

REPLACEMENTS = (7, {"x": 1})


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


def _mangled(message: dict, path: tuple, replacement: Any) -> dict:
    mangled = copy.deepcopy(message)
    *parents, last = path
    holder: Any = mangled
    for part in parents:
        holder = holder[part]
    if replacement is None:
        del holder[last]
    else:
        holder[last] = replacement
    header = mangled.get("entry", [{}])
    try:
        if path[:4] != ("entry", 0, "resource", "id"):
            header[0]["resource"]["id"] = new_id()  # each variant a message of its own
    except (KeyError, IndexError, TypeError):
        pass
    return mangled


def test_every_mangled_message_is_answered(app, client, world) -> None:
    create_broker(world)
    db.session.commit()
    admitted = datetime.combine(date(2026, 11, 23), time(10), tzinfo=clock.COPENHAGEN)
    app.config["TELEMON_NOW"] = admitted
    headers = {**token_for(client, "broker"), "Content-Type": "application/fhir+json"}
    message = notification(
        "STOR",
        cpr=world.patient.cpr,
        episode="ep-h",
        start=admitted,
        leave=(admitted, None),
        history=[(new_id(), "admit-inpatient")],
    )
    answered = 0
    for path in _paths(message):
        for replacement in (None, *REPLACEMENTS):
            mangled = _mangled(message, path, replacement)
            response = client.post("/fhir/$process-message", json=mangled, headers=headers)
            where = f"{path} -> {replacement!r}"
            assert response.status_code in (200, 422), (where, response.get_json())
            body = response.get_json()
            if response.status_code == 422:
                assert body["resourceType"] == "OperationOutcome", where
                continue
            Bundle.model_validate(body)
            header = body["entry"][0]["resource"]
            assert header["response"]["code"] in ("ok", "fatal-error"), where
            assert header["response"]["identifier"] == header_id(mangled), where
            answered += 1
    assert answered > 50
    # One kept message per answered one: nothing half stored.
    assert db.session.scalar(select(func.count(ReceivedMessage.id))) == answered
