"""per-unit scheduled jobs and queued runs (SPEC §9)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00

``job_runs`` gains the unit counts of a per-unit run and the time a run was queued ("run
now" queues a run that the scheduler process picks up); a queued run has no start, host or
process yet, so those become nullable; the status may also be ``queued`` or ``partial``.
``job_run_units`` holds each unit's outcome. Existing rows keep their values (whole-run jobs:
no unit counts).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('running', 'success', 'failed', 'skipped_locked')"
NEW_STATUSES = "status IN ('queued', 'running', 'success', 'partial', 'failed', 'skipped_locked')"


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('units_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('units_done', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('units_failed', sa.Integer(), nullable=True))
        batch_op.alter_column('started_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.alter_column('host', existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column('pid', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), NEW_STATUSES)

    op.create_table('job_run_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('unit_key', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f('ck_job_run_units_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_job_run_units_attempts_not_negative')),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_job_run_units_run_id_job_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run_units')),
    sa.UniqueConstraint('run_id', 'unit_key', name=op.f('uq_job_run_units_run_id_unit_key'))
    )
    with op.batch_alter_table('job_run_units', schema=None) as batch_op:
        batch_op.create_index('ix_job_run_units_status', ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('job_run_units', schema=None) as batch_op:
        batch_op.drop_index('ix_job_run_units_status')
    op.drop_table('job_run_units')
    # runs that cannot exist before this revision: a queued run never started, a partial one failed
    job_runs = sa.table('job_runs', sa.column('status', sa.String), sa.column('started_at', sa.DateTime),
                        sa.column('queued_at', sa.DateTime), sa.column('host', sa.String), sa.column('pid', sa.Integer))
    op.execute(job_runs.delete().where(job_runs.c.status == 'queued'))
    op.execute(job_runs.update().where(job_runs.c.status == 'partial').values(status='failed'))
    op.execute(job_runs.update().where(job_runs.c.host.is_(None)).values(host='unknown'))
    op.execute(job_runs.update().where(job_runs.c.pid.is_(None)).values(pid=0))
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_runs_status'), OLD_STATUSES)
        batch_op.alter_column('pid', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('host', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('started_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column('units_failed')
        batch_op.drop_column('units_done')
        batch_op.drop_column('units_total')
        batch_op.drop_column('queued_at')
