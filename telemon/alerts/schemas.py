"""Alert shapes for the API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from telemon import paging
from telemon.alerts.queries import CURSOR_SHAPE
from telemon.ids import Id
from telemon.models import ALERT_STATUSES, PROGRAMMES, SEVERITIES


class AlertCursor(fields.Field[paging.Key]):
    """The `next` of a previous page, read as the sort key of that page's last alert."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> paging.Key:
        if isinstance(value, str):
            try:
                return paging.decode(value, CURSOR_SHAPE)
            except ValueError:
                pass
        raise ValidationError("Not a cursor of this list; pass the `next` of the previous page.")


class AlertQuery(Schema):
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES))
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))
    patient_id = Id()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    care_team_id = Id()
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    after = AlertCursor(
        metadata={
            "type": "string",
            "description": "The `next` of the previous page: the alerts after its last one",
        }
    )


class AlertEventOut(Schema):
    at = fields.DateTime()
    kind = fields.String()
    by_id = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class AlertOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    enrollment_id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    severity = fields.String(metadata={"description": "red | yellow | blue (missing measurement)"})
    rule = fields.String()
    reason = fields.String()
    status = fields.String()
    raised_at = fields.DateTime()
    updated_at = fields.DateTime()
    first_seen_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Integer(attribute="acknowledged_by_id", allow_none=True)
    acknowledge_note = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Integer(attribute="resolved_by_id", allow_none=True)
    resolution_note = fields.String(allow_none=True)
    visible_to_patient = fields.Boolean()
    escalated_at = fields.DateTime(allow_none=True)
    observation_ids = fields.Method("_observation_ids")

    def _observation_ids(self, alert: Any) -> list[int]:
        return [o.id for o in alert.observations]


class AlertDetailOut(AlertOut):
    events = fields.List(fields.Nested(AlertEventOut))


class AlertList(Schema):
    items = fields.List(fields.Nested(AlertOut))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last page"},
    )


class AcknowledgeIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ResolveIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    visible_to_patient = fields.Boolean(load_default=False)
