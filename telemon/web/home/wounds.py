"""A wound assessment at the patient's side: photos from the phone's camera, size measured or
estimated, tissue, exudate, signs of infection, pain, a note, and in the same flow a question to
the wound clinic. Read through telemon.woundcare.home_nursing.wound_at_visit; stored by
home_nursing.record_visit_assessment, the API's own path (the form's key is the assessment's
client id, so a resent form stores once) and then its review request, once."""

from __future__ import annotations

from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from telemon import clinical_text
from telemon.errors import Conflict, Invalid
from telemon.i18n import N_
from telemon.models import REVIEW_URGENCIES
from telemon.web.components import reading_form
from telemon.web.components.clinical import language
from telemon.web.components.forms import field_errors, kept_form, send_back
from telemon.web.guard import signed_in
from telemon.web.home import ROLES, bp
from telemon.woundcare import assessments, home_nursing
from telemon.woundcare.push import EXUDATE_LEVELS, TISSUE_TYPES
from telemon.woundcare.schemas import INFECTION_SIGNS, ODOURS, AssessmentData, ReviewRequestIn

# Words that reach these pages as data (the API's values), so that they are translated.
VOCABULARY = (
    N_("faint"),
    N_("strong"),
    N_("increasing_pain"),
    N_("purulent_exudate"),
    N_("wound_breakdown"),
    N_("home"),
)
_NUMBERS = ("length_cm", "width_cm", "depth_cm", "area_cm2", "pain")
_TEXTS = ("tissue", "exudate", "odour", "periwound", "note")
# Sent by upload.js: answer with where to go next (JSON) instead of a redirect, so that the
# page the browser then opens shows the flash message.
UPLOAD_HEADER = "X-Telemon-Upload"


@bp.route("/wounds/<int:wound_id>/assessment", methods=["GET", "POST"])
@signed_in(*ROLES)
def assessment(wound_id: int) -> Any:
    visit = home_nursing.wound_at_visit(g.user, wound_id)
    key = reading_form.new_key()
    values: dict[str, Any] = {"assessed_at": reading_form.local_now_text(), "signs": []}
    errors: dict[str, str] = {}
    kept = kept_form()
    if kept:
        values, errors = kept
        key = values.pop("form_key", key)
    if request.method == "POST":
        key = reading_form.form_key(request.form)
        values = _typed(request.form)
        data, errors = _assessment_data(request.form, key)
        question, question_errors = _review_data(request.form)
        errors.update(question_errors)
        photos = [f.read() for f in request.files.getlist("photo") if f and f.filename]
        if not photos:
            errors["photo"] = _("Take or choose at least one photo.")
        if not errors:
            done = _store(visit.wound.id, visit.patient.id, data, photos, question, errors)
            if done is not None:
                return done
        if errors.get("form"):
            key = reading_form.new_key()  # sent before with other values: a new form
        if "photo" not in errors and errors:
            errors["photo"] = _("Choose the photos again: a browser does not keep them.")
        return send_back({**values, "form_key": key}, errors)
    return render_template(
        "home/assessment.html",
        wound=visit.wound,
        patient=visit.patient,
        wound_type=clinical_text.wound_type_text(visit.wound.wound_type, language()),
        values=values,
        errors=errors,
        form_key=key,
        tissues=TISSUE_TYPES,
        exudates=EXUDATE_LEVELS,
        odours=ODOURS,
        signs=INFECTION_SIGNS,
        urgencies=REVIEW_URGENCIES,
    ), (422 if errors else 200)


def _store(
    wound_id: int,
    patient_id: int,
    data: dict[str, Any],
    photos: list[bytes],
    question: dict[str, Any] | None,
    errors: dict[str, str],
) -> Response | None:
    try:
        home_nursing.record_visit_assessment(g.user, wound_id, data, photos, question)
    except assessments.PhotoRejected as rejected:
        errors["photo"] = _photo_problem(rejected.status)
        return None
    except Conflict:
        errors["form"] = _(
            "This form was sent before with other values. Check them and send again."
        )
        return None
    except Invalid as invalid:
        errors.update(field_errors(invalid.errors))
        return None
    if question is not None:
        flash(_("Assessment saved, and your question is in the wound clinic's queue."))
    else:
        flash(_("Assessment saved."))
    where = url_for("home.patient", patient_id=patient_id)
    if request.headers.get(UPLOAD_HEADER):
        return jsonify(next=where)  # type: ignore[return-value]
    return redirect(where)


def _photo_problem(status: int) -> str:
    if status == 413:
        return _("A photo is too large. Take it again at a lower resolution.")
    if status == 415:
        return _("Only photos (JPEG or PNG) can be sent.")
    return _("A photo could not be read. Take it again.")


def _typed(form: Any) -> dict[str, Any]:
    """What the user typed, to show again with the errors."""
    values = {name: form.get(name, "") for name in (*_NUMBERS, *_TEXTS, "assessed_at")}
    values["signs"] = form.getlist("infection_signs")
    values["ask_review"] = bool(form.get("ask_review"))
    values["urgency"] = form.get("urgency", "")
    values["question"] = form.get("question", "")
    values["size"] = form.get("size", "")
    return values


def _assessment_data(form: Any, key: str) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    taken = reading_form.parse_time(form.get("assessed_at"))
    raw: dict[str, Any] = {
        "client_id": key,
        "assessed_at": taken.isoformat() if taken else None,
        "infection_signs": form.getlist("infection_signs"),
    }
    if taken is None:
        errors["assessed_at"] = _("Give the date and time of the assessment.")
    for name in _NUMBERS:
        value = reading_form.number(form.get(name))
        if isinstance(value, str) and value:
            errors[name] = _("Not a number.")
        elif value != "":
            raw[name] = value
    if form.get("size") == "estimated":
        raw.pop("area_cm2", None)  # estimated from length and width (telemon.woundcare)
    for name in _TEXTS:
        text = (form.get(name) or "").strip()
        if text:
            raw[name] = text
    for name in ("length_cm", "width_cm"):
        if name not in raw and name not in errors:
            errors[name] = _("Required.")
    if errors:
        return {}, errors
    try:
        return AssessmentData().load(raw), {}
    except ValidationError as invalid:
        return {}, field_errors(invalid.messages)


def _review_data(form: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    if not form.get("ask_review"):
        return None, {}
    try:
        return ReviewRequestIn().load(
            {"question": (form.get("question") or "").strip(), "urgency": form.get("urgency")}
        ), {}
    except ValidationError as invalid:
        errors = field_errors(invalid.messages)
        if "question" in errors:
            errors["question"] = _("Write your question to the wound clinic.")
        if "urgency" in errors:
            errors["urgency"] = _("Choose urgent or routine.")
        return None, errors
