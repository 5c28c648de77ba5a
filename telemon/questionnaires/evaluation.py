"""A questionnaire response judged in the worker: one response, one finding.

The finding is the worst of the answers' triage (what the questionnaire's author marked,
telemon.questionnaires.triage), the triage of measurements left out, and the severities of the
response's readings against the patient's own limits and baseline (the COPD rules, as for any
reading: telemon.copd.evaluation.judge). Yellow and red raise one alert, or join the patient's
unresolved questionnaire alert (measurement key "questionnaire": telemon.alerts.joining), with
every reason (each naming its response: params response_id): one per marked answer
("questionnaire.answer", naming the question as its author wrote it) and one per rule the
readings set off; red is mailed at once, as for readings (telemon.alerts.route). The response's
readings are judged here and not again by the batch evaluation (telemon.questionnaires.responses
marks their batch evaluated), so a low SpO2 in a response is one alert, not two.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from telemon import alerts, clock
from telemon.copd import evaluation as copd_evaluation
from telemon.extensions import db
from telemon.models import Enrollment, Observation, QuestionnaireResponse
from telemon.questionnaires import service
from telemon.questionnaires.definition import Definition
from telemon.questionnaires.triage import Marked, marked_answers
from telemon.transactions import transaction
from telemon.vocabulary import Severity

log = logging.getLogger(__name__)

ANSWER_REASON = "questionnaire.answer"


def answer_reason(definition: Definition, mark: Marked, answers: dict[str, Any]) -> alerts.Reason:
    """The reason an answer gives, as stored (data, not a sentence: clinical_text writes it)."""
    item = definition.item(mark.link_id)
    assert item is not None
    params: dict[str, Any] = {
        "link_id": item.link_id,
        "question": item.text,
        "question_translations": dict(item.translations),
        "skipped": mark.skipped,
    }
    if not mark.skipped:
        value = answers[item.link_id]
        params["answer"] = value
        option = next((o for o in item.options if o.code == value), None)
        if option is not None:
            params["answer_display"] = option.display
            params["answer_translations"] = dict(option.translations)
    return alerts.reason(ANSWER_REASON, params, mark.triage)


def evaluate_response(response_id: int) -> int:
    """The job: judge one response (see the module's docstring) in a transaction of its own.
    Safe to run twice: an evaluated response is left alone. Returns the alert changes made."""
    with transaction():
        response = db.session.scalar(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.id == response_id)
            .with_for_update()
        )
        if response is None or response.evaluated_at is not None:
            return 0
        changes = _judge(response)
        response.evaluated_at = clock.now()
        return changes


def _judge(response: QuestionnaireResponse) -> int:
    enrollment = db.session.scalar(
        select(Enrollment)
        .where(
            Enrollment.patient_id == response.patient_id,
            Enrollment.programme == response.questionnaire.programme,
            Enrollment.status == "active",
        )
        .options(selectinload(Enrollment.thresholds))
    )
    if enrollment is None:
        log.info("questionnaire response %s: no active enrolment; not judged", response.id)
        return 0
    definition = service.definition_of(response.questionnaire)
    findings: list[tuple[str, str, alerts.Reason, tuple[int, ...]]] = []
    for mark in marked_answers(definition, response.answers):
        ids = tuple(response.observation_ids.get(mark.link_id, ()))
        reason = answer_reason(definition, mark, response.answers)
        reason["params"]["response_id"] = response.id
        findings.append((f"questionnaire.{mark.link_id}", mark.triage, reason, ids))
    reading_ids = [i for ids in response.observation_ids.values() for i in ids]
    if reading_ids and enrollment.programme == "copd":
        readings = db.session.scalars(
            select(Observation)
            .where(Observation.id.in_(reading_ids))
            .order_by(Observation.effective_at, Observation.id)
        ).all()
        for _, found in copd_evaluation.judge([(enrollment, readings)]):
            for f in found:
                params = {**f.reason_params, "response_id": response.id}
                reason = alerts.reason(f.reason_code, params, f.severity)
                findings.append((f"questionnaire.{f.rule}", f.severity, reason, f.observation_ids))
    # Worst first, so that the alert is raised with its headline and mailed once when red.
    rank = {Severity.RED: 0, Severity.YELLOW: 1}
    findings = [f for f in findings if f[1] in rank]
    findings.sort(key=lambda f: rank[f[1]])
    for rule, severity, reason, ids in findings:
        outcome = alerts.raise_or_update(enrollment, rule, severity, [reason], ids)
        alerts.route(outcome)
    return len(findings)
