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
    pass


def downgrade():
    pass
