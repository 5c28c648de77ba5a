"""Alert shapes for the API."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from marshmallow import Schema, ValidationError, fields, validate

from telemon import clinical_text
from telemon.alerts.queries import CURSOR_SHAPE, AlertRows
from telemon.http import paging
from telemon.http.ids import Id
from telemon.http.schema_fields import Flag
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
    patient_id = Id(query=True)
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    care_team_id = Id(query=True)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    after = AlertCursor(
        metadata={
            "type": "string",
            "description": "The `next` of the previous page: the alerts after its last one",
        }
    )


# The API's language when the caller asks for none (Accept-Language): English, as before
# reasons were data.
API_DEFAULT_LANGUAGE = "en"


def caller_language() -> str:
    """The language the caller asks for in Accept-Language ("da" or "en"), else English."""
    if not has_request_context():
        return API_DEFAULT_LANGUAGE
    return request.accept_languages.best_match(clinical_text.LANGUAGES) or API_DEFAULT_LANGUAGE


class ReasonOut(Schema):
    code = fields.String(metadata={"description": "The reason's code (telemon.clinical_text)"})
    params = fields.Dict(
        metadata={"description": "Its parameters, values in the measurement's unit"}
    )
    severity = fields.String(allow_none=True)
    text = fields.Method(
        "_text", metadata={"type": "string", "description": "The reason in the caller's language"}
    )

    def _text(self, reason: Any) -> str:
        return clinical_text.reasons_text([reason], caller_language())[0]


class AlertEventOut(Schema):
    at = fields.DateTime()
    kind = fields.String()
    by_id = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    params = fields.Dict(
        allow_none=True, metadata={"description": "What telemon did by itself, as data"}
    )
    note = fields.String(allow_none=True)


class AlertOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    enrollment_id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    severity = fields.String(metadata={"description": "red | yellow | blue (missing measurement)"})
    rule = fields.String(metadata={"description": "The rule of the worst reason"})
    measurement = fields.String(
        metadata={"description": "What it is about: a measurement code, or a key such as wound.7"}
    )
    reason = fields.Method(
        "_reason",
        metadata={
            "type": "string",
            "description": "The worst reason, in the caller's language "
            "(Accept-Language: da or en; English when none is asked for)",
        },
    )
    reason_code = fields.String(metadata={"description": "The worst reason's code"})
    reason_params = fields.Dict(metadata={"description": "The worst reason's parameters"})
    reasons = fields.List(
        fields.Nested(ReasonOut),
        metadata={"description": "Every reason, worst first, each code once"},
    )
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

    def _reason(self, alert: Any) -> str:
        texts = clinical_text.reasons_text(alert.reasons[:1], caller_language())
        return texts[0] if texts else ""


class AlertDetailOut(AlertOut):
    events = fields.List(fields.Nested(AlertEventOut))


class AlertList(Schema):
    items = fields.List(fields.Nested(AlertOut))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last page"},
    )


# The AlertOut fields that are a column of the list's row as they are (queries.LIST_COLUMNS);
# datetimes are written as marshmallow writes them (ISO 8601).
_PLAIN = (
    "id",
    "patient_id",
    "enrollment_id",
    "programme",
    "care_team_id",
    "severity",
    "rule",
    "measurement",
    "status",
)
_TIMES = (
    "raised_at",
    "updated_at",
    "first_seen_at",
    "acknowledged_at",
    "resolved_at",
    "escalated_at",
)


def alert_list_body(page: AlertRows, language: str) -> dict[str, Any]:
    """The body of GET /api/v1/alerts (AlertList) from the rows of queries.alert_rows, written
    directly rather than dumped by marshmallow: the same JSON (tests/e2e/test_alerts_api.py
    compares the two), at a fraction of the cost for a page of 200. Alerts of one rule mostly
    share their reasons' parameters, so each reason is written once per page and language."""
    texts: dict[str, str] = {}

    def text(reason: dict[str, Any]) -> str:
        key = repr(sorted(reason.items()))
        if key not in texts:
            texts[key] = clinical_text.reasons_text([reason], language)[0]
        return texts[key]

    items = []
    for row in page.rows:
        item: dict[str, Any] = {name: getattr(row, name) for name in _PLAIN}
        for name in _TIMES:
            moment = getattr(row, name)
            item[name] = None if moment is None else moment.isoformat()
        reasons = row.reasons or []
        item["reasons"] = [
            {**{k: r[k] for k in ("code", "params", "severity") if k in r}, "text": text(r)}
            for r in reasons
        ]
        item["reason"] = item["reasons"][0]["text"] if reasons else ""
        item["reason_code"] = str(reasons[0]["code"]) if reasons else "text"
        item["reason_params"] = dict(reasons[0]["params"]) if reasons else {"text": ""}
        item["acknowledged_by"] = row.acknowledged_by_id
        item["acknowledge_note"] = row.acknowledge_note
        item["resolved_by"] = row.resolved_by_id
        item["resolution_note"] = row.resolution_note
        item["visible_to_patient"] = row.visible_to_patient
        item["observation_ids"] = page.observation_ids[row.id]
        items.append(item)
    return {"items": items, "next": page.next}


class AcknowledgeIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    visible_to_patient = fields.Boolean(
        load_default=False,
        metadata={"description": "Show the note to the patient (as a resolution note may be)"},
    )


class ResolveIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    visible_to_patient = Flag(load_default=False)
