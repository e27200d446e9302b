"""ratings: dynamic management — rectification notices with the provider's responses and the insurer's
checks, agreement-review proposals for the MIA, and the events of every step

Revision ID: 0048
Revises: 0046
Create Date: 2026-12-03 23:00:00

Issue 12 point 8 (SPEC §8 effects) — new tables only, so an upgrade loses nothing; a downgrade drops them.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0048'
down_revision = '0046'
branch_labels = None
depends_on = None


def _in(column, values, *, nullable=False):
    allowed = f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"
    return f"{column} IS NULL OR {allowed}" if nullable else allowed


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _notices():
    t = 'rectification_notices'
    op.create_table(t,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('insurer_id', sa.Integer(), nullable=True),
        sa.Column('district', sa.String(length=50), nullable=True),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in('status', ('awaiting_response', 'awaiting_check', 'accepted')),
                           name=op.f('ck_rectification_notices_status')),
        sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_rectification_notices_stars')),
        _fk(t, 'provider_id', 'organisations'), _fk(t, 'insurer_id', 'organisations'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_notices')),
        sa.UniqueConstraint('number', name=op.f('uq_rectification_notices_number')),
        sa.UniqueConstraint('provider_id', 'month', name=op.f('uq_rectification_notices_provider_id_month')))
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index('ix_rectification_notices_insurer_status', ['insurer_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_notices_provider_id'), ['provider_id'], unique=False)


def _responses():
    t = 'rectification_responses'
    op.create_table(t,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('file_type', sa.String(length=40), nullable=True),
        sa.Column('file_sha256', sa.String(length=64), nullable=True),
        sa.Column('file_path', sa.String(length=100), nullable=True),
        sa.Column('responded_by', sa.Integer(), nullable=False),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=True),
        sa.Column('check_reason', sa.String(length=500), nullable=True),
        sa.Column('checked_by', sa.Integer(), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in('decision', ('accepted', 'not_accepted'), nullable=True),
                           name=op.f('ck_rectification_responses_decision')),
        sa.CheckConstraint('decision IS NULL OR (checked_by IS NOT NULL AND checked_at IS NOT NULL)',
                           name=op.f('ck_rectification_responses_checked')),
        sa.CheckConstraint("decision IS NULL OR decision = 'accepted' OR check_reason IS NOT NULL",
                           name=op.f('ck_rectification_responses_reason')),
        _fk(t, 'notice_id', 'rectification_notices'), _fk(t, 'responded_by', 'users'), _fk(t, 'checked_by', 'users'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_responses')))
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_responses_notice_id'), ['notice_id'], unique=False)


def _proposals():
    t = 'agreement_review_proposals'
    op.create_table(t,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('cause', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in('cause', ('annual_one_star', 'two_years_two_stars')),
                           name=op.f('ck_agreement_review_proposals_cause')),
        sa.CheckConstraint(_in('status', ('pending', 'suspended', 'ended', 'kept')),
                           name=op.f('ck_agreement_review_proposals_status')),
        sa.CheckConstraint(_in('decision', ('suspend', 'end', 'keep'), nullable=True),
                           name=op.f('ck_agreement_review_proposals_decision')),
        sa.CheckConstraint("status = 'pending' OR (decision IS NOT NULL AND decided_by IS NOT NULL "
                           "AND reason IS NOT NULL)", name=op.f('ck_agreement_review_proposals_decided')),
        _fk(t, 'provider_id', 'organisations'), _fk(t, 'decided_by', 'users'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_review_proposals')),
        sa.UniqueConstraint('provider_id', 'year', name=op.f('uq_agreement_review_proposals_provider_id_year')))
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_review_proposals_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_review_proposals_status'), ['status'], unique=False)


def _events():
    t = 'rating_effect_events'
    actions = ('issued', 'responded', 'accepted', 'not_accepted', 'proposed', 'suspended', 'ended', 'kept')
    op.create_table(t,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.String(length=2000), nullable=True),
        sa.CheckConstraint(_in('action', actions), name=op.f('ck_rating_effect_events_action')),
        sa.CheckConstraint('(notice_id IS NULL) <> (proposal_id IS NULL)',
                           name=op.f('ck_rating_effect_events_one_subject')),
        _fk(t, 'notice_id', 'rectification_notices'), _fk(t, 'proposal_id', 'agreement_review_proposals'),
        _fk(t, 'actor_id', 'users'), _fk(t, 'org_id', 'organisations'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_effect_events')))
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_effect_events_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_effect_events_proposal_id'), ['proposal_id'], unique=False)


def upgrade():
    _notices()
    _responses()
    _proposals()
    _events()


def downgrade():
    for table in ('rating_effect_events', 'agreement_review_proposals', 'rectification_responses',
                  'rectification_notices'):
        op.drop_table(table)
