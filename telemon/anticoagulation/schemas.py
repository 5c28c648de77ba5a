"""Anticoagulation shapes for the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from telemon.anticoagulation.inr_rules import MAX_WEEKLY_DOSE_MG


class DoseSuggestionOut(Schema):
    id = fields.Integer()
    observation_id = fields.Integer()
    nomogram_version = fields.String()
    inr = fields.Float()
    tested_on = fields.Date()
    previous_weekly_dose_mg = fields.Float()
    weekly_dose_mg = fields.Float(metadata={"description": "Suggested new weekly dose (mg)"})
    change_percent = fields.Float()
    hold_doses = fields.Integer()
    contact_clinic = fields.Boolean()
    action = fields.String(
        metadata={"description": 'In words, e.g. "hold one dose, then reduce 10%"'}
    )
    next_test_on = fields.Date()
    notes = fields.List(fields.String())
    status = fields.String(
        metadata={"description": "pending | confirmed | overridden | accepted | superseded"}
    )
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Integer(attribute="decided_by_id", allow_none=True)
    decided_weekly_dose_mg = fields.Float(allow_none=True)
    decision_note = fields.String(allow_none=True)


class LatestInr(Schema):
    value = fields.Float()
    value_qualifier = fields.String(allow_none=True)
    effective_at = fields.DateTime()
    observation_id = fields.Integer()
    performer = fields.String()
    location = fields.String(allow_none=True)
    device = fields.String(allow_none=True)


class AnticoagulationOut(Schema):
    enrollment_id = fields.Integer()
    target_low = fields.Float()
    target_high = fields.Float()
    weekly_dose_mg = fields.Float(metadata={"description": "The dose in force (mg/week)"})
    indication = fields.String(allow_none=True)
    self_managing = fields.Boolean()
    device = fields.String(allow_none=True)
    nomogram_version = fields.String()
    latest_inr = fields.Nested(LatestInr, allow_none=True)
    ttr_percent = fields.Float(
        allow_none=True, metadata={"description": "Rosendaal TTR over ttr_window_days"}
    )
    ttr_window_days = fields.Integer()
    next_test_due = fields.Date(allow_none=True)
    dose_suggestion = fields.Nested(DoseSuggestionOut, allow_none=True)
    dose_history = fields.List(fields.Nested(DoseSuggestionOut))


class DecisionIn(Schema):
    weekly_dose_mg = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_WEEKLY_DOSE_MG),
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class NomogramIn(Schema):
    definition = fields.Dict(
        required=True,
        metadata={"description": "The nomogram table (see telemon.anticoagulation.nomogram)"},
    )


class NomogramOut(Schema):
    version = fields.String()
    definition = fields.Dict()
    created_at = fields.DateTime()
    current = fields.Boolean(
        metadata={"description": "The version new plans and suggestions use (the newest)"}
    )
