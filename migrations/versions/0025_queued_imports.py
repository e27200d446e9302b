"""one table of queued large imports for every kind of import

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 13:20:00

Issue 9 point 5: besides the roster, the hospital-stay and go-live imports queue a large file for
the scheduler process, so ``person_imports`` becomes ``queued_imports`` with the import's
``kind`` (CHECK from ``ImportKind``) and ``options`` (the go-live date); ``data`` may be empty
(the bytes are dropped when the import ends). Every existing row is copied with kind
``persons``, keeping its id, so its progress page and job run still find it.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

COLUMNS = "id, filename, sha256, data, rows, requested_by_id, org_id, requested_at, run_id, problems"


def _create(table: str, *, queued: bool) -> None:
    """``queued_imports`` (with kind and options, the file optional) or the ``person_imports`` of 0024."""
    extra = [sa.Column('kind', sa.String(length=20), nullable=False)] if queued else []
    options = [sa.Column('options', sa.JSON(), nullable=True),
               sa.CheckConstraint("kind IN ('persons', 'hospital_stays', 'entitlements')",
                                  name=op.f(f'ck_{table}_kind'))] if queued else []
    op.create_table(
        table,
        sa.Column('id', sa.Integer(), nullable=False),
        *extra,
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=queued),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('problems', sa.JSON(), nullable=True),
        *options,
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f(f'fk_{table}_org_id_organisations')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f(f'fk_{table}_requested_by_id_users')),
        sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f(f'fk_{table}_run_id_job_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
        sa.UniqueConstraint('run_id', name=op.f(f'uq_{table}_run_id')),
    )
    op.create_index(op.f(f'ix_{table}_org_id'), table, ['org_id'], unique=False)


def upgrade():
    _create('queued_imports', queued=True)
    op.execute(f"INSERT INTO queued_imports (kind, {COLUMNS}) SELECT 'persons', {COLUMNS} FROM person_imports")
    if op.get_bind().dialect.name == 'postgresql':  # the copied ids were given explicitly
        op.execute("SELECT setval(pg_get_serial_sequence('queued_imports', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM queued_imports), 0) + 1, false)")
    op.drop_index(op.f('ix_person_imports_org_id'), table_name='person_imports')
    op.drop_table('person_imports')


def downgrade():
    _create('person_imports', queued=False)
    kept = COLUMNS.replace("data,", "COALESCE(data, ''),")
    op.execute(f"INSERT INTO person_imports ({COLUMNS}) SELECT {kept} FROM queued_imports WHERE kind = 'persons'")
    op.drop_index(op.f('ix_queued_imports_org_id'), table_name='queued_imports')
    op.drop_table('queued_imports')
