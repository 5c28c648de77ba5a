"""observation history index carries the value (PostgreSQL: index-only baseline reads)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:45:00

"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ["patient_id", "code", "effective_at"]


def upgrade():
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite has no INCLUDE; its index stays as it is
    op.drop_index("ix_observation_patient_code_time", table_name="observation")
    op.create_index(
        "ix_observation_patient_code_time",
        "observation",
        COLUMNS,
        postgresql_include=["value"],
    )


def downgrade():
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index("ix_observation_patient_code_time", table_name="observation")
    op.create_index("ix_observation_patient_code_time", "observation", COLUMNS)
