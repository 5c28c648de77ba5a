"""messages about a patient: the thread between patient, home nurse and care team; the
organisations' SOR and EAN codes (MedCom CareCommunication)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # How MedCom's messages (CareCommunication) name an organisation.
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sor_code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ean_code", sa.String(length=13), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_organisation_sor_code"), ["sor_code"])
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("care_team_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("sender_role", sa.String(length=20), nullable=False),
        sa.Column("sender_organisation_id", sa.Integer(), nullable=True),
        sa.Column("sender_display", sa.String(length=200), nullable=True),
        sa.Column("from_team", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("to_organisation_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_by_team_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by_patient_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by_organisation_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("work_status", sa.String(length=10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["care_team_id"], ["care_team.id"], name=op.f("fk_message_care_team_id_care_team")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_message_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["user.id"], name=op.f("fk_message_handled_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_message_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_id"], ["message.id"], name=op.f("fk_message_reply_to_id_message")
        ),
        sa.ForeignKeyConstraint(["sender_id"], ["user.id"], name=op.f("fk_message_sender_id_user")),
        sa.ForeignKeyConstraint(
            ["sender_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_message_sender_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_message_to_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("sender_id", "client_id", name="uq_message_sender_client"),
        sa.UniqueConstraint("external_id", name=op.f("uq_message_external_id")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_care_team_id"), ["care_team_id"], unique=False)
        batch_op.create_index("ix_message_thread", ["patient_id", "sent_at", "id"], unique=False)
        batch_op.create_index("ix_message_work", ["work_status", "due_at"], unique=False)


def downgrade():
    op.drop_table("message")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisation_sor_code"), type_="unique")
        batch_op.drop_column("ean_code")
        batch_op.drop_column("sor_code")
