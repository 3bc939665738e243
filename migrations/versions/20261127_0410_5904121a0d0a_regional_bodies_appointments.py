"""Regional bodies, appointment rounds and appointments (rule 3.8).

Revision ID: 5904121a0d0a
Revises: a9fe9611419e
Create Date: 2026-11-27 04:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5904121a0d0a'
down_revision = 'a9fe9611419e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regional_body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('term_starts_on', sa.Date(), nullable=False),
    sa.Column('term_ends_on', sa.Date(), nullable=False),
    sa.Column('legal_basis', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_regional_body_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regional_body')),
    sa.UniqueConstraint('council_id', 'name', 'term_starts_on', name=op.f('uq_regional_body_council_id_name_term_starts_on'))
    )
    with op.batch_alter_table('regional_body', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regional_body_council_id'), ['council_id'], unique=False)

    op.create_table('appointment_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('majority', 'proportional', name='appointment_method', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'lot_needed', 'decided', 'published', name='appointment_round_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('members_present', sa.Integer(), nullable=True),
    sa.Column('votes', sa.JSON(), nullable=True),
    sa.Column('alliances', sa.JSON(), nullable=True),
    sa.Column('ballots', sa.JSON(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('ties', sa.JSON(), nullable=True),
    sa.Column('lot', sa.JSON(), nullable=True),
    sa.Column('lot_drawn_by', sa.String(length=200), nullable=True),
    sa.Column('lot_drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lot_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['regional_body.id'], name=op.f('fk_appointment_round_body_id_regional_body')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_appointment_round_council_id_council')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_appointment_round_created_by_id_person')),
    sa.ForeignKeyConstraint(['lot_recorded_by_id'], ['person.id'], name=op.f('fk_appointment_round_lot_recorded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_round'))
    )
    with op.batch_alter_table('appointment_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_round_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_round_council_id'), ['council_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['regional_body.id'], name=op.f('fk_appointment_body_id_regional_body')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_appointment_council_id_council')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_appointment_created_by_id_person')),
    sa.ForeignKeyConstraint(['group_id'], ['council_group.id'], name=op.f('fk_appointment_group_id_council_group')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_appointment_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_appointment_person_id_person')),
    sa.ForeignKeyConstraint(['round_id'], ['appointment_round.id'], name=op.f('fk_appointment_round_id_appointment_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_round_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_person_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_council_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_body_id'))

    op.drop_table('appointment')
    with op.batch_alter_table('appointment_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_round_council_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_round_body_id'))

    op.drop_table('appointment_round')
    with op.batch_alter_table('regional_body', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regional_body_council_id'))

    op.drop_table('regional_body')
