"""loaded years of the working-day calendar

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:30:00

A year the official calendar does not know counts as loaded only once an MIA admin marks it
so (SPEC §0.1); override rows alone are not enough, so no existing year is marked.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('loaded', sa.Boolean(), nullable=False),
    sa.Column('loaded_by', sa.Integer(), nullable=True),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['loaded_by'], ['users.id'], name=op.f('fk_calendar_years_loaded_by_users')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )


def downgrade():
    op.drop_table('calendar_years')
