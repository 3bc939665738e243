"""Agenda items, minutes, publications (versions), proposals, attachments, public search.

Revision ID: a9fe9611419e
Revises: 87e01d10aa1f
Create Date: 2026-11-27 03:05:00

"""
from alembic import op
import sqlalchemy as sa

OLD_NOTICE_KINDS = (
    'general', 'proposal_deadline', 'agenda_deadline', 'meeting_changed',
    'substitute_called_in', 'substitute_unanswered',
)
NEW_NOTICE_KINDS = OLD_NOTICE_KINDS + (
    'agenda_published', 'minutes_published', 'proposal_receipt', 'proposal_received',
    'proposal_decided', 'appointment', 'appointment_ending',
)
NOTICE_KIND_TABLES = ('notice', 'notification_preference', 'reminder_sent')


def set_notice_kinds(kinds):
    values = ', '.join(f"'{kind}'" for kind in kinds)
    for table in NOTICE_KIND_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint('notice_kind', type_='check')
            batch_op.create_check_constraint('notice_kind', sa.text(f'kind IN ({values})'))


def create_search_index():
    # Full-text search over what the public may read (search_entry holds nothing else).
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE INDEX ix_search_entry_document ON search_entry USING gin "
            "(to_tsvector('danish', title || ' ' || body))"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
        "title, body, content='search_entry', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END"
    )
    op.execute(
        "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(search_entry_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); END"
    )
    op.execute(
        "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(search_entry_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); "
        "INSERT INTO search_entry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END"
    )


def drop_search_index():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_search_entry_document")
        return
    for trigger in ('search_entry_ai', 'search_entry_ad', 'search_entry_au'):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE search_entry_fts")


# revision identifiers, used by Alembic.
revision = 'a9fe9611419e'
down_revision = '87e01d10aa1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('agenda', 'minutes', name='publication_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('current', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_publication_council_id_council')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_publication_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['published_by_id'], ['person.id'], name=op.f('fk_publication_published_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('meeting_id', 'kind', 'version', name=op.f('uq_publication_meeting_id_kind_version'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('agenda', 'minutes', name='search_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_search_entry_council_id_council')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_search_entry_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_search_entry_publication_id_publication')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry'))
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entry_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_publication_id'), ['publication_id'], unique=False)
    create_search_index()

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('presentation', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('closed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('leave_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_agenda_item_council_id_council')),
    sa.ForeignKeyConstraint(['leave_id'], ['leave.id'], name=op.f('fk_agenda_item_leave_id_leave')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['proposer_id'], ['person.id'], name=op.f('fk_agenda_item_proposer_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('item_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=True),
    sa.Column('votes_against', sa.Integer(), nullable=True),
    sa.Column('votes_abstaining', sa.Integer(), nullable=True),
    sa.Column('chair_vote', sa.Enum('for', 'against', 'abstain', name='chair_vote', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_item_minutes_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['person.id'], name=op.f('fk_item_minutes_updated_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_minutes')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_item_minutes_agenda_item_id'))
    )
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'placed', 'returned', 'withdrawn', name='proposal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_proposal_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_proposal_council_id_council')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['person.id'], name=op.f('fk_proposal_handled_by_id_person')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_proposal_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['proposer_id'], ['person.id'], name=op.f('fk_proposal_proposer_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('proposer_id', 'form_token', name=op.f('uq_proposal_proposer_id_form_token'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_proposer_id'), ['proposer_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_attachment_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_attachment_council_id_council')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_attachment_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['person.id'], name=op.f('fk_attachment_uploaded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancellation_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('agenda_shared_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('minutes_published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))

    set_notice_kinds(NEW_NOTICE_KINDS)



def downgrade():
    op.execute(
        "DELETE FROM notice WHERE kind NOT IN (%s)" % ', '.join(f"'{k}'" for k in OLD_NOTICE_KINDS)
    )
    for table in ('notification_preference', 'reminder_sent'):
        op.execute(
            "DELETE FROM %s WHERE kind NOT IN (%s)"
            % (table, ', '.join(f"'{k}'" for k in OLD_NOTICE_KINDS))
        )
    set_notice_kinds(OLD_NOTICE_KINDS)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
        batch_op.drop_column('minutes_published_at')
        batch_op.drop_column('agenda_shared_at')
        batch_op.drop_column('cancellation_reason')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_council_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_agenda_item_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_council_id'))

    op.drop_table('proposal')
    op.drop_table('item_minutes')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_council_id'))

    op.drop_table('agenda_item')
    drop_search_index()
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entry_publication_id'))
        batch_op.drop_index(batch_op.f('ix_search_entry_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_search_entry_council_id'))

    op.drop_table('search_entry')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_publication_council_id'))

    op.drop_table('publication')
