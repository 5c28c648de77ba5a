"""wound care: wounds, assessments, photos, review requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:39:59.462989

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("body_site", sa.String(length=200), nullable=False),
        sa.Column("wound_type", sa.String(length=30), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_wound_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_wound_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_wound_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wound")),
    )
    with op.batch_alter_table("wound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wound_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wound_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "wound_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wound_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("length_cm", sa.Float(), nullable=False),
        sa.Column("width_cm", sa.Float(), nullable=False),
        sa.Column("depth_cm", sa.Float(), nullable=True),
        sa.Column("area_cm2", sa.Float(), nullable=False),
        sa.Column("area_estimated", sa.Boolean(), nullable=False),
        sa.Column("tissue", sa.String(length=20), nullable=True),
        sa.Column("exudate", sa.String(length=20), nullable=True),
        sa.Column("odour", sa.String(length=20), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("periwound", sa.String(length=200), nullable=True),
        sa.Column("infection_signs", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("push_score", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"], ["user.id"], name=op.f("fk_wound_assessment_assessed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["wound_id"], ["wound.id"], name=op.f("fk_wound_assessment_wound_id_wound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wound_assessment")),
        sa.UniqueConstraint("client_id", name=op.f("uq_wound_assessment_client_id")),
    )
    with op.batch_alter_table("wound_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wound_assessment_wound_id"), ["wound_id"], unique=False
        )

    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["wound_assessment.id"],
            name=op.f("fk_photo_assessment_id_wound_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_photo_storage_key")),
        sa.UniqueConstraint("thumbnail_key", name=op.f("uq_photo_thumbnail_key")),
    )
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "review_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wound_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user.id"],
            name=op.f("fk_review_request_acknowledged_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user.id"], name=op.f("fk_review_request_answered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["wound_assessment.id"],
            name=op.f("fk_review_request_assessment_id_wound_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["care_team_id"],
            ["care_team.id"],
            name=op.f("fk_review_request_care_team_id_care_team"),
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_review_request_enrollment_id_enrollment"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_review_request_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_review_request_requested_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["wound_id"], ["wound.id"], name=op.f("fk_review_request_wound_id_wound")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_request")),
    )
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_request_care_team_id"), ["care_team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_request_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index("ix_review_request_queue", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_request_wound_id"), ["wound_id"], unique=False)


def downgrade():
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_request_wound_id"))
        batch_op.drop_index("ix_review_request_queue")
        batch_op.drop_index(batch_op.f("ix_review_request_patient_id"))
        batch_op.drop_index(batch_op.f("ix_review_request_care_team_id"))

    op.drop_table("review_request")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_assessment_id"))

    op.drop_table("photo")
    with op.batch_alter_table("wound_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wound_assessment_wound_id"))

    op.drop_table("wound_assessment")
    with op.batch_alter_table("wound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wound_patient_id"))
        batch_op.drop_index(batch_op.f("ix_wound_enrollment_id"))

    op.drop_table("wound")
