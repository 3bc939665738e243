"""Server-side sign-in sessions (ended everywhere on sign-out, by staff, or after idle and
absolute times); bindings record their provider, who bound them in advance, and first sign-in.

Revision ID: c667f90c26de
Revises: 049d2cbb0830
Create Date: 2026-12-04 17:00:38.589203

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c667f90c26de'
down_revision = '049d2cbb0830'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('provider_name', sa.String(length=40), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_sign_in_session_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_session_token_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_session_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('bound_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_sign_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('last_sign_in_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_identity_bound_by_id_person'), 'person', ['bound_by_id'], ['id'])
    # Every binding so far was made by its person's own first sign-in.
    op.execute("UPDATE identity SET first_sign_in_at = bound_at")



def downgrade():
    with op.batch_alter_table('identity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_identity_bound_by_id_person'), type_='foreignkey')
        batch_op.alter_column('last_sign_in_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=False)
        batch_op.drop_column('first_sign_in_at')
        batch_op.drop_column('bound_by_id')
        batch_op.drop_column('provider_name')

    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_person_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_session_ended_at'))

    op.drop_table('sign_in_session')
