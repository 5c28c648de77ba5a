"""outgoing mail: a claim per delivery attempt and the retry chain's schedule

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-30 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    # Mail waiting today is due now.
    op.execute("UPDATE outgoing_mail SET next_attempt_at = created_at WHERE sent_at IS NULL")


def downgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claim_id")
        batch.drop_column("next_attempt_at")
