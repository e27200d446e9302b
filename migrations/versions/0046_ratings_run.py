"""ratings run: carers' monthly stars, quarterly cost-performance, rating runs with their scheme means,
providers' ratings and their components with inputs

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-03 23:20:00

Issue 12 points 4–6 (SPEC §8) — new tables only: ``carer_stars``, ``provider_cost_quarters``,
``rating_runs``, ``provider_ratings``, ``provider_rating_components``, ``rating_appeals``; every
policy version's ``reviews`` section gets the ``rating_appeal`` case type (provider → insurer → MIA,
10 working days each). The job's time needs no data change: a ``jobs`` section without
``recompute_ratings`` keeps the registry's day 2, 02:00. A downgrade removes the case type where it is
still REF's and drops the tables.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None

SCORE = sa.Numeric(5, 2)
COMPONENTS = ('carers', 'staffing', 'satisfaction', 'cost', 'integrity')


VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
#: the rating appeal case type, frozen here
APPEAL = {
    "code": "rating_appeal", "label": "星级评定申诉", "subject": "rating_appeal",
    "steps": [
        {"code": "rating_appeal", "label": "护理机构提出申诉", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:10", "return_to": [], "precondition": None, "roles": ["operator"]},
        {"code": "rating_insurer", "label": "商保公司复核", "owner": "provider_district_insurer",
         "decisions": ["approve", "reject"], "sla": "working_days:10", "return_to": [], "precondition": None,
         "roles": ["reviewer"]},
        {"code": "rating_mia", "label": "医保经办机构决定", "owner": "mia", "decisions": ["approve", "reject"],
         "sla": "working_days:10", "return_to": [], "precondition": None, "roles": ["reviewer"]},
    ],
    "reasons": [
        {"code": "RATING_UNFOUNDED", "label": "申诉理由不成立", "decisions": ["reject"],
         "steps": ["rating_insurer", "rating_mia"]},
    ],
}


def _sections(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    reviews = sections.get("reviews")
    if isinstance(reviews, dict):
        known = reviews.setdefault("case_types", [])
        if all(not isinstance(c, dict) or c.get("code") != APPEAL["code"] for c in known):
            known.append(copy.deepcopy(APPEAL))


def _remove(sections):
    reviews = sections.get("reviews")
    if isinstance(reviews, dict) and isinstance(reviews.get("case_types"), list):
        reviews["case_types"] = [c for c in reviews["case_types"] if c != APPEAL]


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def upgrade():
    op.create_table('carer_stars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('score', SCORE, nullable=False),
    sa.Column('star', sa.Integer(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('star BETWEEN 1 AND 5', name=op.f('ck_carer_stars_star')),
    _fk('carer_stars', 'carer_id', 'carers'), _fk('carer_stars', 'provider_id', 'organisations'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_stars')),
    sa.UniqueConstraint('carer_id', 'month', name=op.f('uq_carer_stars_carer_id_month')))
    op.create_index(op.f('ix_carer_stars_provider_id'), 'carer_stars', ['provider_id'])
    op.create_index(op.f('ix_carer_stars_month'), 'carer_stars', ['month'])
    op.create_table('provider_cost_quarters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Date(), nullable=False),
    sa.Column('beneficiary_months', sa.Integer(), nullable=False),
    sa.Column('fund_ratio', sa.Numeric(8, 2), nullable=True),
    sa.Column('fund_term', SCORE, nullable=False),
    sa.Column('refusal_term', SCORE, nullable=False),
    sa.Column('complaint_rate', sa.Numeric(8, 2), nullable=False),
    sa.Column('complaint_term', SCORE, nullable=False),
    sa.Column('score', SCORE, nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    _fk('provider_cost_quarters', 'provider_id', 'organisations'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_cost_quarters')),
    sa.UniqueConstraint('provider_id', 'quarter', name=op.f('uq_provider_cost_quarters_provider_id_quarter')))
    op.create_index(op.f('ix_provider_cost_quarters_quarter'), 'provider_cost_quarters', ['quarter'])
    op.create_table('rating_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('activity_from', sa.Date(), nullable=False),
    sa.Column('activity_to', sa.Date(), nullable=False),
    sa.Column('settled_from', sa.Date(), nullable=False),
    sa.Column('settled_to', sa.Date(), nullable=False),
    sa.Column('scheme', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('kind', ('monthly', 'annual')), name=op.f('ck_rating_runs_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_runs')),
    sa.UniqueConstraint('kind', 'period', name=op.f('uq_rating_runs_kind_period')))
    op.create_table('provider_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('score', SCORE, nullable=True),
    sa.Column('star', sa.Integer(), nullable=True),
    sa.Column('fraud_capped', sa.Boolean(), nullable=False),
    sa.Column('uses_staffing', sa.Boolean(), nullable=False),
    sa.Column('last_fraud_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('star IS NULL OR star BETWEEN 1 AND 5', name=op.f('ck_provider_ratings_star')),
    _fk('provider_ratings', 'run_id', 'rating_runs'), _fk('provider_ratings', 'provider_id', 'organisations'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_ratings')),
    sa.UniqueConstraint('run_id', 'provider_id', name=op.f('uq_provider_ratings_run_id_provider_id')))
    op.create_index(op.f('ix_provider_ratings_provider_id'), 'provider_ratings', ['provider_id'])
    op.create_table('provider_rating_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=12), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('raw', SCORE, nullable=True),
    sa.Column('scheme_mean', SCORE, nullable=True),
    sa.Column('adjusted', SCORE, nullable=True),
    sa.Column('weight', sa.Numeric(4, 2), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.CheckConstraint(_in('component', COMPONENTS), name=op.f('ck_provider_rating_components_component')),
    _fk('provider_rating_components', 'rating_id', 'provider_ratings'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_rating_components')),
    sa.UniqueConstraint('rating_id', 'component', name=op.f('uq_provider_rating_components_rating_id_component')))
    op.create_table('rating_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('star_before', sa.Integer(), nullable=True),
    sa.Column('star_after', sa.Integer(), nullable=True),
    sa.CheckConstraint(_in('outcome', ('open', 'won', 'lost')), name=op.f('ck_rating_appeals_outcome')),
    _fk('rating_appeals', 'rating_id', 'provider_ratings'), _fk('rating_appeals', 'provider_id', 'organisations'),
    _fk('rating_appeals', 'case_id', 'review_cases'), _fk('rating_appeals', 'filed_by', 'users'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_appeals')))
    op.create_index(op.f('ix_rating_appeals_rating_id'), 'rating_appeals', ['rating_id'])
    _sections(_add)


def downgrade():
    _sections(_remove)
    op.drop_index(op.f('ix_rating_appeals_rating_id'), table_name='rating_appeals')
    op.drop_table('rating_appeals')
    op.drop_table('provider_rating_components')
    op.drop_index(op.f('ix_provider_ratings_provider_id'), table_name='provider_ratings')
    op.drop_table('provider_ratings')
    op.drop_table('rating_runs')
    op.drop_index(op.f('ix_provider_cost_quarters_quarter'), table_name='provider_cost_quarters')
    op.drop_table('provider_cost_quarters')
    op.drop_index(op.f('ix_carer_stars_month'), table_name='carer_stars')
    op.drop_index(op.f('ix_carer_stars_provider_id'), table_name='carer_stars')
    op.drop_table('carer_stars')
