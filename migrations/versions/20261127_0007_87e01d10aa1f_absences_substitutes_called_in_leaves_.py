"""Absences, substitutes called in, long leaves, requests for an extraordinary meeting.

Revision ID: 87e01d10aa1f
Revises: 73c2e5c8eec1
Create Date: 2026-11-27 00:07:51.495835

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '87e01d10aa1f'
down_revision = '73c2e5c8eec1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('threshold_reached_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_meeting_request_council_id_council')),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_meeting_request_started_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_request'))
    )
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_request_council_id'), ['council_id'], unique=False)

    op.create_table('absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('call_substitute', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Enum('other_meeting', 'holiday', 'other', name='absence_reason', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['person.id'], name=op.f('fk_absence_cancelled_by_id_person')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_absence_council_id_council')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_absence_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_absence_membership_id_membership')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['person.id'], name=op.f('fk_absence_registered_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence'))
    )
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index('uq_absence_standing', ['meeting_id', 'membership_id'], unique=True, sqlite_where=sa.text('cancelled_at IS NULL'), postgresql_where=sa.text('cancelled_at IS NULL'))

    op.create_table('leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_decision', 'applies', 'refused', 'cancelled', name='leave_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_leave_council_id_council')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_leave_decided_by_id_person')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_leave_membership_id_membership')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['person.id'], name=op.f('fk_leave_registered_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave'))
    )
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leave_membership_id'), ['membership_id'], unique=False)

    op.create_table('meeting_request_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meeting_request_signature_person_id_person')),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_request.id'], name=op.f('fk_meeting_request_signature_request_id_meeting_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_request_signature')),
    sa.UniqueConstraint('request_id', 'person_id', name=op.f('uq_meeting_request_signature_request_id_person_id'))
    )
    with op.batch_alter_table('meeting_request_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_request_signature_request_id'), ['request_id'], unique=False)

    op.create_table('substitute_call_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('absence_id', sa.Integer(), nullable=True),
    sa.Column('leave_id', sa.Integer(), nullable=True),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Enum('pending', 'attending', 'declined', 'withdrawn', name='call_in_answer', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['absence_id'], ['absence.id'], name=op.f('fk_substitute_call_in_absence_id_absence')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_substitute_call_in_council_id_council')),
    sa.ForeignKeyConstraint(['leave_id'], ['leave.id'], name=op.f('fk_substitute_call_in_leave_id_leave')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_substitute_call_in_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_substitute_call_in_membership_id_membership')),
    sa.ForeignKeyConstraint(['substitute_id'], ['person.id'], name=op.f('fk_substitute_call_in_substitute_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substitute_call_in'))
    )
    with op.batch_alter_table('substitute_call_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_substitute_call_in_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitute_call_in_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitute_call_in_substitute_id'), ['substitute_id'], unique=False)
        batch_op.create_index('uq_call_in_standing', ['meeting_id', 'membership_id'], unique=True, sqlite_where=sa.text("answer != 'withdrawn'"), postgresql_where=sa.text("answer != 'withdrawn'"))



def downgrade():
    with op.batch_alter_table('substitute_call_in', schema=None) as batch_op:
        batch_op.drop_index('uq_call_in_standing', sqlite_where=sa.text("answer != 'withdrawn'"), postgresql_where=sa.text("answer != 'withdrawn'"))
        batch_op.drop_index(batch_op.f('ix_substitute_call_in_substitute_id'))
        batch_op.drop_index(batch_op.f('ix_substitute_call_in_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_substitute_call_in_council_id'))

    op.drop_table('substitute_call_in')
    with op.batch_alter_table('meeting_request_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_request_signature_request_id'))

    op.drop_table('meeting_request_signature')
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leave_membership_id'))
        batch_op.drop_index(batch_op.f('ix_leave_council_id'))

    op.drop_table('leave')
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_index('uq_absence_standing', sqlite_where=sa.text('cancelled_at IS NULL'), postgresql_where=sa.text('cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_absence_membership_id'))
        batch_op.drop_index(batch_op.f('ix_absence_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_absence_council_id'))

    op.drop_table('absence')
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_request_council_id'))

    op.drop_table('meeting_request')
