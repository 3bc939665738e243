"""Meeting requests second reading (rule 3.1)

Revision ID: a14c00000003
Revises: a14b00000002
Create Date: 2026-12-04 18:12:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14c00000003'
down_revision = 'a14b00000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
