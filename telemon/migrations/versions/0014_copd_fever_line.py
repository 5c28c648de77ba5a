"""the COPD standard temperature limits at the fever line: warning past 37.9 °C (38.0 yellow),
alert past 38.9 °C (39.0 red), where the stored standard is still the shipped 37.0/38.0 (an
administrator's own choice stays). Enrolments keep their own copies: a clinician changes those.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 00:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE default_threshold SET warning_high = 37.9, alert_high = 38.9"
        " WHERE programme = 'copd' AND code = 'temperature'"
        " AND warning_high = 37.0 AND alert_high = 38.0"
    )


def downgrade():
    op.execute(
        "UPDATE default_threshold SET warning_high = 37.0, alert_high = 38.0"
        " WHERE programme = 'copd' AND code = 'temperature'"
        " AND warning_high = 37.9 AND alert_high = 38.9"
    )
