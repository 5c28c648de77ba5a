"""The reading forms of the home nurse and the patient: one field per measurement, stored by
the API's own path (telemon.ingest: the same validation, plausibility ranges and evaluation),
errors per field in the reader's language, nothing typed lost on an error.

A form carries a key (a UUID in a hidden field, made when the form is shown). Each reading's
client id is derived from it and the measurement's code, so that a double tap, a form resent
after a dropped connection, or "back" and "send" again stores each reading once: the ingest
path answers the second time with "duplicate" (its unique client ids settle even a race).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from telemon import clinical_text, clock
from telemon.copd.schedule import schedule_from
from telemon.errors import Conflict, Invalid
from telemon.ingest.codes import CODES
from telemon.ingest.schemas import ObservationBatchIn
from telemon.ingest.service import BatchResult, ingest_batch
from telemon.models import Enrollment, User
from telemon.web.components.clinical import language
from telemon.web.components.forms import field_errors, typed_number

# Client ids of readings entered in a web form: uuid5(this, "<form key>:<code>").
WEB_FORM_NAMESPACE = uuid.UUID("5f7c8a52-1b7e-4c55-9d0e-6a8f3e2b9c11")
COPD_FORM_CODES = (
    "spo2",
    "pulse",
    "systolic_bp",
    "diastolic_bp",
    "temperature",
    "respiratory_rate",
    "weight",
    "fev1",
    "peak_flow",
    "cat_score",
)
# The wording of the datetime-local field's value: what browsers send.
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class ReadingField:
    code: str
    name: str  # in the reader's language
    unit: str
    step: str  # the number field's step: "1" for whole numbers
    planned: bool  # part of the patient's measurement schedule


def copd_fields(enrollment: Enrollment) -> list[ReadingField]:
    """The COPD set, the codes the patient's schedule expects first."""
    try:
        expected = schedule_from(enrollment.schedule or None).expected_codes
    except ValueError:
        expected = ()
    lang = language()
    codes = [c for c in expected if c in COPD_FORM_CODES] + [
        c for c in COPD_FORM_CODES if c not in expected
    ]
    return [
        ReadingField(
            code=code,
            name=clinical_text.measurement_name(code, lang),
            unit=clinical_text.unit_text(code),
            step="1" if CODES[code].integer else "any",
            planned=code in expected,
        )
        for code in codes
    ]


def new_key() -> str:
    return str(uuid.uuid4())


def form_key(form: Mapping[str, str]) -> str:
    """The form's key as sent; a missing or mangled one is replaced (that form then has no
    protection against a resend, but loses nothing)."""
    raw = form.get("form_key") or ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return new_key()


def client_id(key: str, code: str) -> uuid.UUID:
    return uuid.uuid5(WEB_FORM_NAMESPACE, f"{key}:{code}")


def local_now_text() -> str:
    """Now, as the form's "measured at" field shows it (Copenhagen time)."""
    return clock.local(clock.now()).strftime(_LOCAL_FORMAT)


def parse_time(raw: str | None) -> datetime | None:
    """A datetime-local value read as Copenhagen time, with its offset; None if it is none."""
    try:
        naive = datetime.strptime((raw or "").strip(), _LOCAL_FORMAT)
    except ValueError:
        return None
    return naive.replace(tzinfo=clock.COPENHAGEN)  # zoneinfo: the offset of that day


def number(raw: str | None) -> float | None | str:
    """A number as people type it (decimal comma or point); "" when empty; the raw text when it
    is not a number."""
    if not (raw or "").strip():
        return ""
    value = typed_number(raw)
    return raw or "" if value is None else value


def readings_from(
    form: Mapping[str, str],
    patient_id: int,
    codes: list[str],
    key: str,
    extra: Mapping[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The readings a filled-in form holds, shaped as the API's items, and the fields' errors.

    Empty fields are left out; at least one reading is needed. `extra` (device, location,
    performer) goes with every reading.
    """
    errors: dict[str, str] = {}
    taken = parse_time(form.get("effective_at"))
    if taken is None:
        errors["effective_at"] = _("Give the date and time of the measurement.")
    items = []
    for code in codes:
        value = number(form.get(code))
        if value == "":
            continue
        if isinstance(value, str):
            errors[code] = _("Not a number.")
            continue
        items.append(
            {
                "client_id": str(client_id(key, code)),
                "patient_id": patient_id,
                "code": code,
                "value": value,
                "effective_at": taken.isoformat() if taken else None,
                **{k: v for k, v in (extra or {}).items() if v not in (None, "")},
            }
        )
    if not items and not errors:
        errors["form"] = _("Fill in at least one measurement.")
    if errors:
        return [], errors
    try:
        loaded = ObservationBatchIn().load({"observations": items})["observations"]
    except ValidationError as invalid:
        return [], _schema_errors(invalid.messages, items)
    return loaded, {}


def _schema_errors(messages: Any, items: list[dict[str, Any]]) -> dict[str, str]:
    """The schema's errors (per item index) as errors of the form's fields."""
    errors: dict[str, str] = {}
    per_item = messages.get("observations", {}) if isinstance(messages, dict) else {}
    for index, problems in per_item.items() if isinstance(per_item, dict) else ():
        code = items[int(index)]["code"]
        for field, texts in (problems or {}).items():
            if field == "value":
                errors[code] = range_text(code)
            elif field == "effective_at":
                errors["effective_at"] = field_errors({field: texts})[field]
            else:
                errors.setdefault("form", field_errors({field: texts})[field])
    return errors or {"form": _("Check the measurements.")}


def range_text(code: str) -> str:
    """Why a value cannot be a reading of `code`, in the reader's language."""
    spec = CODES[code]
    lang = language()
    if spec.integer:
        return _(
            "A whole number from %(low)s to %(high)s.",
            low=clinical_text.number(spec.plausible_min, lang),
            high=clinical_text.number(spec.plausible_max, lang),
        )
    return _(
        "Must lie between %(low)s and %(high)s; no device shows this value.",
        low=clinical_text.amount_text(code, spec.plausible_min, lang),
        high=clinical_text.amount_text(code, spec.plausible_max, lang),
    )


def store(user: User, items: list[dict[str, Any]]) -> tuple[BatchResult | None, dict[str, str]]:
    """Store through the API's path (its use case, ingest_batch). A key sent before with other
    values (back, changed, sent again) is answered with an error asking to send the form anew:
    nothing is stored twice."""
    try:
        return ingest_batch(user, items), {}
    except Conflict:
        return None, {
            "form": _("This form was sent before with other values. Check them and send again.")
        }
    except Invalid as invalid:
        # The store's own checks across readings (blood_pressure_problems): name the field.
        per_item = (invalid.errors or {}).get("observations") or {}
        errors: dict[str, str] = {}
        for index in per_item:
            if items[int(index)]["code"] == "systolic_bp":
                errors["systolic_bp"] = _("Must be above the diastolic pressure.")
        return None, errors or {"form": _("Check the measurements.")}


def submit(
    user: User,
    form: Mapping[str, str],
    patient_id: int,
    codes: list[str],
    extra: Mapping[str, Any] | None = None,
) -> tuple[BatchResult | None, dict[str, str], str]:
    """A reading form sent: its readings read and stored (the result; None when not stored),
    its field errors, and the key to show the form again with: a form sent before with other
    values gets a new one, so that checking and sending again stores the new values once."""
    key = form_key(form)
    items, errors = readings_from(form, patient_id, codes, key, extra)
    result = None
    if not errors:
        result, errors = store(user, items)
    if errors.get("form"):
        key = new_key()
    return result, errors, key


def shown_values(form: Mapping[str, str], codes: list[str]) -> dict[str, str]:
    """What the user typed, to show again with the errors."""
    return {name: form.get(name, "") for name in (*codes, "effective_at", "device", "location")}
