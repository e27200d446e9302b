"""compliance: the policy section of the rules, the nightly scan's time and its per provider-month marks

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 15:00:00

Issue 10 (SPEC §6, §9):

- table ``compliance_scan_marks``: when the nightly scan last checked a provider's month;
- every policy version (published, draft or retired) without a ``compliance`` section gets REF's
  (each rule's severity and violation points, the rules' parameters), and every ``jobs`` section
  without ``compliance_scan`` gets its REF time (daily 01:00), so every version still validates.
  A version that already has them is left alone.

A downgrade removes what this revision added where it is still REF's, and drops the table.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

_POINTS = {"P02": 3, "V03": 1, "V04": 3, "V09": 1, "V10": 3, "S01": 6, "S02": 6}
_FLAGGED = {"V01", "V11", "V12", "V13", "S01", "S02"}
_RULES = ("E01", "E02", "E03", "E07", "E08", "P01", "P02", "V01", "V03", "V04", "V06", "V07", "V09", "V10",
          "V11", "V12", "V13", "D02", "F01", "S01", "S02")
#: REF's compliance section (SPEC §6), frozen here
COMPLIANCE = {
    **{rule: {"severity": "FLAG" if rule in _FLAGGED else "REJECT", "points": _POINTS.get(rule, 0)}
       for rule in _RULES},
    "fraud_points": 12, "e02_warning_days": 60, "v01_max_distance_m": 300, "v03_min_ratio": "0.9",
    "v04_overlap_minutes": 5, "d02_leave_days": 3, "v11_tolerance_days": 1, "v12_late_hours": 72,
    "f01_visits_per_month": 4, "s02_window_minutes": 2, "s02_share": "0.80", "s02_min_visits": 10,
    "recheck_months": 3,
}
SCAN_TIME = {"day": None, "hour": 1, "minute": 0}

VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))


def _rewrite(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    sections.setdefault("compliance", copy.deepcopy(COMPLIANCE))
    if isinstance(sections.get("jobs"), dict):
        sections["jobs"].setdefault("compliance_scan", dict(SCAN_TIME))


def _remove(sections):
    if sections.get("compliance") == COMPLIANCE:
        del sections["compliance"]
    if isinstance(sections.get("jobs"), dict) and sections["jobs"].get("compliance_scan") == SCAN_TIME:
        del sections["jobs"]["compliance_scan"]


def upgrade():
    op.create_table('compliance_scan_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('findings_open', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                            name=op.f('fk_compliance_scan_marks_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_scan_marks')),
    sa.UniqueConstraint('provider_id', 'month', name=op.f('uq_compliance_scan_marks_provider_id_month'))
    )
    _rewrite(_add)


def downgrade():
    _rewrite(_remove)
    op.drop_table('compliance_scan_marks')
