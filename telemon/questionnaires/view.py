"""Questionnaire responses as the clinician's pages show them: each question and answer in
the questionnaire's order, the answers its author marked, the readings in it. Reads through
the caller's use case (the alert page's, the patient page's), which has checked access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from telemon import clock
from telemon.copd import rules
from telemon.extensions import db
from telemon.ingest.codes import CODES
from telemon.models import Alert, Observation, Questionnaire, QuestionnaireResponse, User
from telemon.questionnaires import overview, responses, service
from telemon.questionnaires.branching import enabled_items
from telemon.questionnaires.definition import Definition, Item
from telemon.questionnaires.triage import marked_answers
from telemon.transactions import use_case


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


OVERVIEW_DAYS = 14


@dataclass(frozen=True)
class Overview:
    days: list[Any]  # dates, oldest first
    rows: list[overview.Row]


def patient_overview(patient_id: int, thresholds: dict[str, Any], now: Any) -> Overview:
    """The overview table of the last OVERVIEW_DAYS local days (inside the caller's read use
    case, which has checked access): readings coloured against the patient's COPD limits
    (`thresholds`: code → copd.rules.Limits), questionnaire results by their triage."""
    today = clock.local(now).date()
    days = [today - timedelta(days=n) for n in range(OVERVIEW_DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], time(), tzinfo=clock.COPENHAGEN)
    observations = db.session.scalars(
        select(Observation)
        .where(Observation.patient_id == patient_id, Observation.effective_at >= since)
        .order_by(Observation.effective_at, Observation.id)
    )
    readings = [
        overview.Reading(
            clock.local(o.effective_at).date(),
            o.code,
            o.value,
            rules.classify(o.value, thresholds[o.code]) if o.code in thresholds else None,
        )
        for o in observations
    ]
    rows = db.session.execute(
        select(QuestionnaireResponse, Questionnaire.title)
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(
            QuestionnaireResponse.patient_id == patient_id,
            QuestionnaireResponse.authored_at >= since,
        )
        .order_by(QuestionnaireResponse.authored_at, QuestionnaireResponse.id)
    ).all()
    results = [
        overview.Result(clock.local(r.authored_at).date(), r.id, title, r.triage)
        for r, title in rows
    ]
    return Overview(days, overview.table(days, readings, results, list(CODES)))


@use_case
def response_page(user: User, response_id: int) -> ResponseView:
    """One response as the clinician's page shows it (read audited: responses.read)."""
    return view_of(responses.read(user, response_id).response)
