"""The observation upload: a batch of 1-500 items, validated whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from telemon import clock
from telemon.http.ids import Id
from telemon.http.schema_fields import Cursor, Number
from telemon.ingest.codes import CODES, plausibility_problem
from telemon.plausible_dates import YEARS

PERFORMERS = ("patient", "nurse", "relative", "device")
LOCATIONS = ("home", "nursing_home")
MAX_BATCH = 500
# Device clocks drift; a reading a few minutes "in the future" is still a real reading.
FUTURE_TOLERANCE = timedelta(minutes=10)
# The earliest reading accepted: home telemonitoring is younger than this, and a device whose
# clock was reset (to 1970, to 2000-01-01 00:00 local) must not file a reading in the past.
EARLIEST_READING = datetime(2000, 1, 2, tzinfo=UTC)


class AwareDateTime(fields.AwareDateTime):
    """RFC 3339 with an explicit offset; the offset is kept. Years 1900-2200 only."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise ValidationError(f"Must lie between the years {YEARS[0]} and {YEARS[1]}.")
        return moment


class ObservationItem(Schema):
    client_id = fields.UUID(required=True, metadata={"description": "Idempotency key (UUID)"})
    patient_id = Id(required=True)
    code = fields.String(required=True, validate=validate.OneOf(sorted(CODES)))
    value = Number(required=True, allow_nan=False)
    value_qualifier = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(("<", ">")),
        metadata={"description": "Device reading beyond its range, e.g. INR '>' 8.0"},
    )
    unit = fields.String(load_default=None, allow_none=True, metadata={"description": "UCUM"})
    effective_at = AwareDateTime(required=True)
    performer = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(PERFORMERS)
    )
    device = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    location = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LOCATIONS))

    @validates_schema(skip_on_field_errors=True)
    def _plausible(self, data: dict[str, Any], **_: Any) -> None:
        spec = CODES[data["code"]]
        if data["unit"] is not None and data["unit"] != spec.unit:
            raise ValidationError(f"{spec.label} is recorded in {spec.unit}.", "unit")
        problem = plausibility_problem(data["code"], data["value"], data["value_qualifier"])
        if problem:
            raise ValidationError(problem, "value")
        if data["effective_at"] > clock.now() + FUTURE_TOLERANCE:
            raise ValidationError("Lies in the future; check the device clock.", "effective_at")
        if data["effective_at"] < EARLIEST_READING:
            raise ValidationError("Lies before 2000-01-02; check the device clock.", "effective_at")


class ObservationBatchIn(Schema):
    observations = fields.List(
        fields.Nested(ObservationItem),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )

    @validates_schema(skip_on_field_errors=True)
    def _unique_client_ids(self, data: dict[str, Any], **_: Any) -> None:
        seen: dict[Any, int] = {}
        errors: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(data["observations"]):
            if item["client_id"] in seen:
                errors[index] = {
                    "client_id": [f"Repeats item {seen[item['client_id']]} of this batch."]
                }
            seen.setdefault(item["client_id"], index)
        if errors:
            raise ValidationError({"observations": errors})


class ObservationResult(Schema):
    client_id = fields.UUID()
    id = fields.Integer()
    status = fields.String(metadata={"description": "created | duplicate"})


class ObservationBatchOut(Schema):
    created = fields.Integer()
    duplicates = fields.Integer()
    observations = fields.List(fields.Nested(ObservationResult))


class ObservationOut(Schema):
    id = fields.Integer()
    client_id = fields.UUID()
    patient_id = fields.Integer()
    code = fields.String()
    loinc = fields.String(allow_none=True)
    value = fields.Float()
    value_qualifier = fields.String(allow_none=True)
    unit = fields.String()
    effective_at = fields.Method("_effective_at", metadata={"description": "With the offset sent"})
    performer = fields.String()
    device = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    received_at = fields.DateTime()
    during_admission = fields.Boolean(
        metadata={
            "description": "Taken while the patient was in hospital, as MedCom "
            "HospitalNotifications told it (kept and evaluated like any other reading)"
        }
    )

    def _effective_at(self, observation: Any) -> str:
        offset = timedelta(minutes=observation.effective_offset_minutes)
        return str(observation.effective_at.astimezone(timezone(offset)).isoformat())


class ExportQuery(Schema):
    code = fields.String(validate=validate.OneOf(sorted(CODES)))
    since = AwareDateTime()
    until = AwareDateTime()


class CsvExportQuery(ExportQuery):
    format = fields.String(
        load_default="machine",
        validate=validate.OneOf(("machine", "spreadsheet")),
        metadata={
            "description": "machine (default): codes, RFC 3339 times with their offsets, commas. "
            "spreadsheet: for Excel in the caller's language: words, Europe/Copenhagen times; "
            "in Danish semicolons and decimal commas"
        },
    )


class ObservationQuery(ExportQuery):
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
    after = Cursor(
        (datetime, int),
        metadata={"type": "string", "description": "The `next` of the previous page"},
    )


class ObservationList(Schema):
    items = fields.List(fields.Nested(ObservationOut))
    next = fields.String(allow_none=True, metadata={"description": "Cursor of the next page"})
