"""devices named by FHIR uploads, linked from their readings

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-24 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier_system", sa.String(length=200), nullable=False),
        sa.Column("identifier_value", sa.String(length=200), nullable=False),
        sa.Column("type_system", sa.String(length=200), nullable=True),
        sa.Column("type_code", sa.String(length=64), nullable=True),
        sa.Column("type_text", sa.String(length=200), nullable=True),
        sa.Column("manufacturer", sa.String(length=200), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("serial_number", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("identifier_system", "identifier_value", name="uq_device_identifier"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_observation_device_id"), ["device_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_device_id_device"), "device", ["device_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_observation_device_id_device"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_observation_device_id"))
        batch_op.drop_column("device_id")
    op.drop_table("device")
