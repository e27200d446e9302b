"""supervision: the fund budget policy section and the draft-policy costings

Revision ID: 0051
Revises: 0049
Create Date: 2026-12-04 02:00:00

Issue 13 (fund spending against the year's budget; what a draft policy version would cost):

- every policy version without a ``fund_budget`` section gets REF's (a city's own is kept);
- new tables ``supervision_draft_cost_runs`` (a costing asked for: the draft, the month, its scheduler run,
  the draft's billing section as asked) and ``supervision_draft_costs`` (per costing, provider, district,
  care type and level: the fund in force and under the draft).

An upgrade loses nothing; a downgrade drops the tables and removes the section where it is still REF's.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0051'
down_revision = '0049'
branch_labels = None
depends_on = None

#: REF's fund_budget section, frozen here
SECTION = {"annual_budget": {"special": "120000000.00", "institution": "210000000.00", "home": "250000000.00",
                             "outreach": "96000000.00", "family": "45000000.00"},
           "alert_margin": "0.05"}
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
CARE_TYPES = "care_type IN ('special', 'institution', 'home', 'outreach', 'family')"


def _rewrite(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    sections.setdefault("fund_budget", copy.deepcopy(SECTION))


def _remove(sections):
    if sections.get("fund_budget") == SECTION:
        del sections["fund_budget"]


def upgrade():
    op.create_table(
        'supervision_draft_cost_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('billing', sa.JSON(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['policy_versions.id'],
                                name=op.f('fk_supervision_draft_cost_runs_version_id_policy_versions')),
        sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_supervision_draft_cost_runs_run_id_job_runs')),
        sa.ForeignKeyConstraint(['requested_by'], ['users.id'],
                                name=op.f('fk_supervision_draft_cost_runs_requested_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_draft_cost_runs')),
        sa.UniqueConstraint('run_id', name=op.f('uq_supervision_draft_cost_runs_run_id')),
    )
    op.create_index('ix_supervision_draft_cost_runs_version', 'supervision_draft_cost_runs', ['version_id', 'id'])
    op.create_table(
        'supervision_draft_costs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cost_run_id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('district', sa.String(length=50), nullable=True),
        sa.Column('care_type', sa.String(length=20), nullable=False),
        sa.Column('level', sa.SmallInteger(), nullable=True),
        sa.Column('fund_in_force', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('fund_draft', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(CARE_TYPES, name=op.f('ck_supervision_draft_costs_care_type')),
        sa.ForeignKeyConstraint(['cost_run_id'], ['supervision_draft_cost_runs.id'],
                                name=op.f('fk_supervision_draft_costs_cost_run_id_supervision_draft_cost_runs')),
        sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                                name=op.f('fk_supervision_draft_costs_provider_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_draft_costs')),
    )
    op.create_index('ix_supervision_draft_costs_run_provider', 'supervision_draft_costs',
                    ['cost_run_id', 'provider_id'])
    _rewrite(_add)


def downgrade():
    _rewrite(_remove)
    op.drop_index('ix_supervision_draft_costs_run_provider', table_name='supervision_draft_costs')
    op.drop_table('supervision_draft_costs')
    op.drop_index('ix_supervision_draft_cost_runs_version', table_name='supervision_draft_cost_runs')
    op.drop_table('supervision_draft_cost_runs')
