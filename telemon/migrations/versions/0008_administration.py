"""administration: web sessions, temporary passwords, audited changes, patient contacts,
paused and ended enrolments, tablet strength, default schedules, public holidays

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 22:10:12.860274

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "default_schedule",
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("programme", name=op.f("pk_default_schedule")),
    )
    op.create_table(
        "public_holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("observed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_public_holiday")),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_web_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_seen_at", sa.DateTime(timezone=True), nullable=True))
    # Until now only the first look by anyone was recorded: take it as the team's.
    op.execute("UPDATE alert SET team_seen_at = first_seen_at")

    with op.batch_alter_table("nomogram", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("current", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "uq_nomogram_current",
            ["current"],
            unique=True,
            sqlite_where=sa.text("current"),
            postgresql_where=sa.text("current"),
        )
    # Until now the newest version was the one new plans started on.
    op.execute(
        "UPDATE nomogram SET current = true WHERE version = "
        "(SELECT version FROM nomogram ORDER BY created_at DESC, version DESC LIMIT 1)"
    )

    with op.batch_alter_table("anticoagulation_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tablet_strength_mg", sa.Float(), nullable=False, server_default="2.5")
        )

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch_op.create_index(
            "ix_audit_event_resource", ["resource_type", "resource_id"], unique=False
        )
        batch_op.create_index("ix_audit_event_user_at", ["user_id", "at"], unique=False)

    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("paused_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("pause_reason", sa.String(length=30), nullable=True))

    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("next_of_kin_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("next_of_kin_phone", sa.String(length=40), nullable=True))

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change_password")

    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("next_of_kin_phone")
        batch_op.drop_column("next_of_kin_name")
        batch_op.drop_column("phone")

    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_column("pause_reason")
        batch_op.drop_column("paused_until")
        batch_op.drop_column("paused_from")
        batch_op.drop_column("end_reason")

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_user_at")
        batch_op.drop_index("ix_audit_event_resource")
        batch_op.drop_column("changes")

    with op.batch_alter_table("anticoagulation_plan", schema=None) as batch_op:
        batch_op.drop_column("tablet_strength_mg")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("team_seen_at")

    with op.batch_alter_table("nomogram", schema=None) as batch_op:
        batch_op.drop_index("uq_nomogram_current")
        batch_op.drop_column("current")

    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    op.drop_table("public_holiday")
    op.drop_table("default_schedule")
