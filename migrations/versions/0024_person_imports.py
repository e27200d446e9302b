"""large roster files imported by the scheduler process

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-03 12:40:00

Issue 9 point 5: a roster file of more than a few thousand rows is not imported inside a web
request; ``person_imports`` keeps the queued file (who asked, for which organisation, its job
run, and the problems that refused it at the check). A new table: no existing row changes.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'person_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('problems', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_person_imports_org_id_organisations')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_person_imports_requested_by_id_users')),
        sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_person_imports_run_id_job_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_imports')),
        sa.UniqueConstraint('run_id', name=op.f('uq_person_imports_run_id')),
    )
    op.create_index(op.f('ix_person_imports_org_id'), 'person_imports', ['org_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_person_imports_org_id'), table_name='person_imports')
    op.drop_table('person_imports')
