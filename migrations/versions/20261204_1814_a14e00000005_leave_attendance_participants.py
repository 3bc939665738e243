"""Leave attendance participants (rules 1.5, 1.6, 1.7, 3.5, 3.7, 3.9)

Revision ID: a14e00000005
Revises: a14d00000004
Create Date: 2026-12-04 18:14:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14e00000005'
down_revision = 'a14d00000004'
branch_labels = None
depends_on = None


CHAIR_VOTES = ("for", "against", "abstain")
LEADER_VOTES = CHAIR_VOTES + ("did_not_vote",)


def _chair_vote_check(values):
    return "chair_vote IN (" + ", ".join(f"'{value}'" for value in values) + ")"


LEAVE_KIND = sa.Enum('relief', 'prevented', name='leave_kind', native_enum=False, create_constraint=True, length=40)


def upgrade():
    # Rule 3.7: on a tie the leader may also not have voted at all.
    with op.batch_alter_table('item_minutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_item_minutes_chair_vote'), type_='check')
        batch_op.create_check_constraint('chair_vote', _chair_vote_check(LEADER_VOTES))

    # Rules 1.6 and 1.7 apart: until now a mayor's leave was read as a relief (1.6) and a
    # group-elected member's as prevented (1.7).
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', LEAVE_KIND, nullable=True))
    op.execute(
        "UPDATE leave SET kind = CASE WHEN membership_id IN "
        "(SELECT id FROM membership WHERE kind = 'mayor') THEN 'relief' ELSE 'prevented' END"
    )
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=LEAVE_KIND, nullable=False)

    # Rule 3.9: who actually attended, from and to which item; rule 3.5: who the meeting chose
    # to lead it.
    op.create_table('attendance_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('attended_by', sa.Enum('member', 'substitute', 'nobody', name='attended_by', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('first_item_id', sa.Integer(), nullable=True),
    sa.Column('last_item_id', sa.Integer(), nullable=True),
    sa.Column('led_meeting', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_item_id'], ['agenda_item.id'], name=op.f('fk_attendance_record_first_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['last_item_id'], ['agenda_item.id'], name=op.f('fk_attendance_record_last_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_record_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_attendance_record_membership_id_membership')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_attendance_record_recorded_by_id_person')),
    sa.ForeignKeyConstraint(['substitute_id'], ['person.id'], name=op.f('fk_attendance_record_substitute_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_record')),
    sa.UniqueConstraint('meeting_id', 'membership_id', name=op.f('uq_attendance_record_meeting_id_membership_id'))
    )
    with op.batch_alter_table('attendance_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_record_meeting_id'), ['meeting_id'], unique=False)

    # Rule 1.5: members of KL's board and committees from the region who may attend.
    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_participation_council_id_council')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_participation_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_participation_recorded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation'))
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_person_id'), ['person_id'], unique=False)
    op.create_table('participant_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_participant_attendance_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_participant_attendance_participation_id_participation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_participant_attendance_recorded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_attendance')),
    sa.UniqueConstraint('meeting_id', 'participation_id', name=op.f('uq_participant_attendance_meeting_id_participation_id'))
    )
    with op.batch_alter_table('participant_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_attendance_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('participant_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_attendance_meeting_id'))
    op.drop_table('participant_attendance')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_person_id'))
        batch_op.drop_index(batch_op.f('ix_participation_council_id'))
    op.drop_table('participation')
    with op.batch_alter_table('attendance_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_record_meeting_id'))
    op.drop_table('attendance_record')

    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_leave_leave_kind'), type_='check')
        batch_op.drop_column('kind')

    op.execute("UPDATE item_minutes SET chair_vote = 'abstain' WHERE chair_vote = 'did_not_vote'")
    with op.batch_alter_table('item_minutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_item_minutes_chair_vote'), type_='check')
        batch_op.create_check_constraint('chair_vote', _chair_vote_check(CHAIR_VOTES))
