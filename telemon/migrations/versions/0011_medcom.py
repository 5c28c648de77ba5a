"""MedCom HospitalNotification in: the messages received, the hospital stays they tell of, the
home nurse's follow-up after a discharge; who paused an enrolment (a user, or a stay), when a
discharge restarted its schedule; readings taken during an admission

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hospital_stay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("episode", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("department_sor", sa.String(length=20), nullable=True),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leave_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leaves", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_hospital_stay_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hospital_stay")),
    )
    op.create_index(
        "uq_hospital_stay_episode", "hospital_stay", ["patient_id", "episode"], unique=True
    )
    op.create_table(
        "received_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("message_type", sa.String(length=60), nullable=False),
        sa.Column("event", sa.String(length=12), nullable=True),
        sa.Column("refers_to", sa.String(length=64), nullable=True),
        sa.Column("episode", sa.String(length=100), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("stay_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("sender_sor", sa.String(length=20), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=False),
        sa.Column("bundle", sa.JSON(), nullable=False),
        sa.Column("acknowledgement", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_received_message_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["stay_id"],
            ["hospital_stay.id"],
            name=op.f("fk_received_message_stay_id_hospital_stay"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["user.id"], name=op.f("fk_received_message_received_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_received_message_message_id")),
    )
    op.create_index(
        op.f("ix_received_message_patient_id"), "received_message", ["patient_id"], unique=False
    )
    op.create_index(
        op.f("ix_received_message_stay_id"), "received_message", ["stay_id"], unique=False
    )
    op.create_table(
        "discharge_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stay_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("discharged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["stay_id"],
            ["hospital_stay.id"],
            name=op.f("fk_discharge_follow_up_stay_id_hospital_stay"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_discharge_follow_up_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["user.id"], name=op.f("fk_discharge_follow_up_done_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_follow_up")),
        sa.UniqueConstraint("stay_id", name=op.f("uq_discharge_follow_up_stay_id")),
    )
    op.create_index(
        op.f("ix_discharge_follow_up_patient_id"),
        "discharge_follow_up",
        ["patient_id"],
        unique=False,
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resumed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pause_stay_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("monitoring_restarted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollment_paused_by_id_user"), "user", ["paused_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollment_resumed_by_id_user"), "user", ["resumed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollment_pause_stay_id_hospital_stay"),
            "hospital_stay",
            ["pause_stay_id"],
            ["id"],
        )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("during_admission", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("during_admission")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_constraint("fk_enrollment_pause_stay_id_hospital_stay", type_="foreignkey")
        batch_op.drop_constraint("fk_enrollment_resumed_by_id_user", type_="foreignkey")
        batch_op.drop_constraint("fk_enrollment_paused_by_id_user", type_="foreignkey")
        batch_op.drop_column("monitoring_restarted_at")
        batch_op.drop_column("pause_stay_id")
        batch_op.drop_column("resumed_by_id")
        batch_op.drop_column("paused_by_id")
    op.drop_index(op.f("ix_discharge_follow_up_patient_id"), table_name="discharge_follow_up")
    op.drop_table("discharge_follow_up")
    op.drop_index(op.f("ix_received_message_stay_id"), table_name="received_message")
    op.drop_index(op.f("ix_received_message_patient_id"), table_name="received_message")
    op.drop_table("received_message")
    op.drop_index("uq_hospital_stay_episode", table_name="hospital_stay")
    op.drop_table("hospital_stay")
