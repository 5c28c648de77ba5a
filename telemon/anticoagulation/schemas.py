"""Anticoagulation shapes for the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from telemon import clinical_text
from telemon.alerts.schemas import caller_language
from telemon.anticoagulation.decision import MAX_HOLD_DAYS
from telemon.anticoagulation.dose_worklist import CURSOR_SHAPE
from telemon.anticoagulation.inr_rules import MAX_WEEKLY_DOSE_MG
from telemon.http.schema_fields import Cursor, Flag, Number, WholeNumber

STATUSES = "pending | confirmed | overridden | accepted | superseded"


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
    contact_clinic = fields.Boolean(
        metadata={"description": "The nomogram asks for the clinic the same day: its decision"}
    )
    action = fields.String(
        metadata={"description": 'In words, e.g. "hold one dose, then reduce 10%"'}
    )
    next_test_on = fields.Date()
    notes = fields.List(fields.String())
    status = fields.String(metadata={"description": STATUSES})
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Integer(
        attribute="decided_by_id",
        allow_none=True,
        metadata={"description": "The decider's user id (null in the patient's own view)"},
    )
    decided_by_role = fields.String(allow_none=True)
    decided_by_team = fields.String(
        allow_none=True, metadata={"description": "The care team the decision was made for"}
    )
    decided_weekly_dose_mg = fields.Float(allow_none=True)
    decided_hold_days = fields.Integer(allow_none=True)
    decided_held_from = fields.Date(
        allow_none=True, metadata={"description": "The first held day of the decision"}
    )
    decision_note = fields.String(
        allow_none=True,
        metadata={"description": "In the patient's own view only when shown to her"},
    )
    note_visible_to_patient = fields.Boolean()


class LatestInr(Schema):
    value = fields.Float()
    value_qualifier = fields.String(allow_none=True)
    effective_at = fields.DateTime()
    observation_id = fields.Integer()
    performer = fields.String()
    location = fields.String(allow_none=True)
    device = fields.String(allow_none=True)


class DeciderOut(Schema):
    role = fields.String(attribute="decided_by_role", allow_none=True)
    care_team = fields.String(attribute="decided_by_team", allow_none=True)


class LatestDecisionOut(Schema):
    """The clinic's (or the self-managing patient's) latest decision, as the patient reads it."""

    suggestion_id = fields.Integer(attribute="id")
    status = fields.String(metadata={"description": "confirmed | overridden | accepted"})
    inr = fields.Float()
    weekly_dose_mg = fields.Float(attribute="decided_weekly_dose_mg")
    hold_days = fields.Integer(attribute="decided_hold_days", allow_none=True)
    held_from = fields.Date(attribute="decided_held_from", allow_none=True)
    note = fields.String(
        attribute="decision_note",
        allow_none=True,
        metadata={"description": "The patient's own view: only a note shown to her"},
    )
    note_visible_to_patient = fields.Boolean()
    decided_at = fields.DateTime()
    decided_by = fields.Function(
        lambda view: DeciderOut().dump(view),
        metadata={"description": "Who decided, by role and care team (never a user name)"},
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


class DayOut(Schema):
    day = fields.Date()
    tablets = fields.Float(metadata={"description": "The plan's tablets that weekday"})
    state = fields.String(metadata={"description": "take | held | paused"})


class SelfManagementOut(Schema):
    inr_above = fields.Float()
    inr_below = fields.Float()
    max_change_percent = fields.Float()
    max_hold_doses = fields.Integer()


class AnticoagulationOut(Schema):
    enrollment_id = fields.Integer()
    target_low = fields.Float()
    target_high = fields.Float()
    weekly_dose_mg = fields.Float(metadata={"description": "The dose in force (mg/week)"})
    tablet_strength_mg = fields.Float()
    indication = fields.String(allow_none=True)
    self_managing = fields.Boolean()
    self_management = fields.Nested(SelfManagementOut)
    device = fields.String(allow_none=True)
    nomogram_version = fields.String()
    latest_inr = fields.Nested(LatestInr, allow_none=True)
    ttr_percent = fields.Float(
        allow_none=True, metadata={"description": "Rosendaal TTR over ttr_window_days"}
    )
    ttr_window_days = fields.Integer()
    next_test_due = fields.Date(allow_none=True)
    dose_suggestion = fields.Nested(DoseSuggestionOut, allow_none=True)
    patient_decides = fields.Boolean(
        metadata={"description": "The pending suggestion is the patient's to accept"}
    )
    instruction = fields.Method(
        "_instruction",
        allow_none=True,
        metadata={
            "type": "object",
            "nullable": True,
            "description": "What the patient does now about the pending suggestion: one "
            "instruction {code, situation, params, text}, true at this hour (the care team's "
            "opening hours and public holidays), closed: with the team's out-of-hours text",
        },
    )
    latest_decision = fields.Nested(LatestDecisionOut, allow_none=True)
    dose_history = fields.List(fields.Nested(DoseSuggestionOut))
    week = fields.List(
        fields.Nested(DayOut),
        metadata={
            "description": "This week, Monday first, as the instruction and decision have it"
        },
    )
    week_kind = fields.String(metadata={"description": "in_force | if_accepted | paused"})

    def _instruction(self, summary: dict[str, Any]) -> dict[str, Any] | None:
        """{code ("pause.closed", "hold.open", "keep.open", "self", ...), situation (self |
        keep | hold | pause), params, text: the sentences in the caller's language, the
        first what to do now}."""
        instruction = summary["instruction"]
        if instruction is None:
            return None
        return {
            "code": instruction.code,
            "situation": instruction.situation,
            "params": {k: _plain(v) for k, v in instruction.params.items()},
            "text": clinical_text.instruction_text(
                instruction.code,
                instruction.params,
                caller_language(),
                summary["out_of_hours_text"],
            ),
        }


class DecisionIn(Schema):
    weekly_dose_mg = Number(
        required=True,
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_WEEKLY_DOSE_MG),
        metadata={"description": "The weekly dose to put in force (mg)"},
    )
    hold_days = WholeNumber(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_HOLD_DAYS),
        metadata={
            "description": "Days without tablets from today (0-7; omitted: the suggestion's "
            "held doses)"
        },
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    note_visible_to_patient = Flag(
        load_default=False,
        metadata={"description": "Show the note to the patient (her page and her API view)"},
    )


class WorklistQuery(Schema):
    status = fields.String(
        load_default="pending",
        validate=validate.OneOf(("pending",)),
        metadata={"description": "pending: the suggestions waiting for a clinician"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = Cursor(CURSOR_SHAPE)


class WorklistItemOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    enrollment_id = fields.Integer()
    inr = fields.Float()
    inr_measured_at = fields.DateTime()
    weekly_dose_mg = fields.Float(metadata={"description": "The suggested weekly dose (mg)"})
    current_weekly_dose_mg = fields.Float(metadata={"description": "The dose in force (mg)"})
    action = fields.String()
    contact_clinic = fields.Boolean()
    hold_days = fields.Integer(metadata={"description": "Doses the suggestion holds"})
    created_at = fields.DateTime()


class WorklistOut(Schema):
    items = fields.List(fields.Nested(WorklistItemOut))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last page"},
    )


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
