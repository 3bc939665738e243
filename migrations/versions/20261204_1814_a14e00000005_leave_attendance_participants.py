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


def upgrade():
    pass


def downgrade():
    pass
