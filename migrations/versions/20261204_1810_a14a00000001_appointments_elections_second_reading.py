"""Appointments elections second reading (rules 3.8 and 1.4)

Revision ID: a14a00000001
Revises: c667f90c26de
Create Date: 2026-12-04 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14a00000001'
down_revision = 'c667f90c26de'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
