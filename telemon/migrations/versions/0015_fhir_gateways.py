"""FHIR gateways: Observations kept as sent but not evaluated (measurements telemon does not
monitor, absent values, preliminary results), the DeviceMetrics of PHD gateways, and how each
reading from FHIR was sent (its identifiers, codings, categories), and the other resources
FUT's measurement Bundles bring (Provenance, QuestionnaireResponse, Media), kept as sent

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_observation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("value_text", sa.String(length=200), nullable=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_kept_observation_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_kept_observation_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_kept_observation_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_observation")),
        sa.UniqueConstraint("client_id", name=op.f("uq_kept_observation_client_id")),
    )
    op.create_index(
        "ix_kept_observation_patient_time",
        "kept_observation",
        ["patient_id", "effective_at"],
        unique=False,
    )
    op.create_table(
        "device_metric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("type_system", sa.String(length=200), nullable=False),
        sa.Column("type_code", sa.String(length=64), nullable=False),
        sa.Column("operational_status", sa.String(length=20), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_device_metric_device_id_device")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_metric")),
        sa.UniqueConstraint("device_id", "type_system", "type_code", name="uq_device_metric_type"),
    )
    op.create_table(
        "reading_source",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_reading_source")),
    )
    op.create_table(
        "kept_resource",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_kept_resource_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_kept_resource_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_resource")),
        sa.UniqueConstraint("client_id", name=op.f("uq_kept_resource_client_id")),
    )
    op.create_index(
        op.f("ix_kept_resource_patient_id"), "kept_resource", ["patient_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_kept_resource_patient_id"), table_name="kept_resource")
    op.drop_table("kept_resource")
    op.drop_table("reading_source")
    op.drop_table("device_metric")
    op.drop_index("ix_kept_observation_patient_time", table_name="kept_observation")
    op.drop_table("kept_observation")
