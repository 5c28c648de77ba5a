"""Patients, their programme enrolments and per-patient thresholds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, Float, ForeignKey, Index, String, Table, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.identity import CareTeam, Organisation
from telemon.models.types import UTCDateTime

PROGRAMMES = ("copd", "anticoagulation", "wound")


class Patient(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The CPR number identifies a person: stored, shown to those who may see the patient,
    # never logged, mailed or put in a URL.
    cpr: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    # The organisation that registered (and treats) the patient; its admins and clinicians
    # may see the record even before an enrolment names a care team.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Optional contact details, shown to those who may see the patient.
    phone: Mapped[str | None] = mapped_column(String(40))
    next_of_kin_name: Mapped[str | None] = mapped_column(String(200))
    next_of_kin_phone: Mapped[str | None] = mapped_column(String(40))

    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="patient", order_by="Enrollment.id"
    )


enrollment_share = Table(
    "enrollment_share",
    db.metadata,
    Column("enrollment_id", ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True, index=True),
)


class Enrollment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    care_team_id: Mapped[int] = mapped_column(ForeignKey("care_team.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    # Monitoring paused for a period of local (Copenhagen) days, both inclusive; no end day:
    # until resumed. See telemon.monitoring.
    paused_from: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    pause_reason: Mapped[str | None] = mapped_column(String(30))
    # Who paused or resumed by hand (telemon.patients.lifecycle), or the hospital stay whose
    # notifications paused it (telemon.medcom): the page says which.
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pause_stay_id: Mapped[int | None] = mapped_column(ForeignKey("hospital_stay.id"))
    # A discharge restarts the schedule from the discharge time: expected measurements count
    # from here (telemon.monitoring.counting_from).
    monitoring_restarted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Missing-measurement schedule and baseline-rule settings: overrides of the defaults in
    # telemon.copd.schedule / telemon.copd.rules, validated there.
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rule_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    patient: Mapped[Patient] = relationship(back_populates="enrollments")
    care_team: Mapped[CareTeam] = relationship()
    shared_with: Mapped[list[Organisation]] = relationship(secondary=enrollment_share)
    thresholds: Mapped[list[Threshold]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan", order_by="Threshold.code"
    )

    __table_args__ = (
        # One active enrolment per patient and programme.
        Index(
            "uq_enrollment_active_programme",
            "patient_id",
            "programme",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )


class _Limits:
    alert_high: Mapped[float | None] = mapped_column(Float)
    warning_high: Mapped[float | None] = mapped_column(Float)
    warning_low: Mapped[float | None] = mapped_column(Float)
    alert_low: Mapped[float | None] = mapped_column(Float)


class Threshold(_Limits, db.Model):
    """A patient's four limits for one code: alert high > warning high > warning low > alert low."""

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)

    enrollment: Mapped[Enrollment] = relationship(back_populates="thresholds")


class DefaultSchedule(db.Model):
    """The programme's default measurement schedule (overrides of
    telemon.copd.schedule.MeasurementSchedule), copied into each new enrolment."""

    programme: Mapped[str] = mapped_column(String(20), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DefaultThreshold(_Limits, db.Model):
    """The programme's standard threshold set, copied into each new enrolment."""

    programme: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
