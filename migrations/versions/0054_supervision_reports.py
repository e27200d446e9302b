"""supervision: the monthly supervision reports (监管月报) and their stored PDFs

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-04 02:00:00

Issue 13 point 3 — a new table only, so an upgrade loses nothing (the day-3 job builds the reports);
a downgrade drops it.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0054'
down_revision = '0053'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supervision_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'issued')", name=op.f('ck_supervision_reports_status')),
        sa.CheckConstraint('size > 0', name=op.f('ck_supervision_reports_size_positive')),
        sa.CheckConstraint("status = 'pending' OR (content IS NOT NULL AND sha256 IS NOT NULL AND size IS NOT NULL "
                           "AND data IS NOT NULL)", name=op.f('ck_supervision_reports_issued_has_pdf')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_supervision_reports_requested_by_id_users')),
        sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_supervision_reports_run_id_job_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reports')),
        sa.UniqueConstraint('month', name=op.f('uq_supervision_reports_month')),
        sa.UniqueConstraint('number', name=op.f('uq_supervision_reports_number')),
    )


def downgrade():
    op.drop_table('supervision_reports')
