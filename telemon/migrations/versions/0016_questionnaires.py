"""questionnaires (FHIR R4 Questionnaire per published version) and the responses to them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 00:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["care_team_id"], ["care_team.id"], name=op.f("fk_questionnaire_care_team_id_care_team")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user.id"], name=op.f("fk_questionnaire_published_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint("url", "version", name="uq_questionnaire_url_version"),
    )
    op.create_index(
        op.f("ix_questionnaire_care_team_id"), "questionnaire", ["care_team_id"], unique=False
    )
    op.create_table(
        "questionnaire_response",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("authored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authored_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("performer", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("triage", sa.String(length=10), nullable=False),
        sa.Column("observation_ids", sa.JSON(), nullable=False),
        sa.Column("batch_id", BIG_ID, nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ingest_batch.id"],
            name=op.f("fk_questionnaire_response_batch_id_ingest_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_questionnaire_response_patient_id_patient"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaire.id"],
            name=op.f("fk_questionnaire_response_questionnaire_id_questionnaire"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_questionnaire_response_recorded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_response")),
        sa.UniqueConstraint("client_id", name=op.f("uq_questionnaire_response_client_id")),
    )
    op.create_index(
        op.f("ix_questionnaire_response_batch_id"),
        "questionnaire_response",
        ["batch_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_questionnaire_response_questionnaire_id"),
        "questionnaire_response",
        ["questionnaire_id"],
        unique=False,
    )
    op.create_index(
        "ix_questionnaire_response_patient_time",
        "questionnaire_response",
        ["patient_id", "authored_at"],
        unique=False,
    )

    op.create_table(
        "enrollment_questionnaire",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_enrollment_questionnaire_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaire.id"],
            name=op.f("fk_enrollment_questionnaire_questionnaire_id_questionnaire"),
        ),
        sa.PrimaryKeyConstraint(
            "enrollment_id", "questionnaire_id", name=op.f("pk_enrollment_questionnaire")
        ),
    )


def downgrade():
    op.drop_table("enrollment_questionnaire")
    op.drop_table("questionnaire_response")
    op.drop_table("questionnaire")
