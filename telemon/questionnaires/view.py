"""Questionnaire responses as the clinician's pages show them: each question and answer in
the questionnaire's order, the answers its author marked, the readings in it. Reads through
the caller's use case (the alert page's, the patient page's), which has checked access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from telemon.extensions import db
from telemon.models import Alert, QuestionnaireResponse
from telemon.questionnaires import service
from telemon.questionnaires.branching import enabled_items
from telemon.questionnaires.definition import Definition, Item
from telemon.questionnaires.triage import marked_answers


@dataclass(frozen=True)
class Line:
    item: Item
    answer: Any  # None: not answered (a display item, a measurement left out)
    triage: str | None  # "yellow" | "red" for a marked answer


@dataclass(frozen=True)
class ResponseView:
    response: QuestionnaireResponse
    definition: Definition
    lines: list[Line]


def view_of(response: QuestionnaireResponse) -> ResponseView:
    definition = service.definition_of(response.questionnaire)
    marks = {m.link_id: m.triage for m in marked_answers(definition, response.answers)}
    lines = [
        Line(item, response.answers.get(item.link_id), marks.get(item.link_id))
        for item in enabled_items(definition, response.answers)
    ]
    return ResponseView(response, definition, lines)


def responses_by_id(patient_id: int, ids: Iterable[int]) -> list[ResponseView]:
    """These responses of this patient, newest first."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.id.in_(wanted), QuestionnaireResponse.patient_id == patient_id)
        .order_by(QuestionnaireResponse.authored_at.desc())
    )
    return [view_of(r) for r in rows]


def of_alert(alert: Alert) -> list[ResponseView]:
    """The responses an alert's reasons name (a questionnaire alert), newest first."""
    ids = [
        r["params"]["response_id"]
        for r in alert.reasons or []
        if isinstance(r.get("params"), dict) and isinstance(r["params"].get("response_id"), int)
    ]
    return responses_by_id(alert.patient_id, ids)
