"""users' full names and titles: who did what is said as "Name, title" (timelines, the audit
viewer, review answers); staff only (a patient's login is named by the patient's record)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("title", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("full_name")
