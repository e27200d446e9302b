"""ratings: violation points (the ledger per carer), the suspensions they trigger, the settlements the
daily points job is done with; the ``ratings`` policy section and the points job's time

Revision ID: 0045
Revises: 0043
Create Date: 2026-12-03 22:30:00

Issue 12 point 3 (SPEC §6, §8) — new tables only:

- ``violation_points`` (write-once: carer, rule, record, finding, settlement, refusal, lost appeal, points,
  the day they attached, why), ``point_suspensions`` (the 12th point's day, the points, the carer's dated
  suspension), ``point_settlement_marks`` (a settlement whose appeal window closed with every appeal decided);
- every policy version (published, draft or retired) without a ``ratings`` section gets REF's (stars,
  weights and constants of SPEC §8, the suspension by points), and every ``jobs`` section without
  ``violation_points`` gets its REF time (daily 00:45), so every version still validates.

A downgrade removes what this revision added where it is still REF's, and drops the tables.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None

#: REF's ratings section (SPEC §6, §8), frozen here
RATINGS = {
    "star_thresholds": {"2": "60", "3": "70", "4": "80", "5": "90"},
    "carer_weights": {"visit_compliance": "0.35", "follow_up": "0.25", "review_pass": "0.20", "punctuality": "0.10",
                      "training": "0.10"},
    "punctuality_minutes": 15,
    "training_hours": "40",
    "training_months": 12,
    "cost_weights": {"fund": "0.50", "refusals": "0.30", "complaints": "0.20"},
    "complaints_per_100_limit": "5",
    "deductions": {"minor": 2, "serious": 10, "fraud": 30},
    "integrity_months": 12,
    "provider_weights": {"carers": "0.30", "satisfaction": "0.25", "cost": "0.25", "integrity": "0.20"},
    "carer_star_points": 20,
    "beds_per_qualified_carer": "4",
    "shrinkage_k": 10,
    "fraud_cap_months": 12,
    "suspension_points": 12,
    "points_window_months": 12,
    "suspension_months": 3,
}
JOB_TIME = {"day": None, "hour": 0, "minute": 45}
RULES = ('E01', 'E02', 'E03', 'E07', 'E08', 'P01', 'P02', 'V01', 'V03', 'V04', 'V06', 'V07', 'V09', 'V10', 'V11',
         'V12', 'V13', 'D02', 'F01', 'S01', 'S02', 'FRAUD')
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _sections(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    sections.setdefault("ratings", copy.deepcopy(RATINGS))
    if isinstance(sections.get("jobs"), dict):
        sections["jobs"].setdefault("violation_points", dict(JOB_TIME))


def _remove(sections):
    if sections.get("ratings") == RATINGS:
        del sections["ratings"]
    if isinstance(sections.get("jobs"), dict) and sections["jobs"].get("violation_points") == JOB_TIME:
        del sections["jobs"]["violation_points"]


def upgrade():
    op.create_table('violation_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=10), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('attached_on', sa.Date(), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_in('rule', RULES), name=op.f('ck_violation_points_rule')),
    sa.CheckConstraint(_in('cause', ('reject', 'flag_refused', 'falsified', 'fraud')),
                       name=op.f('ck_violation_points_cause')),
    sa.CheckConstraint(_in('record_kind', ('visit', 'stay', 'leave', 'package')),
                       name=op.f('ck_violation_points_record_kind')),
    sa.CheckConstraint('points > 0', name=op.f('ck_violation_points_points_positive')),
    sa.ForeignKeyConstraint(['carer_id'], ['carers.id'], name=op.f('fk_violation_points_carer_id_carers')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                            name=op.f('fk_violation_points_provider_id_organisations')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_violation_points_finding_id_findings')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'],
                            name=op.f('fk_violation_points_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['decision_id'], ['settlement_record_decisions.id'],
                            name=op.f('fk_violation_points_decision_id_settlement_record_decisions')),
    sa.ForeignKeyConstraint(['appeal_id'], ['settlement_appeals.id'],
                            name=op.f('fk_violation_points_appeal_id_settlement_appeals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation_points')),
    sa.UniqueConstraint('settlement_id', 'record_kind', 'record_id', 'rule',
                        name=op.f('uq_violation_points_settlement_id_record_kind_record_id_rule'))
    )
    with op.batch_alter_table('violation_points', schema=None) as batch_op:
        batch_op.create_index('ix_violation_points_carer_day', ['carer_id', 'attached_on'], unique=False)
        batch_op.create_index('ix_violation_points_provider_day', ['provider_id', 'attached_on'], unique=False)
    op.create_table('point_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('triggered_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('suspension_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carer_id'], ['carers.id'], name=op.f('fk_point_suspensions_carer_id_carers')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                            name=op.f('fk_point_suspensions_provider_id_organisations')),
    sa.ForeignKeyConstraint(['suspension_id'], ['carer_suspension_periods.id'],
                            name=op.f('fk_point_suspensions_suspension_id_carer_suspension_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_suspensions')),
    sa.UniqueConstraint('carer_id', 'triggered_on', name=op.f('uq_point_suspensions_carer_id_triggered_on')),
    sa.UniqueConstraint('suspension_id', name=op.f('uq_point_suspensions_suspension_id'))
    )
    with op.batch_alter_table('point_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_suspensions_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_suspensions_provider_id'), ['provider_id'], unique=False)
    op.create_table('point_settlement_marks',
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'],
                            name=op.f('fk_point_settlement_marks_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('settlement_id', name=op.f('pk_point_settlement_marks'))
    )
    _sections(_add)


def downgrade():
    _sections(_remove)
    op.drop_table('point_settlement_marks')
    with op.batch_alter_table('point_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_suspensions_provider_id'))
        batch_op.drop_index(batch_op.f('ix_point_suspensions_carer_id'))
    op.drop_table('point_suspensions')
    with op.batch_alter_table('violation_points', schema=None) as batch_op:
        batch_op.drop_index('ix_violation_points_provider_day')
        batch_op.drop_index('ix_violation_points_carer_day')
    op.drop_table('violation_points')
