"""Request and response shapes for patients, enrolments and thresholds."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    missing,
    post_load,
    validate,
    validates,
    validates_schema,
)

from telemon.anticoagulation.decision import LIMIT_RANGES
from telemon.anticoagulation.inr_rules import MAX_WEEKLY_DOSE_MG, TARGET_RANGE
from telemon.copd.rules import Limits, limits_problems
from telemon.http.ids import Id
from telemon.http.schema_fields import Cursor, Day, Flag, Number, WholeNumber
from telemon.ingest.codes import CODES, limit_range_problem
from telemon.models import PROGRAMMES
from telemon.monitoring import END_REASONS, PAUSE_REASONS
from telemon.patients.cpr import birth_date_from_cpr, normalise_cpr
from telemon.patients.overview import CURSOR_SHAPE as OVERVIEW_CURSOR
from telemon.patients.overview import SCOPES


class LimitsSchema(Schema):
    alert_high = Number(load_default=None, allow_none=True, allow_nan=False)
    warning_high = Number(load_default=None, allow_none=True, allow_nan=False)
    warning_low = Number(load_default=None, allow_none=True, allow_nan=False)
    alert_low = Number(load_default=None, allow_none=True, allow_nan=False)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        problems = limits_problems(Limits(**data))
        if problems:
            raise ValidationError(problems, "_limits")


def _limits_of(code: str) -> type[Schema]:
    """The limits of one measurement: each within what a reading of it can be (the plausible
    range of telemon.ingest.codes, stated in the OpenAPI document as minimum and maximum), the
    set ones ordered (which OpenAPI cannot state; the description says it)."""
    spec = CODES[code]
    within = validate.Range(
        min=spec.plausible_min,
        max=spec.plausible_max,
        error=limit_range_problem(code, spec.plausible_max + 1) or "",
    )
    limits = {
        name: Number(load_default=None, allow_none=True, validate=within)
        for name in ("alert_high", "warning_high", "warning_low", "alert_low")
    }
    return type(f"{spec.code.title().replace('_', '')}Limits", (LimitsSchema,), limits)


class _ThresholdsMeta:
    unknown = RAISE  # a code telemon does not measure is an error of its own


# Limits by measurement code (errors named `thresholds.<code>.<limit>`).
ThresholdsSchema: type[Schema] = type(
    "ThresholdsSchema",
    (Schema,),
    {
        "Meta": _ThresholdsMeta,
        **{
            code: fields.Nested(
                _limits_of(code),
                metadata={
                    "description": f"{spec.label} in {spec.unit}: the limits set must be ordered "
                    "alert_high > warning_high > warning_low > alert_low"
                },
            )
            for code, spec in CODES.items()
        },
    },
)

ThresholdsField = fields.Nested(ThresholdsSchema)


# INR targets: the clinically sensible range (inr_rules.target_range_problems checks the pair).
_INR = validate.Range(min=TARGET_RANGE[0], max=TARGET_RANGE[1])
# Tablet strengths in mg (warfarin 2.5 mg, phenprocoumon 3 mg, …).
_TABLET = validate.Range(min=0, min_inclusive=False, max=20)
_TABLET_DOC = {"description": "Anticoagulation: mg per tablet (default 2.5)"}


def _limit(name: str) -> validate.Range:
    low, high = LIMIT_RANGES[name]
    return validate.Range(min=low, max=high)


class SelfManagementSchema(Schema):
    """What a self-managing patient decides on her own (telemon.anticoagulation.decision).
    Omitted fields keep their value (defaults 1.5, 5.0, 10, 1)."""

    inr_above = Number(
        allow_nan=False,
        validate=_limit("inr_above"),
        metadata={"description": "She decides only for an INR above this (default 1.5)"},
    )
    inr_below = Number(
        allow_nan=False,
        validate=_limit("inr_below"),
        metadata={"description": "... and below this (default 5.0); else the clinic decides"},
    )
    max_change_percent = Number(
        allow_nan=False,
        validate=_limit("max_change_percent"),
        metadata={"description": "Largest change of the weekly dose she takes on (default 10)"},
    )
    max_hold_doses = WholeNumber(
        validate=_limit("max_hold_doses"),
        metadata={"description": "Most doses she holds on her own (default 1)"},
    )

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if "inr_above" in data and "inr_below" in data and data["inr_above"] >= data["inr_below"]:
            raise ValidationError("Must be above inr_above.", "inr_below")


_SELF_MANAGEMENT_DOC = {
    "description": "Anticoagulation: the limits within which a self-managing patient accepts a "
    "suggestion herself; any other suggestion is the responsible team's"
}


_PHONE = validate.Regexp(r"^\+?[0-9 ()-]{6,40}$", error="Digits, spaces, + ( ) - only.")


class PatientIn(Schema):
    cpr = fields.String(required=True, metadata={"description": "DDMMYY-SSSS or DDMMYYSSSS"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    birth_date = Day(
        load_default=None,
        metadata={"description": "Optional: it follows from the CPR number (checked if given)"},
    )
    phone = fields.String(load_default=None, allow_none=True, validate=_PHONE)
    next_of_kin_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    next_of_kin_phone = fields.String(load_default=None, allow_none=True, validate=_PHONE)

    @validates("cpr")
    def _cpr(self, value: str, **_: Any) -> None:
        try:
            normalise_cpr(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    @validates_schema(skip_on_field_errors=True)
    def _birth_date_matches(self, data: dict[str, Any], **_: Any) -> None:
        given = data.get("birth_date")
        if given is not None and birth_date_from_cpr(normalise_cpr(data["cpr"])) != given:
            raise ValidationError("Does not match the birth date in the CPR number.", "birth_date")

    @post_load
    def _normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["cpr"] = normalise_cpr(data["cpr"])
        data["birth_date"] = birth_date_from_cpr(data["cpr"])
        return data


class PatientPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    phone = fields.String(allow_none=True, validate=_PHONE)
    next_of_kin_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    next_of_kin_phone = fields.String(allow_none=True, validate=_PHONE)


class EnrollmentSummary(Schema):
    id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    status = fields.String()
    enrolled_at = fields.DateTime()
    paused_from = fields.Date(allow_none=True)
    paused_until = fields.Date(allow_none=True)


class PatientOut(Schema):
    id = fields.Integer()
    cpr = fields.String()
    name = fields.String()
    birth_date = fields.Date()
    organisation_id = fields.Integer(
        allow_none=True, metadata={"description": "The registering organisation"}
    )
    phone = fields.String(allow_none=True)
    next_of_kin_name = fields.String(allow_none=True)
    next_of_kin_phone = fields.String(allow_none=True)
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
    inr_target_low = Number(load_default=None, allow_none=True, validate=_INR)
    inr_target_high = Number(load_default=None, allow_none=True, validate=_INR)
    weekly_dose_mg = Number(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_WEEKLY_DOSE_MG),
        metadata={"description": "Anticoagulation: the weekly dose in force (mg)"},
    )
    tablet_strength_mg = Number(
        load_default=None, allow_none=True, validate=_TABLET, metadata=_TABLET_DOC
    )
    indication = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    self_managing = Flag(
        load_default=False,
        metadata={
            "description": "Trained and approved to self-dose: accepts the suggestions that "
            "need no clinician (contact_clinic false, within self_management)"
        },
    )
    device = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    nomogram_version = fields.String(load_default=None, allow_none=True)
    inr_alert_settings = fields.Dict(load_default=None, allow_none=True)
    self_management = fields.Nested(
        SelfManagementSchema, load_default=None, allow_none=True, metadata=_SELF_MANAGEMENT_DOC
    )


class EnrollmentPatch(Schema):
    care_team_id = Id()
    shared_with = fields.List(Id())
    thresholds = ThresholdsField
    schedule = fields.Dict()
    questionnaires = fields.List(
        fields.Dict(),
        validate=validate.Length(max=20),
        metadata={
            "description": "The questionnaires the patient answers: [{questionnaire_id, "
            "schedule: {interval_days, grace_hours}}] (all of them: the list replaces the "
            "enrolment's)"
        },
    )
    rule_settings = fields.Dict()
    status = fields.String(
        validate=validate.OneOf(("active", "ended")),
        metadata={"description": "ended: as POST /enrollments/{id}/end, reason end_reason"},
    )
    end_reason = fields.String(validate=validate.OneOf(END_REASONS))
    tablet_strength_mg = Number(validate=_TABLET, metadata=_TABLET_DOC)
    inr_target_low = Number(validate=_INR)
    inr_target_high = Number(validate=_INR)
    indication = fields.String(allow_none=True, validate=validate.Length(max=200))
    self_managing = Flag()
    device = fields.String(allow_none=True, validate=validate.Length(max=200))
    inr_alert_settings = fields.Dict()
    self_management = fields.Nested(SelfManagementSchema, metadata=_SELF_MANAGEMENT_DOC)


class PlanOut(Schema):
    target_low = fields.Float()
    target_high = fields.Float()
    weekly_dose_mg = fields.Float()
    tablet_strength_mg = fields.Float()
    indication = fields.String(allow_none=True)
    self_managing = fields.Boolean()
    device = fields.String(allow_none=True)
    nomogram_version = fields.String()
    next_test_due = fields.Date(allow_none=True)
    alert_settings = fields.Dict()
    self_management = fields.Method("_self_management", metadata=_SELF_MANAGEMENT_DOC)

    def _self_management(self, plan: Any) -> dict[str, Any]:
        from telemon.anticoagulation.plans import self_management_of

        return self_management_of(plan)


class EnrollmentOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    status = fields.String()
    enrolled_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    paused_from = fields.Date(allow_none=True, metadata={"description": "First paused day"})
    paused_until = fields.Date(
        allow_none=True, metadata={"description": "Last paused day; none: until resumed"}
    )
    pause_reason = fields.String(allow_none=True)
    shared_with = fields.Method("_shared")
    thresholds = fields.Method("_thresholds")
    schedule = fields.Dict()
    rule_settings = fields.Dict()
    anticoagulation = fields.Nested(PlanOut, allow_none=True)

    # An administrator's hand-over answers who is responsible only (a dict without these).
    def _shared(self, enrollment: Any) -> Any:
        if isinstance(enrollment, dict):
            return missing
        return sorted(o.id for o in enrollment.shared_with)

    def _thresholds(self, enrollment: Any) -> Any:
        if isinstance(enrollment, dict):
            return missing
        return {t.code: limits_dict(t) for t in enrollment.thresholds}


def limits_dict(row: Any) -> dict[str, float | None]:
    return {k: getattr(row, k) for k in ("alert_high", "warning_high", "warning_low", "alert_low")}


class DefaultThresholdsOut(Schema):
    programme = fields.String()
    thresholds = fields.Dict(keys=fields.String(), values=fields.Nested(LimitsSchema))


class DefaultThresholdsIn(Schema):
    thresholds = ThresholdsField


class PauseIn(Schema):
    paused_from = Day(required=True, metadata={"description": "First paused local day"})
    paused_until = Day(
        load_default=None,
        allow_none=True,
        metadata={"description": "Last paused local day (inclusive); none: until resumed"},
    )
    reason = fields.String(required=True, validate=validate.OneOf(PAUSE_REASONS))


class EndIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))


class ScheduleDefaultsOut(Schema):
    programme = fields.String()
    settings = fields.Dict(
        metadata={"description": "interval_days, grace_hours, expected_codes (overrides)"}
    )


class ScheduleDefaultsIn(Schema):
    settings = fields.Dict(required=True)


class OverviewQuery(Schema):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Part of the name, or the start of the CPR number"},
    )
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))
    care_team_id = fields.Integer()
    scope = fields.String(
        load_default="mine",
        validate=validate.OneOf(SCOPES),
        metadata={
            "description": "mine: a clinician's teams' patients, a nurse's or GP's "
            "organisation's; all: every patient the caller may see"
        },
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    after = Cursor(OVERVIEW_CURSOR)


class LastReadingOut(Schema):
    code = fields.String()
    value = fields.Float()
    unit = fields.String()
    value_qualifier = fields.String(allow_none=True)
    effective_at = fields.DateTime()


class ProgrammeStateOut(Schema):
    enrollment_id = fields.Integer()
    programme = fields.String()
    care_team_id = fields.Integer()
    paused = fields.Boolean(metadata={"description": "Paused today"})
    paused_from = fields.Date(allow_none=True)
    paused_until = fields.Date(allow_none=True)
    pause_reason = fields.String(allow_none=True)
    next_due = fields.Date(
        allow_none=True, metadata={"description": "Next measurement (COPD) or INR test"}
    )


class OverviewRowOut(Schema):
    patient_id = fields.Integer()
    name = fields.String()
    cpr = fields.String()
    birth_date = fields.Date()
    severity = fields.String(
        metadata={"description": "Worst unacknowledged alert: red | yellow | blue | green"}
    )
    open_alerts = fields.Integer()
    unseen_alerts = fields.Integer(
        metadata={"description": "Open alerts the responsible care team has not opened yet"}
    )
    alerts_seen = fields.Boolean()
    waiting_since = fields.DateTime(allow_none=True)
    last_reading = fields.Nested(LastReadingOut, allow_none=True)
    next_due = fields.Date(allow_none=True)
    paused = fields.Boolean(metadata={"description": "Every active programme is paused today"})
    programmes = fields.List(fields.Nested(ProgrammeStateOut))


class OverviewOut(Schema):
    items = fields.List(fields.Nested(OverviewRowOut))
    next = fields.String(allow_none=True)
