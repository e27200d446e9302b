"""indexes on visits' photo hash and GPS points

Issue 10 (SPEC §6 S01): the same photo or GPS point reused across visits to different addresses,
whichever providers made them. The entry-time check and the nightly scan look visits up by these
values; without an index each look-up read the whole month. Indexes only; no data changes.

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-03 16:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visits_photo_hash', 'visits', ['photo_hash'])
    op.create_index('ix_visits_check_in_point', 'visits', ['check_in_lat', 'check_in_lon'])
    op.create_index('ix_visits_check_out_point', 'visits', ['check_out_lat', 'check_out_lon'])


def downgrade():
    op.drop_index('ix_visits_check_out_point', table_name='visits')
    op.drop_index('ix_visits_check_in_point', table_name='visits')
    op.drop_index('ix_visits_photo_hash', table_name='visits')
