"""an entitlement request may ask a change of care type or provider to start later (SPEC §4.2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:30:00

Adds the nullable ``entitlement_requests.requested_from``: existing requests asked no later
date, so they keep NULL and nothing is lost.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entitlement_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_from", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("entitlement_requests", schema=None) as batch_op:
        batch_op.drop_column("requested_from")
