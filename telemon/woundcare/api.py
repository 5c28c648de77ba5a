"""The wound endpoints: records, assessments with photos, photos, review requests."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from telemon.errors import Invalid
from telemon.http.auth import api_user
from telemon.http.input_guard import check_json
from telemon.woundcare import assessments, photos, records, reviews, schemas

bp = Blueprint("wounds", __name__, url_prefix="/api/v1", description="Wound care")

_IMAGE_RESPONSE = {
    "description": "The image (JPEG or PNG; thumbnails are JPEG). Never cached.",
    "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in ("image/jpeg", "image/png")
    },
}

# Parsed by hand (the `data` part may come as a form field or as a file part), documented here.
_ASSESSMENT_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["data", "photo"],
                "properties": {
                    "data": schemas.AssessmentData,
                    "photo": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "One part per photo: JPEG or PNG, judged by content",
                    },
                },
            },
            "encoding": {
                "data": {"contentType": "application/json"},
                "photo": {"contentType": "image/jpeg, image/png"},
            },
        }
    },
}


@bp.route("/wounds/<int:wound_id>", methods=["PATCH"])
@bp.arguments(schemas.WoundPatch)
@bp.response(200, schemas.WoundOut)
def update_wound(data: dict[str, Any], wound_id: int) -> Any:
    """Mark the wound healed (or open again), or correct its body site."""
    return records.update_wound(api_user(*records.STAFF_ROLES), wound_id, data)


@bp.route("/reports/review-answer-times", methods=["GET"])
@bp.response(200, schemas.AnswerTimeList)
def answer_times() -> Any:
    """Timeliness of the wound clinics' replies, per clinic and urgency (no patient data):
    all clinics for a system administrator, an organisation's for its administrator, a
    clinician's own teams."""
    user = api_user("admin", "clinician")
    return {"items": reviews.answer_times(reviews.reportable_teams(user))}


@bp.route("/patients/<int:patient_id>/wounds", methods=["POST"])
@bp.arguments(schemas.WoundIn)
@bp.response(201, schemas.WoundOut)
@bp.alt_response(422, description="Invalid, or the patient is not in the wound programme")
def create_wound(data: dict[str, Any], patient_id: int) -> Any:
    """Open a wound record. The patient must be enrolled in the wound programme."""
    return records.create_wound(api_user(*records.STAFF_ROLES), patient_id, data)


@bp.route("/wounds/<int:wound_id>", methods=["GET"])
@bp.response(200, schemas.WoundDetailOut)
def get_wound(wound_id: int) -> Any:
    """The wound record: assessments newest first, healing trajectory, review requests."""
    return records.wound_record(api_user(*records.READ_ROLES), wound_id)


@bp.route("/wounds/<int:wound_id>/assessments", methods=["POST"])
@bp.doc(requestBody=_ASSESSMENT_UPLOAD)
@bp.response(201, schemas.AssessmentOut)
@bp.alt_response(409, description="The client_id was used before with other data")
@bp.alt_response(413, description="A photo is too large, or its dimensions are")
@bp.alt_response(415, description="A photo is neither JPEG nor PNG (judged by its content)")
def post_assessment(wound_id: int) -> Any:
    """Record an assessment with one or more photos (multipart/form-data).

    Parts: `data`, JSON shaped as AssessmentData; `photo`, one part per photo. Photos are
    stored without metadata (EXIF/GPS removed, orientation applied) with a thumbnail.
    Idempotent on client_id: a retry with the same data answers with the stored assessment.
    Nothing is stored when any photo is refused.
    """
    user = api_user(*records.STAFF_ROLES)
    data = _assessment_data()
    uploads = request.files.getlist("photo")
    return assessments.record_assessment(user, wound_id, data, [f.read() for f in uploads])


def _assessment_data() -> dict[str, Any]:
    """The `data` part: a form field, or a file part (some phone libraries send it so)."""
    text: str | None = request.form.get("data")
    if text is None and "data" in request.files:
        text = request.files["data"].read().decode("utf-8", errors="replace")
    if not text:
        raise Invalid("The data part is missing.", {"data": ["Missing data part."]})
    try:
        check_json(json.loads(text), "data")
        loaded: dict[str, Any] = schemas.AssessmentData().loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise Invalid("The data part is not JSON.", {"data": ["Not valid JSON."]}) from None
    except ValidationError as error:
        raise Invalid(
            "The request has invalid fields; see errors.", error.normalized_messages()
        ) from None
    return loaded


@bp.route("/photos/<int:photo_id>", methods=["GET"])
@bp.doc(responses={"200": _IMAGE_RESPONSE})
def get_photo(photo_id: int) -> Response:
    """The photo as stored (metadata stripped), for those who may see the patient. Audited."""
    return photos.image_response(
        photos.photo_content(api_user(*records.READ_ROLES), photo_id, False)
    )


@bp.route("/photos/<int:photo_id>/thumbnail", methods=["GET"])
@bp.doc(responses={"200": _IMAGE_RESPONSE})
def get_thumbnail(photo_id: int) -> Response:
    """The photo's thumbnail (JPEG, longest side 320 px). Audited."""
    return photos.image_response(
        photos.photo_content(api_user(*records.READ_ROLES), photo_id, True)
    )


@bp.route("/wounds/<int:wound_id>/review-requests", methods=["POST"])
@bp.arguments(schemas.ReviewRequestIn)
@bp.response(201, schemas.ReviewRequestOut)
def request_review(data: dict[str, Any], wound_id: int) -> Any:
    """Ask the wound clinic for a review. Due in working time: urgent 4 hours, routine 2 days."""
    return reviews.request_review(api_user(*records.STAFF_ROLES), wound_id, data)


@bp.route("/review-requests", methods=["GET"])
@bp.arguments(schemas.ReviewQuery, location="query")
@bp.response(200, schemas.ReviewList)
def list_reviews(args: dict[str, Any]) -> Any:
    """Review requests for the caller's patients, soonest due first."""
    user = api_user(*records.STAFF_ROLES)
    return {"items": reviews.list_reviews(user, args.get("status"), args["limit"])}


@bp.route("/review-requests/<int:review_id>", methods=["GET"])
@bp.response(200, schemas.ReviewRequestOut)
def get_review(review_id: int) -> Any:
    """One review request; the clinic's first look is recorded."""
    return reviews.read_review(api_user(*records.STAFF_ROLES), review_id)


@bp.route("/review-requests/<int:review_id>/reply", methods=["POST"])
@bp.arguments(schemas.ReplyIn)
@bp.response(200, schemas.ReviewRequestOut)
@bp.alt_response(403, description="The caller is not of the wound clinic")
@bp.alt_response(409, description="Already answered")
def reply(data: dict[str, Any], review_id: int) -> Any:
    """The wound clinic answers with instructions; the requesting nurse's team is mailed."""
    return reviews.reply(api_user("clinician"), review_id, data["instructions"])


@bp.route("/review-requests/<int:review_id>/acknowledge", methods=["POST"])
@bp.response(200, schemas.ReviewRequestOut)
@bp.alt_response(409, description="Not answered yet")
def acknowledge(review_id: int) -> Any:
    """The requesting nurse has read the instructions: the request is closed."""
    return reviews.acknowledge(api_user(*records.STAFF_ROLES), review_id)
