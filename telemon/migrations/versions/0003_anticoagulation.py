"""anticoagulation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:25:54.905762

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "nomogram",
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_nomogram")),
    )
    op.create_table(
        "anticoagulation_plan",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("target_low", sa.Float(), nullable=False),
        sa.Column("target_high", sa.Float(), nullable=False),
        sa.Column("weekly_dose_mg", sa.Float(), nullable=False),
        sa.Column("indication", sa.String(length=200), nullable=True),
        sa.Column("self_managing", sa.Boolean(), nullable=False),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("nomogram_version", sa.String(length=60), nullable=False),
        sa.Column("next_test_due", sa.Date(), nullable=True),
        sa.Column("alert_settings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_anticoagulation_plan_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nomogram_version"],
            ["nomogram.version"],
            name=op.f("fk_anticoagulation_plan_nomogram_version_nomogram"),
        ),
        sa.PrimaryKeyConstraint("enrollment_id", name=op.f("pk_anticoagulation_plan")),
    )
    op.create_table(
        "dose_suggestion",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "observation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("nomogram_version", sa.String(length=60), nullable=False),
        sa.Column("inr", sa.Float(), nullable=False),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column("previous_weekly_dose_mg", sa.Float(), nullable=False),
        sa.Column("weekly_dose_mg", sa.Float(), nullable=False),
        sa.Column("change_percent", sa.Float(), nullable=False),
        sa.Column("hold_doses", sa.Integer(), nullable=False),
        sa.Column("contact_clinic", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("next_test_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_weekly_dose_mg", sa.Float(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_dose_suggestion_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_dose_suggestion_enrollment_id_enrollment"),
        ),
        sa.ForeignKeyConstraint(
            ["nomogram_version"],
            ["nomogram.version"],
            name=op.f("fk_dose_suggestion_nomogram_version_nomogram"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_dose_suggestion_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_dose_suggestion_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dose_suggestion")),
        sa.UniqueConstraint("observation_id", name=op.f("uq_dose_suggestion_observation_id")),
    )
    with op.batch_alter_table("dose_suggestion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dose_suggestion_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dose_suggestion_patient_id"), ["patient_id"], unique=False
        )


def downgrade():

    with op.batch_alter_table("dose_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_suggestion_patient_id"))
        batch_op.drop_index(batch_op.f("ix_dose_suggestion_enrollment_id"))

    op.drop_table("dose_suggestion")
    op.drop_table("anticoagulation_plan")
    op.drop_table("nomogram")
