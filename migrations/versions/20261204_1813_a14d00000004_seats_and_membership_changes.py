"""Seats and membership changes (rules 1.0, 1.9-1.16)

Revision ID: a14d00000004
Revises: a14c00000003
Create Date: 2026-12-04 18:13:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14d00000004'
down_revision = 'a14c00000003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
