"""The council, its people and meetings, sign-in identities, the audit log.

Revision ID: 4de10dc038a8
Revises: 
Create Date: 2026-11-26 23:11:00.847999

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4de10dc038a8'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council')),
    sa.UniqueConstraint('slug', name=op.f('uq_council_slug'))
    )
    op.create_table('council_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('letter', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('party', 'list_alliance', name='group_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_council_group_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_group')),
    sa.UniqueConstraint('council_id', 'name', name=op.f('uq_council_group_council_id_name'))
    )
    with op.batch_alter_table('council_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_group_council_id'), ['council_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ordinary', 'extraordinary', 'constituting', name='meeting_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_meeting_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_municipality_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality')),
    sa.UniqueConstraint('council_id', 'name', name=op.f('uq_municipality_council_id_name'))
    )
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_council_id'), ['council_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('municipal_office', sa.Enum('mayor', 'first_deputy_mayor', 'second_deputy_mayor', 'councillor', 'none', name='municipal_office', native_enum=False, create_constraint=True, length=40), server_default='none', nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_person_council_id_council')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_person_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('email', name=op.f('uq_person_email'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('council_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=80), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_audit_entry_actor_id_person')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_audit_entry_council_id_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_council_id'), ['council_id'], unique=False)

    op.create_table('identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_identity_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_identity_issuer_subject'))
    )
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_person_id'), ['person_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('mayor', 'group_elected', name='membership_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('office', sa.Enum('member', 'chair', 'vice_chair', name='council_office', native_enum=False, create_constraint=True, length=40), server_default='member', nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_membership_council_id_council')),
    sa.ForeignKeyConstraint(['group_id'], ['council_group.id'], name=op.f('fk_membership_group_id_council_group')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_membership_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_membership_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_person_id'), ['person_id'], unique=False)

    op.create_table('staff_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_staff_assignment_council_id_council')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_staff_assignment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_assignment'))
    )
    with op.batch_alter_table('staff_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_assignment_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_assignment_person_id'), ['person_id'], unique=False)

    op.create_table('substitute_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Enum('first_deputy_mayor', 'second_deputy_mayor', 'chosen_by_municipal_council', 'elected_by_group', name='substitute_basis', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_substitute_assignment_council_id_council')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_substitute_assignment_membership_id_membership')),
    sa.ForeignKeyConstraint(['substitute_id'], ['person.id'], name=op.f('fk_substitute_assignment_substitute_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substitute_assignment'))
    )
    with op.batch_alter_table('substitute_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_substitute_assignment_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitute_assignment_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitute_assignment_substitute_id'), ['substitute_id'], unique=False)



def downgrade():
    with op.batch_alter_table('substitute_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_substitute_assignment_substitute_id'))
        batch_op.drop_index(batch_op.f('ix_substitute_assignment_membership_id'))
        batch_op.drop_index(batch_op.f('ix_substitute_assignment_council_id'))

    op.drop_table('substitute_assignment')
    with op.batch_alter_table('staff_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_assignment_person_id'))
        batch_op.drop_index(batch_op.f('ix_staff_assignment_council_id'))

    op.drop_table('staff_assignment')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_person_id'))
        batch_op.drop_index(batch_op.f('ix_membership_council_id'))

    op.drop_table('membership')
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_person_id'))

    op.drop_table('identity')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_council_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_person_council_id'))

    op.drop_table('person')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_council_id'))

    op.drop_table('municipality')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meeting_council_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('council_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_group_council_id'))

    op.drop_table('council_group')
    op.drop_table('council')
