"""Request and response shapes for patients, enrolments and thresholds."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from telemon.alerts.rules import Limits, limits_problems
from telemon.anticoagulation.inr_rules import MAX_WEEKLY_DOSE_MG, TARGET_RANGE
from telemon.ids import Id
from telemon.models import PROGRAMMES
from telemon.patients.cpr import birth_date_from_cpr, normalise_cpr


class LimitsSchema(Schema):
    alert_high = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    warning_high = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    warning_low = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    alert_low = fields.Float(load_default=None, allow_none=True, allow_nan=False)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        problems = limits_problems(Limits(**data))
        if problems:
            raise ValidationError(problems, "_limits")


def _threshold_codes(value: dict[str, Any]) -> None:
    # Imported here to keep the code table the one list of codes.
    from telemon.ingest.codes import CODES

    unknown = sorted(set(value) - set(CODES))
    if unknown:
        raise ValidationError(f"Unknown measurement code(s): {', '.join(unknown)}.")


ThresholdsField = fields.Dict(
    keys=fields.String(), values=fields.Nested(LimitsSchema), validate=_threshold_codes
)


# INR targets: the clinically sensible range (inr_rules.target_range_problems checks the pair).
_INR = validate.Range(min=TARGET_RANGE[0], max=TARGET_RANGE[1])


class PatientIn(Schema):
    cpr = fields.String(required=True, metadata={"description": "DDMMYY-SSSS or DDMMYYSSSS"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    birth_date = fields.Date(required=True)

    @validates("cpr")
    def _cpr(self, value: str, **_: Any) -> None:
        try:
            normalise_cpr(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    @validates_schema(skip_on_field_errors=True)
    def _birth_date_matches(self, data: dict[str, Any], **_: Any) -> None:
        if birth_date_from_cpr(normalise_cpr(data["cpr"])) != data["birth_date"]:
            raise ValidationError("Does not match the birth date in the CPR number.", "birth_date")

    @post_load
    def _normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["cpr"] = normalise_cpr(data["cpr"])
        return data


class EnrollmentSummary(Schema):
    id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    status = fields.String()
    enrolled_at = fields.DateTime()


class PatientOut(Schema):
    id = fields.Integer()
    cpr = fields.String()
    name = fields.String()
    birth_date = fields.Date()
    enrollments = fields.List(fields.Nested(EnrollmentSummary))


class EnrollmentIn(Schema):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    care_team_id = Id(required=True)
    shared_with = fields.List(Id(), load_default=list)
    thresholds = ThresholdsField
    schedule = fields.Dict(
        load_default=None,
        metadata={
            "description": "Missing-measurement "
            "schedule: interval_days, grace_hours, expected_codes"
        },
    )
    rule_settings = fields.Dict(
        load_default=None,
        metadata={"description": "Baseline rule settings, e.g. spo2_drop_points, weight_gain_kg"},
    )
    # Anticoagulation only:
    inr_target_low = fields.Float(load_default=None, allow_none=True, validate=_INR)
    inr_target_high = fields.Float(load_default=None, allow_none=True, validate=_INR)
    weekly_dose_mg = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_WEEKLY_DOSE_MG),
        metadata={"description": "Anticoagulation: the weekly dose in force (mg)"},
    )
    indication = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    self_managing = fields.Boolean(
        load_default=False,
        metadata={"description": "Trained and approved to self-dose (accepts suggestions)"},
    )
    device = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    nomogram_version = fields.String(load_default=None, allow_none=True)
    inr_alert_settings = fields.Dict(load_default=None, allow_none=True)


class EnrollmentPatch(Schema):
    care_team_id = Id()
    shared_with = fields.List(Id())
    thresholds = ThresholdsField
    schedule = fields.Dict()
    rule_settings = fields.Dict()
    status = fields.String(validate=validate.OneOf(("active", "ended")))
    inr_target_low = fields.Float(validate=_INR)
    inr_target_high = fields.Float(validate=_INR)
    indication = fields.String(allow_none=True, validate=validate.Length(max=200))
    self_managing = fields.Boolean()
    device = fields.String(allow_none=True, validate=validate.Length(max=200))
    inr_alert_settings = fields.Dict()


class PlanOut(Schema):
    target_low = fields.Float()
    target_high = fields.Float()
    weekly_dose_mg = fields.Float()
    indication = fields.String(allow_none=True)
    self_managing = fields.Boolean()
    device = fields.String(allow_none=True)
    nomogram_version = fields.String()
    next_test_due = fields.Date(allow_none=True)
    alert_settings = fields.Dict()


class EnrollmentOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    status = fields.String()
    enrolled_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    shared_with = fields.Method("_shared")
    thresholds = fields.Method("_thresholds")
    schedule = fields.Dict()
    rule_settings = fields.Dict()
    anticoagulation = fields.Nested(PlanOut, allow_none=True)

    def _shared(self, enrollment: Any) -> list[int]:
        return sorted(o.id for o in enrollment.shared_with)

    def _thresholds(self, enrollment: Any) -> dict[str, dict[str, float | None]]:
        return {t.code: limits_dict(t) for t in enrollment.thresholds}


def limits_dict(row: Any) -> dict[str, float | None]:
    return {k: getattr(row, k) for k in ("alert_high", "warning_high", "warning_low", "alert_low")}


class DefaultThresholdsOut(Schema):
    programme = fields.String()
    thresholds = fields.Dict(keys=fields.String(), values=fields.Nested(LimitsSchema))


class DefaultThresholdsIn(Schema):
    thresholds = ThresholdsField
