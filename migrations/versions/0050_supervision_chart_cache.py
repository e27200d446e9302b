"""supervision: the chart cache (rendered SVGs per figure, filters, viewer, language and facts stamp)

Revision ID: 0050
Revises: 0054
Create Date: 2026-12-04 02:00:00

Issue 13 point 2 — a new table only, so an upgrade loses nothing (entries are rebuilt on demand); a
downgrade drops it.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0050'
down_revision = '0054'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supervision_chart_cache',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('figure', sa.String(length=60), nullable=False),
        sa.Column('month_from', sa.Date(), nullable=False),
        sa.Column('month_to', sa.Date(), nullable=False),
        sa.Column('svg', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_chart_cache')),
        sa.UniqueConstraint('key', name=op.f('uq_supervision_chart_cache_key')),
    )
    op.create_index('ix_supervision_chart_cache_months', 'supervision_chart_cache', ['month_from', 'month_to'])


def downgrade():
    op.drop_index('ix_supervision_chart_cache_months', table_name='supervision_chart_cache')
    op.drop_table('supervision_chart_cache')
