"""a visit outside any care plan may hold 0 planned minutes until its check-out

Issue 10 (SPEC §6: a record that passes shape validation is always stored with its findings): an
unscheduled visit for a person without a care plan in force is stored; its planned minutes are the
entered value or the catalogue's standard minutes of its items, so a check-in without either holds
0 until the check-out names the items. The check on ``visits.planned_minutes`` becomes ``>= 0``.
No data changes; the downgrade refuses while such a visit exists.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03 18:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0042'
down_revision = '0039'
branch_labels = None
depends_on = None

VISITS = sa.table("visits", sa.column("planned_minutes", sa.Integer))


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visits_planned_minutes'), type_='check')
        batch_op.create_check_constraint(op.f('ck_visits_planned_minutes'), 'planned_minutes >= 0')


def downgrade():
    bind = op.get_bind()
    zero = bind.scalar(sa.select(sa.func.count()).select_from(VISITS).where(VISITS.c.planned_minutes == 0))
    if zero:
        raise RuntimeError(f"{zero} visits have 0 planned minutes: check them out or correct them first")
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visits_planned_minutes'), type_='check')
        batch_op.create_check_constraint(op.f('ck_visits_planned_minutes'), 'planned_minutes > 0')
