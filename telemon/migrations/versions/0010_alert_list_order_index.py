"""the alert list's order as an index (GET /api/v1/alerts reads a page off it)

The list is ordered by the severity rank (red 3, yellow 2, blue 1), then oldest, then id, over
the alerts not resolved (telemon.alerts.queries). ix_alert_queue (status, severity, raised_at)
cannot give that order, so every page sorted all the caller's unresolved alerts (20,000 in the
benchmark) to keep 200. This partial expression index holds the order itself; the list's query
writes the same CASE expression with its values inline so that both databases match it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# As telemon.models.alerts.SEVERITY_RANK_SQL writes it today (a migration does not import the
# models: they may change after it).
RANK = "(CASE severity WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 WHEN 'blue' THEN 1 ELSE 0 END)"
UNRESOLVED = "status <> 'resolved'"


def upgrade():
    op.create_index(
        "ix_alert_list_order",
        "alert",
        [sa.text(RANK + " DESC"), "raised_at", "id"],
        postgresql_where=sa.text(UNRESOLVED),
        sqlite_where=sa.text(UNRESOLVED),
    )


def downgrade():
    op.drop_index("ix_alert_list_order", table_name="alert")
