"""supervision: the monthly facts the dashboards and the monthly report read, and their refresh marks

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-04 01:40:00

Issue 13 point 5 — new tables only, so an upgrade loses nothing (the nightly job back-fills the history
from the records); a downgrade drops them.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0049'
down_revision = '0048'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supervision_monthly_facts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('metric', sa.String(length=60), nullable=False),
        sa.Column('district', sa.String(length=50), nullable=True),
        sa.Column('care_type', sa.String(length=20), nullable=True),
        sa.Column('level', sa.SmallInteger(), nullable=True),
        sa.Column('provider_id', sa.Integer(), nullable=True),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('dim', sa.String(length=60), nullable=True),
        sa.Column('value', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                                name=op.f('fk_supervision_monthly_facts_provider_id_organisations')),
        sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'],
                                name=op.f('fk_supervision_monthly_facts_agency_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_monthly_facts')),
    )
    op.create_index('ix_supervision_monthly_facts_metric_month', 'supervision_monthly_facts', ['metric', 'month'])
    op.create_index('ix_supervision_monthly_facts_provider', 'supervision_monthly_facts',
                    ['provider_id', 'metric', 'month'])
    op.create_index('ix_supervision_monthly_facts_agency', 'supervision_monthly_facts', ['agency_id', 'metric', 'month'])
    op.create_table(
        'supervision_fact_refreshes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('metric', sa.String(length=60), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_fact_refreshes')),
        sa.UniqueConstraint('month', 'metric', name=op.f('uq_supervision_fact_refreshes_month_metric')),
    )


def downgrade():
    op.drop_table('supervision_fact_refreshes')
    op.drop_index('ix_supervision_monthly_facts_agency', table_name='supervision_monthly_facts')
    op.drop_index('ix_supervision_monthly_facts_provider', table_name='supervision_monthly_facts')
    op.drop_index('ix_supervision_monthly_facts_metric_month', table_name='supervision_monthly_facts')
    op.drop_table('supervision_monthly_facts')
