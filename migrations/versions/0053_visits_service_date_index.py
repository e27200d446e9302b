"""visits: an index on the service date, for the supervision facts' monthly reads of every provider's visits

Revision ID: 0053
Revises: 0051
Create Date: 2026-12-04 01:40:00

Issue 13 point 5 — the nightly refresh reads one month of visits across all providers (records and visits
by status); the visits' indexes all lead with a provider, carer or person, so without this one each month's
read scans every visit of every year. An index only: an upgrade loses nothing; a downgrade drops it.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0053'
down_revision = '0051'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visits_service_date', 'visits', ['service_date', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_visits_service_date', table_name='visits')
