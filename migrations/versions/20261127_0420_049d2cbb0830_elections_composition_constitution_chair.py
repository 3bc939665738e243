"""Elections and the composition (rules 1.0-1.1), the constituting meeting, alliances, the chair
and vice-chair election and their holders (rules 1.3, 1.4, 1.15-1.16); mayors' since-dates
and birth dates (rule 1.3).

Revision ID: 049d2cbb0830
Revises: 5904121a0d0a
Create Date: 2026-11-27 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '049d2cbb0830'
down_revision = '5904121a0d0a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('municipalities', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'confirmed', name='election_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('composition_lots', sa.JSON(), nullable=True),
    sa.Column('composition', sa.JSON(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('constituting_meeting_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['person.id'], name=op.f('fk_election_confirmed_by_id_person')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_election_council_id_council')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_election_created_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election')),
    sa.UniqueConstraint('council_id', 'held_on', name=op.f('uq_election_council_id_held_on'))
    )
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_council_id'), ['council_id'], unique=False)

    op.create_table('election_group_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('letter', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('mayors', sa.Integer(), nullable=False),
    sa.Column('council_seats', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_election_group_result_election_id_election')),
    sa.ForeignKeyConstraint(['group_id'], ['council_group.id'], name=op.f('fk_election_group_result_group_id_council_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_group_result')),
    sa.UniqueConstraint('election_id', 'name', name=op.f('uq_election_group_result_election_id_name'))
    )
    with op.batch_alter_table('election_group_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_group_result_election_id'), ['election_id'], unique=False)

    op.create_table('electoral_alliance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_electoral_alliance_council_id_council')),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_electoral_alliance_election_id_election')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['person.id'], name=op.f('fk_electoral_alliance_registered_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_electoral_alliance'))
    )
    with op.batch_alter_table('electoral_alliance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_electoral_alliance_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_electoral_alliance_election_id'), ['election_id'], unique=False)

    op.create_table('chair_election',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('lot_recorded', 'decided', name='chair_election_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('calculation', sa.JSON(), nullable=False),
    sa.Column('lots', sa.JSON(), nullable=True),
    sa.Column('chair_result_id', sa.Integer(), nullable=True),
    sa.Column('vice_chair_result_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_result_id'], ['election_group_result.id'], name=op.f('fk_chair_election_chair_result_id_election_group_result')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_chair_election_council_id_council')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_chair_election_decided_by_id_person')),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_chair_election_election_id_election')),
    sa.ForeignKeyConstraint(['vice_chair_result_id'], ['election_group_result.id'], name=op.f('fk_chair_election_vice_chair_result_id_election_group_result')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_election')),
    sa.UniqueConstraint('election_id', name=op.f('uq_chair_election_election_id'))
    )
    with op.batch_alter_table('chair_election', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_election_council_id'), ['council_id'], unique=False)

    op.create_table('electoral_alliance_group',
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['electoral_alliance.id'], name=op.f('fk_electoral_alliance_group_alliance_id_electoral_alliance')),
    sa.ForeignKeyConstraint(['result_id'], ['election_group_result.id'], name=op.f('fk_electoral_alliance_group_result_id_election_group_result')),
    sa.PrimaryKeyConstraint('alliance_id', 'result_id', name=op.f('pk_electoral_alliance_group'))
    )
    op.create_table('office_holding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('office', sa.Enum('member', 'chair', 'vice_chair', name='held_office', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('stands_in_for_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_office_holding_council_id_council')),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_office_holding_election_id_election')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_office_holding_membership_id_membership')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_office_holding_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_office_holding_recorded_by_id_person')),
    sa.ForeignKeyConstraint(['replaces_id'], ['office_holding.id'], name=op.f('fk_office_holding_replaces_id_office_holding')),
    sa.ForeignKeyConstraint(['result_id'], ['election_group_result.id'], name=op.f('fk_office_holding_result_id_election_group_result')),
    sa.ForeignKeyConstraint(['stands_in_for_id'], ['office_holding.id'], name=op.f('fk_office_holding_stands_in_for_id_office_holding')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_holding'))
    )
    with op.batch_alter_table('office_holding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_holding_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_holding_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_holding_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mayor_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('born_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('born_on')
        batch_op.drop_column('mayor_since')

    with op.batch_alter_table('office_holding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_holding_person_id'))
        batch_op.drop_index(batch_op.f('ix_office_holding_election_id'))
        batch_op.drop_index(batch_op.f('ix_office_holding_council_id'))

    op.drop_table('office_holding')
    op.drop_table('electoral_alliance_group')
    with op.batch_alter_table('chair_election', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_election_council_id'))

    op.drop_table('chair_election')
    with op.batch_alter_table('electoral_alliance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_electoral_alliance_election_id'))
        batch_op.drop_index(batch_op.f('ix_electoral_alliance_council_id'))

    op.drop_table('electoral_alliance')
    with op.batch_alter_table('election_group_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_group_result_election_id'))

    op.drop_table('election_group_result')
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_council_id'))

    op.drop_table('election')
