"""Wound care through HTTP: record, photo pipeline, findings, specialist review, shared queue."""

from __future__ import annotations

import io
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select, text

from telemon import worklist
from telemon.background import jobs
from telemon.clinical_text import reasons_text
from telemon.extensions import db
from telemon.http import paging
from telemon.models import Alert, AuditEvent, Photo, ReviewRequest, User, WoundAssessment
from telemon.woundcare import reviews
from tests.helpers import (
    ALERTS_BASE,
    CPH,
    MONDAY_10,
    assessment_data,
    jpeg_with_gps,
    mail_text,
    open_wound,
    outbox_messages,
    png,
    post_assessment,
    raise_alert,
    token_for,
)

SECRETS = ("Synthetic Patient", "0101701234", "010170", "left lateral malleolus")


def stored_files(app: Any) -> list[str]:
    root = app.config["TELEMON_PHOTO_DIR"]
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


# --- wound record ---------------------------------------------------------------------------


def test_a_wound_needs_the_wound_programme(client, world) -> None:
    response = client.post(
        f"/api/v1/patients/{world.patient.id}/wounds",
        json={"body_site": "heel", "wound_type": "pressure_ulcer"},
        headers=token_for(client, "nurse"),
    )
    assert response.status_code == 422
    assert "patient" in response.get_json()["errors"]


def test_record_with_assessments_newest_first_push_and_estimated_area(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id, onset_date="2026-10-01")
    older = assessment_data(assessed_at=(datetime.now(UTC) - timedelta(days=7)).isoformat())
    newer = assessment_data(area_cm2=8.5, exudate=None, tissue=None)
    assert post_assessment(client, nurse, wound_id, older, png()).status_code == 201
    assert post_assessment(client, nurse, wound_id, newer, png()).status_code == 201

    record = client.get(f"/api/v1/wounds/{wound_id}", headers=nurse).get_json()
    assert record["wound_type"] == "venous_leg_ulcer" and record["status"] == "open"
    assert record["onset_date"] == "2026-10-01"
    assert record["care_team_id"] == wounds.clinic.id
    first, second = record["assessments"]
    assert first["client_id"] == newer["client_id"] and second["client_id"] == older["client_id"]
    assert first["area_cm2"] == 8.5 and first["area_estimated"] is False
    assert first["push_score"] is None  # no exudate or tissue recorded
    assert second["area_estimated"] is True and second["area_cm2"] == pytest.approx(9.4248, 1e-3)
    # PUSH: 4 × 3 = 12 cm² → 8, moderate exudate 2, granulation 2
    assert second["push_score"] == 12
    assert second["pain"] == 3 and second["periwound"] == "macerated"
    assert record["trajectory"]["baseline_area_cm2"] == pytest.approx(9.4248, 1e-3)
    assert record["trajectory"]["not_healing_as_expected"] is False


# --- photo pipeline -------------------------------------------------------------------------


def test_uploaded_jpeg_is_stored_without_gps_and_with_a_smaller_thumbnail(
    app, client, wounds
) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    response = post_assessment(client, nurse, wound_id, assessment_data(), jpeg_with_gps())
    assert response.status_code == 201, response.get_json()
    (photo,) = response.get_json()["photos"]
    assert photo["url"] == f"/api/v1/photos/{photo['id']}"

    full = client.get(photo["url"], headers=nurse)
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert (
        "no-store" in full.headers["Cache-Control"] and "private" in full.headers["Cache-Control"]
    )
    image = Image.open(io.BytesIO(full.data))
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in full.data and b"PhoneMaker" not in full.data
    assert image.size == (900, 1200)  # orientation 6 applied to the pixels

    thumb = client.get(photo["thumbnail_url"], headers=nurse)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    small = Image.open(io.BytesIO(thumb.data))
    assert max(small.size) <= 320 and small.size[0] < image.size[0]

    row = db.session.get(Photo, photo["id"])
    assert row is not None and row.width == 900 and row.height == 1200
    files = stored_files(app)
    assert len(files) == 2
    for path in files:
        assert uuid.UUID(hex=os.path.basename(path))  # random keys, nothing about the patient
        with open(path, "rb") as stored:
            assert b"PhoneMaker" not in stored.read()
        assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == "0o700"


def test_a_text_file_named_jpg_is_refused_with_415(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    response = post_assessment(
        client, nurse, wound_id, assessment_data(), ("wound.jpg", b"just some text, honestly\n")
    )
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert "0" in response.get_json()["errors"]["photo"]


def test_oversize_photos_and_pixel_bombs_are_refused_with_413(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    app.config["TELEMON_PHOTO_MAX_BYTES"] = 1000
    response = post_assessment(client, nurse, wound_id, assessment_data(), jpeg_with_gps())
    assert response.status_code == 413
    app.config["TELEMON_PHOTO_MAX_BYTES"] = 15_000_000
    app.config["TELEMON_PHOTO_MAX_PIXELS"] = 10_000
    response = post_assessment(client, nurse, wound_id, assessment_data(), png((200, 200)))
    assert response.status_code == 413
    assert "dimensions" in response.get_json()["detail"]


def test_a_retry_with_the_same_client_id_returns_the_same_record(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    data = assessment_data()
    first = post_assessment(client, nurse, wound_id, data, png())
    again = post_assessment(client, nurse, wound_id, data, png())
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert len(stored_files(app)) == 2  # the retry wrote nothing
    other = post_assessment(client, nurse, wound_id, {**data, "length_cm": 9.0}, png())
    assert other.status_code == 409
    assert (
        db.session.scalar(
            select(WoundAssessment.id).where(WoundAssessment.id > first.get_json()["id"])
        )
        is None
    )


def test_a_bad_second_photo_leaves_nothing_behind(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    response = post_assessment(
        client, nurse, wound_id, assessment_data(), png(), ("b.png", b"\x89PNG\r\n\x1a\nbroken")
    )
    assert response.status_code == 422
    assert "1" in response.get_json()["errors"]["photo"]
    assert stored_files(app) == []
    assert db.session.scalars(select(WoundAssessment)).all() == []
    assert _upload_outcomes() == ["allowed", "failed"]  # the access, then: nothing stored


def _upload_outcomes() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.outcome)
            .where(AuditEvent.action == "wound_assessment.create")
            .order_by(AuditEvent.id)
        )
    )


def test_a_database_failure_after_the_files_were_written_removes_them(app, client, wounds) -> None:
    """A real failure in PostgreSQL (a trigger refusing photo rows), not a mock."""
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    db.session.execute(
        text(
            "CREATE FUNCTION refuse_photo() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk full, say'; END $$"
        )
    )
    db.session.execute(
        text("CREATE TRIGGER refuse_photo BEFORE INSERT ON photo EXECUTE FUNCTION refuse_photo()")
    )
    db.session.commit()
    try:
        response = post_assessment(client, nurse, wound_id, assessment_data(), png(), png())
        assert response.status_code == 500
        assert stored_files(app) == []
        assert db.session.scalars(select(WoundAssessment)).all() == []
        assert _upload_outcomes() == ["allowed", "failed"]
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TRIGGER refuse_photo ON photo"))
        db.session.execute(text("DROP FUNCTION refuse_photo()"))
        db.session.commit()


def test_photos_only_for_those_who_may_see_the_patient_and_every_view_audited(
    client, wounds
) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    photo = post_assessment(client, nurse, wound_id, assessment_data(), png()).get_json()["photos"][
        0
    ]
    stranger = token_for(client, "other-nurse")
    assert client.get(photo["url"], headers=stranger).status_code == 404
    assert client.get(photo["thumbnail_url"], headers=stranger).status_code == 404
    assert client.get(f"/api/v1/wounds/{wound_id}", headers=stranger).status_code == 404
    assert client.get(photo["url"]).status_code == 401
    specialist = token_for(client, "wound-specialist")
    assert client.get(photo["url"], headers=specialist).status_code == 200
    assert client.get(photo["url"], headers=nurse).status_code == 200

    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.resource_type == "photo").order_by(AuditEvent.id)
    ).all()
    assert [(r.username, r.action, r.outcome) for r in rows] == [
        ("other-nurse", "photo.read", "denied"),
        ("other-nurse", "photo.thumbnail.read", "denied"),
        ("wound-specialist", "photo.read", "allowed"),
        ("nurse", "photo.read", "allowed"),
    ]
    assert all(r.resource_id == str(photo["id"]) for r in rows)


# --- derived findings -----------------------------------------------------------------------


def test_signs_of_infection_raise_a_red_alert_mailed_to_the_clinic(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    data = assessment_data(infection_signs=["erythema", "warmth"])
    assert post_assessment(client, nurse, wound_id, data, png()).status_code == 201
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "red" and alert.rule == f"wound.{wound_id}.infection"
    assert alert.programme == "wound" and alert.care_team_id == wounds.clinic.id
    (mail,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert mail["To"] == "wound-clinic@example.invalid"
    for secret in (*SECRETS, "erythema"):
        assert secret not in mail_text(mail)


def test_a_venous_ulcer_not_shrinking_40_percent_in_4_weeks_raises_yellow(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    now = datetime.now(UTC)
    baseline = assessment_data(assessed_at=(now - timedelta(days=30)).isoformat(), area_cm2=10.0)
    three_weeks = assessment_data(assessed_at=(now - timedelta(days=9)).isoformat(), area_cm2=8.0)
    post_assessment(client, nurse, wound_id, baseline, png())
    post_assessment(client, nurse, wound_id, three_weeks, png())
    assert db.session.scalars(select(Alert)).all() == []  # not yet 4 weeks
    latest = assessment_data(assessed_at=(now - timedelta(hours=2)).isoformat(), area_cm2=7.0)
    post_assessment(client, nurse, wound_id, latest, png())
    (alert,) = db.session.scalars(select(Alert)).all()
    assert alert.severity == "yellow" and alert.rule == f"wound.{wound_id}.not_healing"
    assert alert.measurement == f"wound.{wound_id}"
    (reason,) = alert.reasons
    assert reason["code"] == "wound.not_healing" and reason["params"]["reduction_percent"] == 30
    assert "30.0%" in reasons_text(alert.reasons, "en")[0]
    assert "30,0" in reasons_text(alert.reasons, "da")[0]
    record = client.get(f"/api/v1/wounds/{wound_id}", headers=nurse).get_json()
    assert record["trajectory"]["reduction_percent"] == 30.0
    assert record["trajectory"]["not_healing_as_expected"] is True

    # Signs of infection on the same wound join that alert: red, both reasons, handled once.
    infected = assessment_data(
        assessed_at=(now - timedelta(hours=1)).isoformat(), area_cm2=7.0, infection_signs=["fever"]
    )
    post_assessment(client, nurse, wound_id, infected, png())
    (alert,) = db.session.scalars(select(Alert)).all()
    db.session.refresh(alert)
    assert (alert.severity, alert.rule) == ("red", f"wound.{wound_id}.infection")
    assert [r["code"] for r in alert.reasons] == ["wound.infection", "wound.not_healing"]


def test_the_trajectory_threshold_is_configurable(app, client, wounds) -> None:
    app.config["TELEMON_WOUND_VLU_MIN_REDUCTION_PERCENT"] = 25
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    now = datetime.now(UTC)
    for days, area in ((30, 10.0), (0, 7.0)):
        at = (now - timedelta(days=days, hours=1)).isoformat()
        post_assessment(
            client, nurse, wound_id, assessment_data(assessed_at=at, area_cm2=area), png()
        )
    assert db.session.scalars(select(Alert)).all() == []


# --- specialist review ----------------------------------------------------------------------


def test_review_request_reply_and_acknowledgement(app, client, wounds) -> None:
    app.config["TELEMON_NOW"] = MONDAY_10.astimezone(UTC)
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    data = assessment_data(assessed_at=(MONDAY_10 - timedelta(hours=1)).isoformat())
    assessment = post_assessment(client, nurse, wound_id, data, png()).get_json()

    response = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={
            "question": "More slough; change dressing?",
            "urgency": "urgent",
            "assessment_id": assessment["id"],
        },
        headers=nurse,
    )
    assert response.status_code == 201, response.get_json()
    review = response.get_json()
    assert review["status"] == "open" and review["assessment_id"] == assessment["id"]
    assert datetime.fromisoformat(review["due_at"]) == datetime(2026, 11, 23, 14, 0, tzinfo=CPH)
    (asked,) = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert asked["To"] == "wound-clinic@example.invalid"
    assert "svar senest 23.11.2026 14.00" in mail_text(asked)  # Danish: the clinic's language
    for secret in (*SECRETS, "slough"):
        assert secret not in mail_text(asked)

    # The clinic sees it in its queue, and in the shared work list with its due time.
    specialist = token_for(client, "wound-specialist")
    listed = client.get("/api/v1/review-requests?status=open", headers=specialist).get_json()
    assert [r["id"] for r in listed["items"]] == [review["id"]]
    # Not the lung team's clinician, and not the other municipality.
    assert (
        client.get("/api/v1/review-requests", headers=token_for(client, "other-nurse")).get_json()[
            "items"
        ]
        == []
    )
    # Only the wound clinic answers.
    refused = client.post(
        f"/api/v1/review-requests/{review['id']}/reply",
        json={"instructions": "x"},
        headers=token_for(client, "clinician"),
    )
    assert refused.status_code == 403
    early = client.post(f"/api/v1/review-requests/{review['id']}/acknowledge", headers=nurse)
    assert early.status_code == 409

    app.config["TELEMON_NOW"] = (MONDAY_10 + timedelta(hours=2)).astimezone(UTC)
    assert (
        client.get(f"/api/v1/review-requests/{review['id']}", headers=specialist).status_code == 200
    )
    answered = client.post(
        f"/api/v1/review-requests/{review['id']}/reply",
        json={"instructions": "Switch to an alginate dressing, change every second day."},
        headers=specialist,
    )
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["status"] == "answered" and body["answered_by"] == wounds.specialist.id
    mails = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert [m["To"] for m in mails] == [
        "wound-clinic@example.invalid",
        "home-nursing@example.invalid",
    ]
    for secret in (*SECRETS, "alginate", "wound-specialist"):
        assert secret not in mail_text(mails[1])
    # The link opens the nurse's page for the answer, where she confirms she has read it.
    assert f"http://telemon.test/home/reviews/{review['id']}" in mail_text(mails[1])

    record = client.get(f"/api/v1/wounds/{wound_id}", headers=nurse).get_json()
    assert record["review_requests"][0]["instructions"].startswith("Switch to an alginate")

    acknowledged = client.post(f"/api/v1/review-requests/{review['id']}/acknowledge", headers=nurse)
    assert acknowledged.status_code == 200
    assert acknowledged.get_json()["status"] == "closed"
    assert acknowledged.get_json()["acknowledged_by"] == wounds.base.nurse.id

    row = db.session.get(ReviewRequest, review["id"])
    assert row is not None
    assert row.requested_at < row.first_seen_at <= row.answered_at <= row.acknowledged_at
    (report,) = reviews.answer_times()
    assert report["care_team_id"] == wounds.clinic.id and report["urgency"] == "urgent"
    assert report["answered"] == report["on_time"] == 1 and report["mean_minutes_to_answer"] == 120


def test_a_nurse_in_no_team_gets_the_answer_herself(app, client, wounds) -> None:
    wounds.home_nursing.members = []
    db.session.commit()
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    review = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Advice?", "urgency": "routine"},
        headers=nurse,
    ).get_json()
    client.post(
        f"/api/v1/review-requests/{review['id']}/reply",
        json={"instructions": "Keep going."},
        headers=token_for(client, "wound-specialist"),
    )
    mails = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert mails[-1]["To"] == "nurse@example.invalid"


def test_overdue_review_requests_escalate_once(app, client, wounds) -> None:
    app.config["TELEMON_NOW"] = MONDAY_10.astimezone(UTC)
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    routine = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Routine check", "urgency": "routine"},
        headers=nurse,
    ).get_json()
    assert datetime.fromisoformat(routine["due_at"]) == datetime(2026, 11, 25, 10, 0, tzinfo=CPH)

    app.config["TELEMON_NOW"] = datetime(2026, 11, 25, 9, 59, tzinfo=CPH).astimezone(UTC)
    assert jobs.run(jobs.ESCALATE_REVIEWS) == 0
    app.config["TELEMON_NOW"] = datetime(2026, 11, 25, 10, 0, tzinfo=CPH).astimezone(UTC)
    assert jobs.run(jobs.ESCALATE_REVIEWS) == 1
    assert jobs.run(jobs.ESCALATE_REVIEWS) == 0
    mails = outbox_messages(app.config["TELEMON_OUTBOX_DIR"])
    assert [m["To"] for m in mails] == [
        "wound-clinic@example.invalid",
        "wound-lead@example.invalid",
    ]
    assert "OVERSKREDET" in mail_text(mails[1])
    row = db.session.get(ReviewRequest, routine["id"])
    assert row is not None and row.escalated_at == app.config["TELEMON_NOW"]
    nurse = token_for(client, "nurse")  # two days later: a new working day, a new token
    listed = client.get(f"/api/v1/review-requests/{routine['id']}", headers=nurse).get_json()
    assert listed["overdue"] is True


# --- the shared queue -----------------------------------------------------------------------


def test_alerts_and_review_requests_share_one_queue(app, client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    for urgency in ("routine", "urgent"):
        client.post(
            f"/api/v1/wounds/{wound_id}/review-requests",
            json={"question": f"{urgency} question", "urgency": urgency},
            headers=nurse,
        )
    infected = assessment_data(infection_signs=["purulent_exudate"])
    post_assessment(client, nurse, wound_id, infected, png())

    specialist = db.session.get(User, wounds.specialist.id)
    items = worklist.work_list(specialist, worklist.WorkListFilter())
    assert [(i.kind, i.label) for i in items] == [
        ("review", "urgent"),  # rank 3, and older than the red alert
        ("alert", "red"),
        ("review", "routine"),
    ]
    assert items[0].due_at is not None and items[1].due_at is None
    counts = worklist.counts_by_team(specialist)
    assert counts == {wounds.clinic.id: {"red": 2, "yellow": 1}}

    # The web queue is built from the same list.
    client.post(
        "/sign-in", data={"username": "wound-specialist", "password": "correct-horse-battery"}
    )
    page = client.get("/queue").get_data(as_text=True)
    assert page.count("data-review-id=") == 2 and page.count("data-alert-id=") == 1
    assert "urgent question" in page


def test_the_queue_pages_through_alerts_and_reviews_raised_at_one_moment(
    app, client, wounds
) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    app.config["TELEMON_NOW"] = ALERTS_BASE  # every item below waits since the same moment
    reviews = {}
    for urgency in ("urgent", "routine"):
        reviews[urgency] = client.post(
            f"/api/v1/wounds/{wound_id}/review-requests",
            json={"question": f"{urgency} question", "urgency": urgency},
            headers=nurse,
        ).get_json()["id"]
    yellow = raise_alert(wounds.enrollment, "test.yellow", "yellow", 0)
    red = raise_alert(wounds.enrollment, "test.red", "red", 0)
    second_red = raise_alert(wounds.enrollment, "test.red-again", "red", 0)

    specialist = db.session.get(User, wounds.specialist.id)
    seen, after = [], None
    for _ in range(10):
        page = worklist.work_page(specialist, worklist.WorkListFilter(), 1, after)
        seen += [(item.kind, item.id) for item in page.items]
        if page.next is None:
            break
        after = paging.decode(page.next, worklist.CURSOR_SHAPE)
    assert seen == [  # rank, then the same moment: alerts before reviews, then by id
        ("alert", red),
        ("alert", second_red),
        ("review", reviews["urgent"]),
        ("alert", yellow),
        ("review", reviews["routine"]),
    ]


def test_a_wound_is_marked_healed(client, wounds) -> None:
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    healed = client.patch(f"/api/v1/wounds/{wound_id}", json={"status": "healed"}, headers=nurse)
    assert healed.status_code == 200 and healed.get_json()["status"] == "healed"
    bad = client.patch(f"/api/v1/wounds/{wound_id}", json={"status": "gone"}, headers=nurse)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]
    other = token_for(client, "other-nurse")
    assert (
        client.patch(
            f"/api/v1/wounds/{wound_id}", json={"status": "open"}, headers=other
        ).status_code
        == 404
    )


def test_time_to_answer_is_reported_per_clinic_and_urgency(app, client, wounds) -> None:
    app.config["TELEMON_NOW"] = MONDAY_10.astimezone(UTC)
    nurse = token_for(client, "nurse")
    wound_id = open_wound(client, nurse, wounds.base.patient.id)
    asked = client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Dressing?", "urgency": "urgent"},
        headers=nurse,
    ).get_json()
    client.post(
        f"/api/v1/wounds/{wound_id}/review-requests",
        json={"question": "Later?", "urgency": "routine"},
        headers=nurse,
    )
    app.config["TELEMON_NOW"] = (MONDAY_10 + timedelta(minutes=90)).astimezone(UTC)
    specialist = token_for(client, "wound-specialist")
    client.post(
        f"/api/v1/review-requests/{asked['id']}/reply",
        json={"instructions": "Alginate."},
        headers=specialist,
    )
    report = client.get("/api/v1/reports/review-answer-times", headers=specialist).get_json()
    assert report["items"] == [
        {
            "care_team_id": wounds.clinic.id,
            "urgency": "routine",
            "requests": 1,
            "answered": 0,
            "on_time": 0,
            "mean_minutes_to_answer": None,
            "max_minutes_to_answer": None,
        },
        {
            "care_team_id": wounds.clinic.id,
            "urgency": "urgent",
            "requests": 1,
            "answered": 1,
            "on_time": 1,
            "mean_minutes_to_answer": 90.0,
            "max_minutes_to_answer": 90.0,
        },
    ]
    # A lung-team clinician sees no wound clinic's figures; nurses see none at all.
    lung = client.get("/api/v1/reports/review-answer-times", headers=token_for(client, "clinician"))
    assert lung.get_json()["items"] == []
    assert client.get("/api/v1/reports/review-answer-times", headers=nurse).status_code == 403
