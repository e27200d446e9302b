"""queued imports of a provider's stays and leaves

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 15:00:00

Issue 10 point 2 (SPEC §5.4): a provider's stays and leaves are imported from CSV / XLSX like the
roster, large files through the scheduler process, so ``queued_imports.kind`` also takes
``stays`` and ``leaves``. No row changes; a downgrade is refused while such an import is kept.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

BEFORE = "('persons', 'hospital_stays', 'entitlements', 'carers')"
AFTER = "('persons', 'hospital_stays', 'entitlements', 'stays', 'leaves', 'carers')"


def _kinds(values: str) -> None:
    with op.batch_alter_table('queued_imports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_queued_imports_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_queued_imports_kind'), f"kind IN {values}")


def upgrade():
    _kinds(AFTER)


def downgrade():
    kept = op.get_bind().execute(sa.text("SELECT count(*) FROM queued_imports WHERE kind IN ('stays', 'leaves')"))
    if kept.scalar():
        raise RuntimeError("queued imports of stays or leaves exist: revision 0029 cannot hold them")
    _kinds(BEFORE)
