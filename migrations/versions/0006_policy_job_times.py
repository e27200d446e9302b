"""jobs section of the policy store: the time of each scheduled job (SPEC §9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:10:00

Data only: every existing policy version (published, draft or retired) gets the ``jobs``
section with the REF times the scheduler used until now, so it still validates and the
scheduler keeps running each job when it did.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: REF values of the section added by this revision (SPEC §9, local time), frozen here
NEW_SECTIONS = {"jobs": {
    "assessment_daily": {"day": None, "hour": 0, "minute": 30},
    "purge_login_attempts": {"day": None, "hour": 6, "minute": 0},
    "calendar_check": {"day": None, "hour": 6, "minute": 0},
    "review_overdue": {"day": None, "hour": 6, "minute": 0},
}}

VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))


def upgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = dict(row.sections)
        missing = {name: value for name, value in NEW_SECTIONS.items() if name not in sections}
        if missing:
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections={**sections, **missing}))


def downgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = {k: v for k, v in row.sections.items() if k not in NEW_SECTIONS}
        bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))
