"""Questionnaires (each published version a FHIR R4 Questionnaire) and the responses to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import BigId, UTCDateTime

QUESTIONNAIRE_STATUSES = ("active", "retired")


class Questionnaire(db.Model):
    """One published version of a questionnaire: `resource` is its FHIR R4 Questionnaire as
    published (without id and status, which are the row's), never changed afterwards; a new
    version is a new row under the same `url`. Published for a programme by a system
    administrator (no care team), or by a clinician for her care team's own patients."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    programme: Mapped[str] = mapped_column(String(20), default="copd")
    status: Mapped[str] = mapped_column(String(10), default="active")
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Where it came from: "fhir" or "opentele" (the export is not kept; the resource is).
    source: Mapped[str] = mapped_column(String(10), default="fhir")
    care_team_id: Mapped[int | None] = mapped_column(ForeignKey("care_team.id"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("url", "version", name="uq_questionnaire_url_version"),)


class QuestionnaireResponse(db.Model):
    """A patient's answers to one questionnaire version. `answers` maps link id → value in the
    questionnaire's order (telemon.questionnaires.branching.validate_response); the readings
    in it are Observations stored through ingest (`observation_ids`: link id → ids, in the
    order of the item's codes; `batch_id` their batch), so they are judged as readings are."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    authored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    authored_offset_minutes: Mapped[int] = mapped_column(Integer)
    # Who answered: "patient", "relative", or "nurse" (with the patient at her side).
    performer: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The answers' triage (green/yellow/red), as returned when the response arrived.
    triage: Mapped[str] = mapped_column(String(10))
    observation_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    # Set once the worker has turned the response into its finding (questionnaires.evaluation).
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questionnaire: Mapped[Questionnaire] = relationship()

    __table_args__ = (Index("ix_questionnaire_response_patient_time", "patient_id", "authored_at"),)


class EnrollmentQuestionnaire(db.Model):
    """A questionnaire assigned to an enrolment, with its schedule (the measurement schedule's
    forms: telemon.copd.schedule, interval_days and grace_hours). Answering any version of the
    questionnaire (the same url) counts."""

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True
    )
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), primary_key=True)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    questionnaire: Mapped[Questionnaire] = relationship()
