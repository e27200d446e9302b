"""the carer register at work: queued carer imports and the carers policy section

Issue 10 point 1: a provider's large carer file is queued like the roster files (a new kind of
``queued_imports``), and the entitlement review's capacity check reads how many home
beneficiaries one carer may serve from a new ``carers`` policy section (REF 8), given to every
stored policy version so each stays valid; a version that already has the section keeps it.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

KINDS_BEFORE = "('persons', 'hospital_stays', 'entitlements')"
KINDS_AFTER = "('persons', 'hospital_stays', 'entitlements', 'carers')"
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
SECTION = "carers"
REF_CARERS = {"home_beneficiaries_per_carer": 8}


def _kinds(values: str) -> None:
    with op.batch_alter_table('queued_imports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_queued_imports_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_queued_imports_kind'), f"kind IN {values}")


def _sections(change) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = dict(row.sections or {})
        changed = change(sections)
        if changed is not None:
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=changed))


def _add_section(sections: dict) -> dict | None:
    return None if SECTION in sections else {**sections, SECTION: dict(REF_CARERS)}


def _drop_section(sections: dict) -> dict | None:
    return {k: v for k, v in sections.items() if k != SECTION} if SECTION in sections else None


def upgrade():
    _kinds(KINDS_AFTER)
    _sections(_add_section)


def downgrade():
    op.execute("DELETE FROM queued_imports WHERE kind = 'carers'")
    _kinds(KINDS_BEFORE)
    _sections(_drop_section)
