"""Organisations, users, care teams and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telemon.extensions import db
from telemon.models.types import UTCDateTime
from telemon.vocabulary import Role

ORGANISATION_KINDS = ("hospital", "municipality", "gp_practice", "nursing_home")
ROLES: tuple[str, ...] = tuple(Role)  # the values, for validators (telemon.vocabulary.Role)


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How MedCom's messages name the organisation: its SOR code and EAN (GLN) location number.
    sor_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    ean_code: Mapped[str | None] = mapped_column(String(13))


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # None only for a system administrator, who creates organisations.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # Staff: how telemon names the person who did something ("Name, title"); a patient's login
    # has neither (the patient's record holds the name).
    full_name: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(80))
    # Set for role "patient": the record this user is.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="da")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A password set by someone else (a reset, a new login) is temporary: the user must choose
    # their own at the next sign-in before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_system_admin(self) -> bool:
        return self.role == Role.ADMIN and self.organisation_id is None


care_team_member = Table(
    "care_team_member",
    db.metadata,
    Column("care_team_id", ForeignKey("care_team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CareTeam(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Where the team's alert mail goes; escalations go to escalation_email when set.
    email: Mapped[str] = mapped_column(String(254))
    escalation_email: Mapped[str | None] = mapped_column(String(254))
    # The language of the team's mail: "da" (default) or "en".
    language: Mapped[str] = mapped_column(String(5), default="da", server_default="da")
    # Opening hours on working days, "08:00-16:00"; None: the installation's
    # (TELEMON_WORKING_HOURS). Public holidays are closed.
    opening_hours: Mapped[str | None] = mapped_column(String(11))
    # What the team's patients read out of hours (whom to call on bleeding); None: telemon's.
    out_of_hours_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    members: Mapped[list[User]] = relationship(secondary=care_team_member)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()


class WebSession(db.Model):
    """A signed-in browser. The cookie holds a random key; only its SHA-256 is stored here, so
    signing out (deleting the row) makes a copied cookie worthless at once."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's key
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
