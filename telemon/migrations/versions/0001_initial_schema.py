"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 00:08:01.526307

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("resource_id", sa.String(length=60), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_patient_at", ["patient_id", "at"], unique=False)

    op.create_table(
        "default_threshold",
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("alert_high", sa.Float(), nullable=True),
        sa.Column("warning_high", sa.Float(), nullable=True),
        sa.Column("warning_low", sa.Float(), nullable=True),
        sa.Column("alert_low", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("programme", "code", name=op.f("pk_default_threshold")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    op.create_table(
        "care_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("escalation_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_care_team_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team")),
    )
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_team_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cpr", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_patient_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("cpr", name=op.f("uq_patient_cpr")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("rule_settings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_team_id"], ["care_team.id"], name=op.f("fk_enrollment_care_team_id_care_team")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_enrollment_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollment_care_team_id"), ["care_team_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrollment_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            "uq_enrollment_active_programme",
            ["patient_id", "programme"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_key", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["care_team_id"], ["care_team.id"], name=op.f("fk_outgoing_mail_care_team_id_care_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
        sa.UniqueConstraint("event_key", name=op.f("uq_outgoing_mail_event_key")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outgoing_mail_unsent",
            ["created_at"],
            unique=False,
            sqlite_where=sa.text("sent_at IS NULL"),
            postgresql_where=sa.text("sent_at IS NULL"),
        )

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_user_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("username", name=op.f("uq_user_username")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledge_note", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("visible_to_patient", sa.Boolean(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["user.id"], name=op.f("fk_alert_acknowledged_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["care_team_id"], ["care_team.id"], name=op.f("fk_alert_care_team_id_care_team")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_alert_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user.id"], name=op.f("fk_alert_resolved_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_care_team_id"), ["care_team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_alert_queue", ["status", "severity", "raised_at"], unique=False)
        batch_op.create_index(
            "uq_alert_unresolved_rule",
            ["patient_id", "programme", "rule"],
            unique=True,
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_api_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "care_team_member",
        sa.Column("care_team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_team_id"],
            ["care_team.id"],
            name=op.f("fk_care_team_member_care_team_id_care_team"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_care_team_member_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("care_team_id", "user_id", name=op.f("pk_care_team_member")),
    )
    with op.batch_alter_table("care_team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_team_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "enrollment_share",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_enrollment_share_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_enrollment_share_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "enrollment_id", "organisation_id", name=op.f("pk_enrollment_share")
        ),
    )
    with op.batch_alter_table("enrollment_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollment_share_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "ingest_batch",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_ingest_batch_submitted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_batch")),
    )
    with op.batch_alter_table("ingest_batch", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ingest_batch_pending",
            ["received_at"],
            unique=False,
            sqlite_where=sa.text("evaluated_at IS NULL"),
            postgresql_where=sa.text("evaluated_at IS NULL"),
        )

    op.create_table(
        "threshold",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("alert_high", sa.Float(), nullable=True),
        sa.Column("warning_high", sa.Float(), nullable=True),
        sa.Column("warning_low", sa.Float(), nullable=True),
        sa.Column("alert_low", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_threshold_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enrollment_id", "code", name=op.f("pk_threshold")),
    )
    op.create_table(
        "alert_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_alert_event_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["by_id"], ["user.id"], name=op.f("fk_alert_event_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_event_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "observation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("loinc", sa.String(length=20), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("value_qualifier", sa.String(length=2), nullable=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("performer", sa.String(length=10), nullable=False),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=20), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batch.id"], name=op.f("fk_observation_batch_id_ingest_batch")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_observation_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_observation_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint("client_id", name=op.f("uq_observation_client_id")),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            "ix_observation_patient_code_time", ["patient_id", "code", "effective_at"], unique=False
        )
        batch_op.create_index(
            "ix_observation_patient_time", ["patient_id", "effective_at"], unique=False
        )

    op.create_table(
        "alert_observation",
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "observation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_alert_observation_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_alert_observation_observation_id_observation"),
        ),
        sa.PrimaryKeyConstraint("alert_id", "observation_id", name=op.f("pk_alert_observation")),
    )
    with op.batch_alter_table("alert_observation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_observation_observation_id"), ["observation_id"], unique=False
        )


def downgrade():

    with op.batch_alter_table("alert_observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_observation_observation_id"))

    op.drop_table("alert_observation")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_patient_time")
        batch_op.drop_index("ix_observation_patient_code_time")
        batch_op.drop_index(batch_op.f("ix_observation_batch_id"))

    op.drop_table("observation")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_alert_id"))

    op.drop_table("alert_event")
    op.drop_table("threshold")
    with op.batch_alter_table("ingest_batch", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_ingest_batch_pending",
            sqlite_where=sa.text("evaluated_at IS NULL"),
            postgresql_where=sa.text("evaluated_at IS NULL"),
        )

    op.drop_table("ingest_batch")
    with op.batch_alter_table("enrollment_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_share_organisation_id"))

    op.drop_table("enrollment_share")
    with op.batch_alter_table("care_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_team_member_user_id"))

    op.drop_table("care_team_member")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_token_expires_at"))

    op.drop_table("api_token")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_alert_unresolved_rule",
            sqlite_where=sa.text("status <> 'resolved'"),
            postgresql_where=sa.text("status <> 'resolved'"),
        )
        batch_op.drop_index("ix_alert_queue")
        batch_op.drop_index(batch_op.f("ix_alert_patient_id"))
        batch_op.drop_index(batch_op.f("ix_alert_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_alert_care_team_id"))

    op.drop_table("alert")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_patient_id"))
        batch_op.drop_index(batch_op.f("ix_user_organisation_id"))

    op.drop_table("user")
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outgoing_mail_unsent",
            sqlite_where=sa.text("sent_at IS NULL"),
            postgresql_where=sa.text("sent_at IS NULL"),
        )

    op.drop_table("outgoing_mail")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_enrollment_active_programme",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_enrollment_patient_id"))
        batch_op.drop_index(batch_op.f("ix_enrollment_care_team_id"))

    op.drop_table("enrollment")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_organisation_id"))

    op.drop_table("patient")
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_team_organisation_id"))

    op.drop_table("care_team")
    op.drop_table("organisation")
    op.drop_table("default_threshold")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_patient_at")

    op.drop_table("audit_event")
