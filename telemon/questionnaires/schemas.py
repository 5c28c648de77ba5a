"""The questionnaire endpoints' input and output."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from telemon.http.ids import Id
from telemon.ingest.schemas import AwareDateTime
from telemon.models import PROGRAMMES
from telemon.questionnaires.responses import PERFORMERS

MAX_ANSWERS = 500


class PublishQuery(Schema):
    programme = fields.String(load_default="copd", validate=validate.OneOf(PROGRAMMES))
    care_team_id = Id(
        query=True,
        load_default=None,
        metadata={"description": "A clinician publishing her care team's own questionnaire"},
    )


class QuestionnaireQuery(Schema):
    url = fields.String(validate=validate.Length(max=340))
    name = fields.String(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(("active", "retired")))


class QuestionnaireOut(Schema):
    id = fields.Integer()
    url = fields.String()
    version = fields.String()
    name = fields.String()
    title = fields.String()
    status = fields.String(metadata={"description": "active | retired"})
    programme = fields.String()
    care_team_id = fields.Integer(allow_none=True)
    source = fields.String(metadata={"description": "fhir | opentele"})
    published_at = fields.DateTime()
    items = fields.Method("_items", metadata={"description": "How many items it has"})

    def _items(self, q: Any) -> int:
        return len(q.resource.get("item") or [])


class QuestionnaireDetail(QuestionnaireOut):
    resource = fields.Dict(metadata={"description": "The FHIR R4 Questionnaire"})


class QuestionnaireList(Schema):
    items = fields.List(fields.Nested(QuestionnaireOut))


class AnswerIn(Schema):
    link_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    value = fields.Raw(
        required=True,
        allow_none=False,
        metadata={
            "description": "true/false, a number, a text, an option's code; a measurement: a "
            "number in the item's unit, or an object by code (blood pressure: systolic_bp, "
            "diastolic_bp, pulse)"
        },
    )


class ResponseIn(Schema):
    client_id = fields.UUID(required=True, metadata={"description": "Idempotency key (UUID)"})
    patient_id = Id(required=True)
    questionnaire_id = Id(required=True)
    authored_at = AwareDateTime(required=True)
    performer = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(PERFORMERS)
    )
    answers = fields.List(
        fields.Nested(AnswerIn), required=True, validate=validate.Length(max=MAX_ANSWERS)
    )


class MarkOut(Schema):
    link_id = fields.String()
    triage = fields.String()
    skipped = fields.Boolean()


class AnswerOut(Schema):
    link_id = fields.String()
    value = fields.Raw()


class ResponseOut(Schema):
    id = fields.Integer(attribute="response.id")
    client_id = fields.UUID(attribute="response.client_id")
    status = fields.Method("_status", metadata={"description": "created | duplicate"})
    patient_id = fields.Integer(attribute="response.patient_id")
    questionnaire_id = fields.Integer(attribute="response.questionnaire_id")
    questionnaire_version = fields.String(attribute="definition.version")
    authored_at = fields.DateTime(attribute="response.authored_at")
    performer = fields.String(attribute="response.performer")
    triage = fields.String(
        attribute="response.triage",
        metadata={"description": "green | yellow | red: the answers' triage by the questionnaire"},
    )
    marked = fields.List(fields.Nested(MarkOut), attribute="marks")
    observation_ids = fields.List(fields.Integer())
    answers = fields.Method("_answers")

    def _status(self, r: Any) -> str:
        return "created" if r.created else "duplicate"

    def _answers(self, r: Any) -> list[dict[str, Any]]:
        return [{"link_id": k, "value": v} for k, v in r.response.answers.items()]


class ResponseList(Schema):
    items = fields.List(fields.Nested(ResponseOut))
