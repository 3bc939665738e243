"""Appointments elections second reading (rules 3.8 and 1.4)

Rule 3.8: an appointment round may be an agreement of all members present ('agreement',
recorded without a vote); a proportional round's groups join in joint groups (valggrupper:
the column 'alliances' renamed 'joint_groups'); a seat won by a joint group records its groups;
a published appointment can be ended (date, reason). Rule 1.4: an electoral alliance records when the
secretariat received the notice ('received_at', filled from 'registered_at' for those on record).

Revision ID: a14a00000001
Revises: c667f90c26de
Create Date: 2026-12-04 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14a00000001'
down_revision = 'c667f90c26de'
branch_labels = None
depends_on = None


END_REASONS = ('left_council', 'resigned', 'replaced', 'body_changed', 'other')


def upgrade():
    with op.batch_alter_table('appointment_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('alliances', new_column_name='joint_groups', existing_type=sa.JSON())

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joint_group_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('end_reason', sa.Enum(*END_REASONS, name='appointment_end_reason', native_enum=False, create_constraint=True, length=40), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appointment_ended_by_id_person'), 'person', ['ended_by_id'], ['id'])

    with op.batch_alter_table('electoral_alliance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    # Alliances on record: the best we know of when the notice arrived is when it was typed in.
    op.execute("UPDATE electoral_alliance SET received_at = registered_at")
    with op.batch_alter_table('electoral_alliance', schema=None) as batch_op:
        batch_op.alter_column('received_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('electoral_alliance', schema=None) as batch_op:
        batch_op.drop_column('received_at')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_ended_by_id_person'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_appointment_appointment_end_reason'), type_='check')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('end_reason')
        batch_op.drop_column('ended_on')
        batch_op.drop_column('joint_group_ids')

    with op.batch_alter_table('appointment_round', schema=None) as batch_op:
        batch_op.alter_column('joint_groups', new_column_name='alliances', existing_type=sa.JSON())
        batch_op.drop_column('agreement')
