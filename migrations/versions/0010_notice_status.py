"""notices are numbered first (pending) and rendered after commit (issued)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:45:00

Every existing notice already has its PDF: it becomes ``issued``, rendered when it was issued.
The PDF columns become nullable (a ``pending`` notice has none yet). Every policy version's
``jobs`` section gets the REF time of the new job "retry pending notices" (every 10 minutes),
so it still validates.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NEW_JOBS = {"retry_pending_notices": {"every_minutes": 10}}

NOTICES = sa.table("notices", sa.column("id", sa.Integer), sa.column("status", sa.String),
                   sa.column("issued_at", sa.DateTime(timezone=True)),
                   sa.column("rendered_at", sa.DateTime(timezone=True)))
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='issued'))
        batch_op.add_column(sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(NOTICES.update().values(rendered_at=NOTICES.c.issued_at))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), server_default=None)
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(op.f('ck_notices_status'), "status IN ('pending', 'issued')")
        batch_op.create_check_constraint(
            op.f('ck_notices_issued_has_pdf'),
            "status = 'pending' OR (content IS NOT NULL AND sha256 IS NOT NULL AND size IS NOT NULL)")
        batch_op.create_index('ix_notices_status', ['status'], unique=False)
    _add_job_times()


def _add_job_times():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = dict(row.sections)
        jobs = sections.get("jobs")
        if jobs is None:
            continue
        missing = {job: value for job, value in NEW_JOBS.items() if job not in jobs}
        if missing:
            sections["jobs"] = {**jobs, **missing}
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def downgrade():
    bind = op.get_bind()
    pending = bind.scalar(sa.select(sa.func.count()).select_from(NOTICES).where(NOTICES.c.status == 'pending'))
    if pending:
        raise RuntimeError(f"{pending} notices are still pending: run the job retry_pending_notices first")
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        jobs = (row.sections or {}).get("jobs")
        if jobs and any(job in jobs for job in NEW_JOBS):
            sections = {**row.sections, "jobs": {k: v for k, v in jobs.items() if k not in NEW_JOBS}}
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_status')
        batch_op.drop_constraint(op.f('ck_notices_issued_has_pdf'), type_='check')
        batch_op.drop_constraint(op.f('ck_notices_status'), type_='check')
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('rendered_at')
        batch_op.drop_column('status')
