"""Seats and membership changes (rules 1.0, 1.9-1.16)

Revision ID: a14d00000004
Revises: a14c00000003
Create Date: 2026-12-04 18:13:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a14d00000004"
down_revision = "a14c00000003"
branch_labels = None
depends_on = None


END_CAUSES = (
    "left_municipal_council",
    "left_group",
    "resigned",
    "became_member",
    "seat_ended",
    "no_longer_mayor",
    "other",
)


def end_cause():
    return sa.Enum(
        *END_CAUSES, name="end_cause", native_enum=False, create_constraint=True, length=40
    )


def upgrade():
    # Rules 1.9, 1.13-1.14: why a membership or a substitute's role ended, from a list.
    # Rules 1.11-1.12: a member named on top of the composition. Rule 1.13: the seat taken over.
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_cause", end_cause(), nullable=True))
        batch_op.add_column(
            sa.Column("extra_seat", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("succeeds_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_succeeds_id_membership"),
            "membership",
            ["succeeds_id"],
            ["id"],
        )

    with op.batch_alter_table("substitute_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_cause", end_cause(), nullable=True))

    # Rule 1.10: a mayor's change of party, keeping the group of the days before.
    op.create_table(
        "group_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("from_group_id", sa.Integer(), nullable=True),
        sa.Column("to_group_id", sa.Integer(), nullable=True),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["council.id"], name=op.f("fk_group_change_council_id_council")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_group_change_membership_id_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["from_group_id"],
            ["council_group.id"],
            name=op.f("fk_group_change_from_group_id_council_group"),
        ),
        sa.ForeignKeyConstraint(
            ["to_group_id"],
            ["council_group.id"],
            name=op.f("fk_group_change_to_group_id_council_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_change")),
    )
    with op.batch_alter_table("group_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_change_council_id"), ["council_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_change_membership_id"), ["membership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("group_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_change_membership_id"))
        batch_op.drop_index(batch_op.f("ix_group_change_council_id"))
    op.drop_table("group_change")

    with op.batch_alter_table("substitute_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_substitute_assignment_end_cause"), type_="check")
        batch_op.drop_column("end_cause")

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_membership_succeeds_id_membership"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_membership_end_cause"), type_="check")
        batch_op.drop_column("succeeds_id")
        batch_op.drop_column("extra_seat")
        batch_op.drop_column("end_cause")
