"""Wound shapes for the API: the validation and the OpenAPI document in one place."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from telemon import clock
from telemon.http.ids import Id
from telemon.http.schema_fields import Day, Number, WholeNumber
from telemon.ingest.schemas import FUTURE_TOLERANCE, AwareDateTime
from telemon.models import REVIEW_STATUSES, REVIEW_URGENCIES, WOUND_STATUSES, WOUND_TYPES
from telemon.woundcare.push import EXUDATE_LEVELS, TISSUE_TYPES, closed_but_open_size

ODOURS = ("none", "faint", "strong")
INFECTION_SIGNS = (
    "erythema",
    "warmth",
    "swelling",
    "increasing_pain",
    "purulent_exudate",
    "malodour",
    "wound_breakdown",
    "fever",
)


def _optional(field: fields.Field) -> fields.Field:
    field.load_default = None
    field.allow_none = True
    return field


class WoundIn(Schema):
    body_site = fields.String(required=True, validate=validate.Length(min=1, max=200))
    wound_type = fields.String(required=True, validate=validate.OneOf(WOUND_TYPES))
    onset_date = _optional(Day())


class WoundPatch(Schema):
    status = fields.String(validate=validate.OneOf(WOUND_STATUSES))
    body_site = fields.String(validate=validate.Length(min=1, max=200))


class AnswerTimeOut(Schema):
    care_team_id = fields.Integer()
    urgency = fields.String()
    requests = fields.Integer()
    answered = fields.Integer()
    on_time = fields.Integer(metadata={"description": "Answered by the due time"})
    mean_minutes_to_answer = fields.Float(allow_none=True)
    max_minutes_to_answer = fields.Float(allow_none=True)


class AnswerTimeList(Schema):
    items = fields.List(fields.Nested(AnswerTimeOut))


class AssessmentData(Schema):
    """The JSON held by the `data` part of an assessment upload."""

    client_id = fields.UUID(required=True, metadata={"description": "Idempotency key (UUID)"})
    assessed_at = AwareDateTime(required=True)
    length_cm = Number(required=True, validate=validate.Range(0, 100), allow_nan=False)
    width_cm = Number(required=True, validate=validate.Range(0, 100), allow_nan=False)
    depth_cm = _optional(Number(validate=validate.Range(0, 50), allow_nan=False))
    area_cm2 = _optional(
        Number(
            validate=validate.Range(0, 10000),
            allow_nan=False,
            metadata={
                "description": "Measured area (tracing, planimetry); when left out, the area "
                "is estimated as length × width × π/4 and marked area_estimated"
            },
        )
    )
    tissue = _optional(fields.String(validate=validate.OneOf(TISSUE_TYPES)))
    exudate = _optional(
        fields.String(validate=validate.OneOf(EXUDATE_LEVELS), metadata={"description": "Amount"})
    )
    odour = _optional(fields.String(validate=validate.OneOf(ODOURS)))
    pain = _optional(
        WholeNumber(validate=validate.Range(0, 10, error="A whole number from 0 to 10."))
    )
    periwound = _optional(
        fields.String(validate=validate.Length(max=200), metadata={"description": "Skin around"})
    )
    infection_signs = fields.List(
        fields.String(validate=validate.OneOf(INFECTION_SIGNS)),
        load_default=list,
        metadata={"description": "Any sign raises a red alert to the wound clinic"},
    )
    note = _optional(fields.String(validate=validate.Length(max=4000)))

    @validates_schema(skip_on_field_errors=True)
    def _not_in_future(self, data: dict[str, Any], **_: Any) -> None:
        if data["assessed_at"] > clock.now() + FUTURE_TOLERANCE:
            raise ValidationError("Lies in the future; check the phone's clock.", "assessed_at")
        if closed_but_open_size(
            data.get("tissue"), data["length_cm"], data["width_cm"], data.get("area_cm2")
        ):
            raise ValidationError(
                "A closed wound has no size: length and width 0, or another tissue type.",
                "tissue",
            )


class PhotoOut(Schema):
    id = fields.Integer()
    url = fields.Function(lambda p: f"/api/v1/photos/{p.id}")
    thumbnail_url = fields.Function(lambda p: f"/api/v1/photos/{p.id}/thumbnail")
    media_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class AssessmentOut(Schema):
    id = fields.Integer()
    wound_id = fields.Integer()
    client_id = fields.UUID()
    assessed_at = fields.DateTime()
    assessed_by = fields.Integer(attribute="assessed_by_id")
    recorded_at = fields.DateTime()
    length_cm = fields.Float()
    width_cm = fields.Float()
    depth_cm = fields.Float(allow_none=True)
    area_cm2 = fields.Float()
    area_estimated = fields.Boolean(
        metadata={"description": "True: area is length × width × π/4, not measured"}
    )
    tissue = fields.String(allow_none=True)
    exudate = fields.String(allow_none=True)
    odour = fields.String(allow_none=True)
    pain = fields.Integer(allow_none=True)
    periwound = fields.String(allow_none=True)
    infection_signs = fields.List(fields.String())
    note = fields.String(allow_none=True)
    push_score = fields.Integer(
        allow_none=True, metadata={"description": "PUSH 3.0, 0-17; empty without tissue/exudate"}
    )
    photos = fields.List(fields.Nested(PhotoOut))


class TrajectoryOut(Schema):
    baseline_area_cm2 = fields.Float(allow_none=True)
    latest_area_cm2 = fields.Float(allow_none=True)
    reduction_percent = fields.Float(allow_none=True)
    days_since_baseline = fields.Float(allow_none=True)
    not_healing_as_expected = fields.Boolean()
    reason = fields.String(allow_none=True)


class ReviewRequestOut(Schema):
    id = fields.Integer()
    wound_id = fields.Integer()
    patient_id = fields.Integer()
    care_team_id = fields.Integer()
    assessment_id = fields.Integer(allow_none=True)
    question = fields.String()
    urgency = fields.String(metadata={"description": "urgent | routine"})
    status = fields.String(metadata={"description": "open | answered | closed (acknowledged)"})
    requested_by = fields.Integer(attribute="requested_by_id")
    requested_at = fields.DateTime()
    due_at = fields.DateTime()
    overdue = fields.Method("_overdue")
    first_seen_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    answered_by = fields.Integer(attribute="answered_by_id", allow_none=True)
    instructions = fields.String(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Integer(attribute="acknowledged_by_id", allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)

    def _overdue(self, review: Any) -> bool:
        return review.status == "open" and review.due_at <= clock.now()


class WoundOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    enrollment_id = fields.Integer()
    care_team_id = fields.Integer(metadata={"description": "The wound clinic"})
    body_site = fields.String()
    wound_type = fields.String(metadata={"description": ", ".join(WOUND_TYPES)})
    onset_date = fields.Date(allow_none=True)
    status = fields.String(metadata={"description": ", ".join(WOUND_STATUSES)})
    created_at = fields.DateTime()
    created_by = fields.Integer(attribute="created_by_id")


class WoundDetailOut(WoundOut):
    assessments = fields.List(
        fields.Nested(AssessmentOut), metadata={"description": "Newest first"}
    )
    trajectory = fields.Nested(TrajectoryOut)
    review_requests = fields.List(fields.Nested(ReviewRequestOut))


class ReviewRequestIn(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    urgency = fields.String(required=True, validate=validate.OneOf(REVIEW_URGENCIES))
    assessment_id = _optional(Id())


class ReviewQuery(Schema):
    status = fields.String(validate=validate.OneOf(REVIEW_STATUSES))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class ReviewList(Schema):
    items = fields.List(fields.Nested(ReviewRequestOut))


class ReplyIn(Schema):
    instructions = fields.String(required=True, validate=validate.Length(min=1, max=8000))
