"""MedCom messages received (HospitalNotification), the hospital stays they tell of, and the home
nurse's follow-up after a discharge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.identity import User
from telemon.models.patients import Patient
from telemon.models.types import UTCDateTime


class ReceivedMessage(db.Model):
    """A MedCom message as it arrived, kept whatever telemon did with it, with the answer sent:
    a resend (the same MessageHeader id) gets the same answer and changes nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)  # MessageHeader.id
    message_type: Mapped[str] = mapped_column(String(60))  # MessageHeader.eventCoding.code
    # HospitalNotification: the short code (STIN, AN_STIN, RE_SLHJ, ...); None when unreadable.
    event: Mapped[str | None] = mapped_column(String(12))
    refers_to: Mapped[str | None] = mapped_column(String(64))  # AN_/RE_: the message named
    episode: Mapped[str | None] = mapped_column(String(100))
    # The patient, when known here (matched by CPR); None: not one of telemon's patients.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    stay_id: Mapped[int | None] = mapped_column(ForeignKey("hospital_stay.id"), index=True)
    # acted | unknown_patient | not_acted | refused
    outcome: Mapped[str] = mapped_column(String(20))
    sender_sor: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The message as sent (it holds the CPR number: health data, like the patient record) and
    # the Acknowledgement answered.
    bundle: Mapped[dict[str, Any]] = mapped_column(JSON)
    acknowledgement: Mapped[dict[str, Any]] = mapped_column(JSON)


class HospitalStay(db.Model):
    """A patient's hospital stay (one episode of care), as its notifications say it is now
    (telemon.medcom.stay.replay over its ReceivedMessages)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    episode: Mapped[str] = mapped_column(String(100))
    # admitted | on_leave | discharged | died | cancelled (telemon.medcom.stay.Status)
    status: Mapped[str] = mapped_column(String(12))
    department: Mapped[str | None] = mapped_column(String(200))
    department_sor: Mapped[str | None] = mapped_column(String(20))
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leave_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The leaves taken: [[start, end or null], ...] as ISO 8601 UTC strings.
    leaves: Mapped[list[list[str | None]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship()

    __table_args__ = (Index("uq_hospital_stay_episode", "patient_id", "episode", unique=True),)


class DischargeFollowUp(db.Model):
    """The home nurse's work item after a discharge: "udskrevet: genoptag målinger". One per
    stay; removed while not done if the discharge is cancelled."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("hospital_stay.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    discharged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    stay: Mapped[HospitalStay] = relationship()
    done_by: Mapped[User | None] = relationship()
