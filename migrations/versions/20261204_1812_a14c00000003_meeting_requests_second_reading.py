"""Meeting requests second reading (rule 3.1): a request has a status, links to the
extraordinary meeting held for it and can be closed with a reason; a signature can be
withdrawn and names the seat it was given for.

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


STATUS = sa.Enum(
    'open', 'threshold_reached', 'meeting_called', 'closed',
    name='meeting_request_status', native_enum=False, create_constraint=True, length=40,
)


def upgrade():
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', STATUS, server_default='open', nullable=False))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_request_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meeting_request_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_meeting_request_closed_by_id_person'), 'person', ['closed_by_id'], ['id'])
    # Requests that reached a third so far have not been followed up in the portal.
    op.execute(
        "UPDATE meeting_request SET status = 'threshold_reached' "
        "WHERE threshold_reached_at IS NOT NULL"
    )

    with op.batch_alter_table('meeting_request_signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_request_signature_membership_id_membership'), 'membership', ['membership_id'], ['id'])
    # Every signature so far was a member's own: their seat in the request's council (the
    # latest, should they have held more than one).
    op.execute(
        "UPDATE meeting_request_signature SET membership_id = ("
        " SELECT membership.id FROM membership JOIN meeting_request"
        " ON meeting_request.council_id = membership.council_id"
        " WHERE meeting_request.id = meeting_request_signature.request_id"
        " AND membership.person_id = meeting_request_signature.person_id"
        " ORDER BY membership.starts_on DESC, membership.id DESC LIMIT 1)"
    )


def downgrade():
    # A withdrawn signature did not exist before this revision.
    op.execute("DELETE FROM meeting_request_signature WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table('meeting_request_signature', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_request_signature_membership_id_membership'), type_='foreignkey')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('membership_id')

    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meeting_request_meeting_request_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_meeting_request_closed_by_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meeting_request_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_request_meeting_id'))
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('status')
