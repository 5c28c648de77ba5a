"""anticoagulation decisions: self-management limits per plan, held days and a note the
patient sees per decision, the worklist's index, care teams' opening hours and out-of-hours text

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Existing plans get the defaults of telemon.anticoagulation.decision.SelfManagementLimits.
    with op.batch_alter_table("anticoagulation_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("self_inr_above", sa.Float(), nullable=False, server_default="1.5")
        )
        batch_op.add_column(
            sa.Column("self_inr_below", sa.Float(), nullable=False, server_default="5.0")
        )
        batch_op.add_column(
            sa.Column("self_max_change_percent", sa.Float(), nullable=False, server_default="10.0")
        )
        batch_op.add_column(
            sa.Column("self_max_hold_doses", sa.Integer(), nullable=False, server_default="1")
        )

    with op.batch_alter_table("dose_suggestion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_hold_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_held_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_care_team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dose_suggestion_decided_care_team_id_care_team"),
            "care_team",
            ["decided_care_team_id"],
            ["id"],
        )
        batch_op.add_column(
            sa.Column(
                "note_visible_to_patient", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_index(
            "ix_dose_suggestion_status_created", ["status", "created_at", "id"], unique=False
        )
    # Decisions made before held days were recorded held the doses their suggestion held,
    # from the day of the test.
    op.execute(
        "UPDATE dose_suggestion SET decided_hold_days = hold_doses, decided_held_from = tested_on "
        "WHERE status IN ('confirmed', 'overridden', 'accepted')"
    )

    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_hours", sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column("out_of_hours_text", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.drop_column("out_of_hours_text")
        batch_op.drop_column("opening_hours")

    with op.batch_alter_table("dose_suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_dose_suggestion_status_created")
        batch_op.drop_column("note_visible_to_patient")
        batch_op.drop_constraint(
            batch_op.f("fk_dose_suggestion_decided_care_team_id_care_team"), type_="foreignkey"
        )
        batch_op.drop_column("decided_care_team_id")
        batch_op.drop_column("decided_held_from")
        batch_op.drop_column("decided_hold_days")

    with op.batch_alter_table("anticoagulation_plan", schema=None) as batch_op:
        batch_op.drop_column("self_max_hold_doses")
        batch_op.drop_column("self_max_change_percent")
        batch_op.drop_column("self_inr_below")
        batch_op.drop_column("self_inr_above")
