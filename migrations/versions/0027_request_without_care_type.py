"""an entitlement request kept as not opened because no care type was chosen stores none

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-03 12:55:00

``entitlement_requests.care_type`` becomes nullable. A conclusion whose application chose no care
type was kept as ``not_opened`` with the reason "申请未选择服务形式…" and the placeholder care type
``home``, which the insurer's 未发起的待遇审核 list then showed as if chosen (issue 9 point 17).
Those rows — exactly the not-opened ones carrying that reason — get NULL; every other row keeps
its care type. The downgrade puts the placeholder back.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0025'
branch_labels = None
depends_on = None

NO_CARE_TYPE = "申请未选择服务形式，请商保公司为参保人发起待遇审核"


def upgrade():
    with op.batch_alter_table('entitlement_requests', schema=None) as batch_op:
        batch_op.alter_column('care_type', existing_type=sa.String(length=20), nullable=True)
    op.execute(sa.text("UPDATE entitlement_requests SET care_type = NULL "
                       "WHERE status = 'not_opened' AND reason = :reason").bindparams(reason=NO_CARE_TYPE))


def downgrade():
    op.execute(sa.text("UPDATE entitlement_requests SET care_type = 'home' WHERE care_type IS NULL"))
    with op.batch_alter_table('entitlement_requests', schema=None) as batch_op:
        batch_op.alter_column('care_type', existing_type=sa.String(length=20), nullable=False)
