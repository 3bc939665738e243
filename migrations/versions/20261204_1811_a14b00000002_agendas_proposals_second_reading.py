"""Agendas proposals second reading (rules 3.2, 3.3 and 3.4)

Revision ID: a14b00000002
Revises: a14a00000001
Create Date: 2026-12-04 18:11:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14b00000002'
down_revision = 'a14a00000001'
branch_labels = None
depends_on = None


def upgrade():
    # Rule 3.2: the notice of a returned proposal names who returned it, chair or secretariat,
    # in the role they had that day. Earlier decisions stay NULL: their role was not kept.
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_as', sa.Enum('chair', 'secretariat', name='proposal_handler', native_enum=False, create_constraint=True, length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposal_proposal_handler'), type_='check')
        batch_op.drop_column('handled_as')
