"""Recording and reading a patient's answers to a questionnaire: use cases.

Recording is all or nothing, once per client_id, like a reading: access as for readings (the
patient herself, care staff who may see her: telemon.ingest.service.recordable_patients); the
answers checked against the version answered (branching.validate_response: 422 naming the
item, nothing stored); the measurement answers (and totals, such as the CAT score) stored as
Observations through ingest's own store path (telemon.ingest.service.ingest_batch, in this
transaction: the same idempotency, audit and evaluation of the readings), their client ids
derived from the response's; the triage of the answers returned at once. After the commit
the worker judges the response as one finding (telemon.questionnaires.evaluation).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from telemon import access, audit, clock
from telemon.background import jobs, work
from telemon.errors import Conflict, Forbidden, Invalid, NotFound
from telemon.extensions import db
from telemon.ingest import service as ingest
from telemon.ingest.schemas import EARLIEST_READING, FUTURE_TOLERANCE
from telemon.models import IngestBatch, Observation, Questionnaire, QuestionnaireResponse, User
from telemon.questionnaires import assignments, service
from telemon.questionnaires.branching import ResponseInvalid, validate_response
from telemon.questionnaires.definition import Answer, Definition
from telemon.questionnaires.triage import Marked, marked_answers, triage
from telemon.transactions import in_use_case, use_case
from telemon.vocabulary import Role

log = logging.getLogger(__name__)

PERFORMERS = ("patient", "relative", "nurse")
PATIENT_PERFORMERS = ("patient", "relative")
MAX_ATTEMPTS = 3
READ_ROLES = ("patient", "nurse", "clinician", "gp")


@dataclass(frozen=True)
class Recorded:
    response: QuestionnaireResponse
    definition: Definition
    marks: list[Marked]
    created: bool

    @property
    def observation_ids(self) -> list[int]:
        return [i for ids in self.response.observation_ids.values() for i in ids]


def _content_hash(data: dict[str, Any], performer: str) -> str:
    canonical = {
        "patient_id": data["patient_id"],
        "questionnaire_id": data["questionnaire_id"],
        "authored_at": data["authored_at"].isoformat(),
        "answers": [[a["link_id"], a["value"]] for a in data["answers"]],
        "performer": performer,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _performer(user: User, given: str | None) -> str:
    if user.role == Role.PATIENT:
        if given not in (None, *PATIENT_PERFORMERS):
            raise Invalid(
                "A patient answers herself, or a relative for her.",
                {"performer": [f"One of {', '.join(PATIENT_PERFORMERS)}."]},
            )
        return given or "patient"
    if given is None and user.role == Role.NURSE:
        return "nurse"
    if given not in PERFORMERS:
        raise Invalid("Say who answered.", {"performer": [f"One of {', '.join(PERFORMERS)}."]})
    return given


def record(user: User, data: dict[str, Any]) -> Recorded:
    """Record a response (see the module's docstring): `data` holds client_id, patient_id,
    questionnaire_id, authored_at (aware), answers [{link_id, value}] and performer (optional).
    A client_id sent before with the same content answers the stored response; with other
    content, 409. A race with a concurrent retry is settled by trying again: the retry's
    response is then found."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return _record(user, data)
        except IntegrityError:
            if in_use_case():
                raise
            log.info("questionnaire response raced a concurrent retry (attempt %s)", attempt)
    raise RuntimeError("a questionnaire response could not settle a race with its retries")


@use_case
def _record(user: User, data: dict[str, Any]) -> Recorded:
    access.require_role(user, *ingest.INGEST_ROLES)
    patient_id = data["patient_id"]
    if patient_id not in ingest.recordable_patients(user, [patient_id]):
        audit.record_refusal(user, patient_id, "questionnaire_response.create", "patient")
        raise Forbidden(
            "Not a patient you may record for.",
            {"patient_id": ["Not a patient you may record for."]},
        )
    performer = _performer(user, data.get("performer"))
    questionnaire = db.session.get(Questionnaire, data["questionnaire_id"])
    if questionnaire is None:
        raise Invalid("No such questionnaire.", {"questionnaire_id": ["No such questionnaire."]})
    definition = service.definition_of(questionnaire)
    content_hash = _content_hash(data, performer)
    existing = db.session.scalar(
        select(QuestionnaireResponse).where(QuestionnaireResponse.client_id == data["client_id"])
    )
    if existing is not None:
        if existing.content_hash != content_hash:
            raise Conflict(
                "This client_id was sent before with other content.",
                {"client_id": ["Already used for a response with other content."]},
            )
        audit.record(
            user, patient_id, "questionnaire_response.create", "questionnaire_response", existing.id
        )
        answers = dict(existing.answers)
        return Recorded(existing, definition, marked_answers(definition, answers), False)
    if questionnaire.status != "active":
        raise Invalid(
            "This questionnaire is retired and takes no new answers.",
            {"questionnaire_id": ["Retired: answer its newer version."]},
        )
    authored_at: datetime = data["authored_at"]
    if authored_at > clock.now() + FUTURE_TOLERANCE:
        raise Invalid(
            "Lies in the future.", {"authored_at": ["Lies in the future; check the clock."]}
        )
    if authored_at < EARLIEST_READING:
        raise Invalid("Too early.", {"authored_at": ["Lies before 2000-01-02."]})
    try:
        answers = validate_response(
            definition, [(a["link_id"], a["value"]) for a in data["answers"]]
        )
    except ResponseInvalid as error:
        raise Invalid(
            "The answers do not fit the questionnaire: " + str(error), {"answers": error.errors}
        ) from None
    observation_ids, batch_id = _store_readings(user, data, definition, answers, performer)
    offset = authored_at.utcoffset() or timedelta(0)
    response = QuestionnaireResponse(
        client_id=data["client_id"],
        content_hash=content_hash,
        questionnaire_id=questionnaire.id,
        patient_id=patient_id,
        authored_at=authored_at,
        authored_offset_minutes=int(offset.total_seconds() // 60),
        performer=performer,
        recorded_by_id=user.id,
        received_at=clock.now(),
        answers=answers,
        triage=triage(definition, answers),
        observation_ids=observation_ids,
        batch_id=batch_id,
    )
    db.session.add(response)
    db.session.flush()  # a concurrent retry's row makes this raise IntegrityError
    if batch_id is not None:
        # The response's readings are judged with its answers, as one finding
        # (telemon.questionnaires.evaluation), not again on their own by the batch evaluation.
        db.session.execute(
            update(IngestBatch).where(IngestBatch.id == batch_id).values(evaluated_at=clock.now())
        )
    assignments.resolve_missing(patient_id, questionnaire.programme)
    work.enqueue(jobs.EVALUATE_RESPONSE, response.id)
    audit.record(
        user, patient_id, "questionnaire_response.create", "questionnaire_response", response.id
    )
    return Recorded(response, definition, marked_answers(definition, answers), True)


def _store_readings(
    user: User,
    data: dict[str, Any],
    definition: Definition,
    answers: dict[str, Answer],
    performer: str,
) -> tuple[dict[str, list[int]], int | None]:
    """The measurement answers and complete totals as Observations, through ingest: each
    reading's client_id is derived from the response's, the item and the code, so a resent
    response stores no reading twice. Returns the ids by link id (a total by its code) and
    the batch they were stored in."""
    items: list[dict[str, Any]] = []
    keys: list[str] = []
    for item in definition.items:
        if item.type != "measurement" or item.link_id not in answers:
            continue
        value = answers[item.link_id]
        values = value if isinstance(value, dict) else {item.components[0]: value}
        for code in item.components:
            items.append(_reading(data, f"{item.link_id}/{code}", code, values[code], performer))
            keys.append(item.link_id)
    for total in definition.totals:
        parts = [answers.get(link_id) for link_id in total.link_ids]
        if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            value = sum(int(p) for p in parts if isinstance(p, int))
            items.append(_reading(data, f"total/{total.code}", total.code, value, performer))
            keys.append(total.code)
    if not items:
        return {}, None
    result = ingest.ingest_batch(user, items)
    ids: dict[str, list[int]] = {}
    for key, stored in zip(keys, result.observations, strict=True):
        ids.setdefault(key, []).append(stored.id)
    batch_id = db.session.scalar(
        select(Observation.batch_id).where(Observation.id == result.observations[0].id)
    )
    return ids, batch_id


def _reading(
    data: dict[str, Any], key: str, code: str, value: float, performer: str
) -> dict[str, Any]:
    return {
        "client_id": uuid.uuid5(data["client_id"], key),
        "patient_id": data["patient_id"],
        "code": code,
        "value": float(value),
        "value_qualifier": None,
        "effective_at": data["authored_at"],
        # ingest's performers: a nurse answering with the patient took the reading herself.
        "performer": performer,
        "device": None,
        "location": None,
    }


# ---- reading ------------------------------------------------------------------------------


@use_case
def read(user: User, response_id: int) -> Recorded:
    """One response, for those who may see its patient (audited; unknown and not yours: 404)."""
    response = db.session.get(QuestionnaireResponse, response_id)
    access.require_role(user, *READ_ROLES)
    if response is None:
        raise NotFound("No such questionnaire response.")
    access.patient_for(
        user,
        response.patient_id,
        "questionnaire_response.read",
        "questionnaire_response",
        response_id,
    )
    definition = service.definition_of(response.questionnaire)
    return Recorded(response, definition, marked_answers(definition, response.answers), False)


@use_case
def for_patient(user: User, patient_id: int, limit: int = 100) -> list[Recorded]:
    """The patient's responses, newest first (audited as one read)."""
    access.require_role(user, *READ_ROLES)
    access.patient_for(user, patient_id, "questionnaire_response.read", "questionnaire_response")
    rows = db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient_id)
        .order_by(QuestionnaireResponse.authored_at.desc(), QuestionnaireResponse.id.desc())
        .limit(limit)
    )
    recorded = []
    definitions: dict[int, Definition] = {}
    for row in rows:
        if row.questionnaire_id not in definitions:
            definitions[row.questionnaire_id] = service.definition_of(row.questionnaire)
        definition = definitions[row.questionnaire_id]
        recorded.append(Recorded(row, definition, marked_answers(definition, row.answers), False))
    return recorded
