"""void entitlements, entitlement event actions, termination notices, death records

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:30:00

SPEC §2: an entitlement that had not started when the person died (or transferred out) is voided,
never deleted. Every existing entitlement becomes ``active`` and every existing entitlement event
an ``end`` (they were all shortenings); the end reasons gain ``transfer``; the PostgreSQL
EXCLUDE constraint becomes partial (``WHERE status <> 'void'``). Notices gain the kind
``termination`` (TRM). ``person_deaths`` keeps each recording of a death with the status periods
before it, so that a death recorded in error can be undone.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

REASONS_OLD = "('expiry', 'death', 'change')"
REASONS_NEW = "('expiry', 'death', 'change', 'transfer')"
KINDS_OLD = "('acceptance', 'refusal', 'conclusion', 'entitlement')"
KINDS_NEW = "('acceptance', 'refusal', 'conclusion', 'entitlement', 'termination')"
EXCLUDE = ("ALTER TABLE entitlements ADD CONSTRAINT ex_entitlements_no_overlap EXCLUDE USING gist "
           "(person_id WITH =, daterange(valid_from, valid_to, '[)') WITH &&)")


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    # SQLite rebuilds ``entitlements`` (batch mode) while other rows point at it: migrations/env.py
    # runs every migration with foreign keys off and checks them all before committing
    _upgrade()


def downgrade():
    _refuse_new_values()
    _downgrade()


def _upgrade():
    op.create_table('person_deaths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('death_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('status_before', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undo_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_person_deaths_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_person_deaths_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_person_deaths_undone_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_deaths'))
    )
    with op.batch_alter_table('person_deaths', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_deaths_person_id'), ['person_id'], unique=False)

    if _on_postgresql():
        op.execute("ALTER TABLE entitlements DROP CONSTRAINT ex_entitlements_no_overlap")
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False, server_default='active'))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=10), nullable=True))
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=10), server_default=None)
        batch_op.drop_constraint(op.f('ck_entitlements_end_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlements_end_reason'),
                                         f"end_reason IS NULL OR end_reason IN {REASONS_NEW}")
        batch_op.create_check_constraint(op.f('ck_entitlements_status'), "status IN ('active', 'void')")
        batch_op.create_check_constraint(op.f('ck_entitlements_void_reason'),
                                         "void_reason IS NULL OR void_reason IN ('death', 'transfer')")
        batch_op.create_check_constraint(op.f('ck_entitlements_void_has_reason'),
                                         "(status = 'void') = (void_reason IS NOT NULL)")
    if _on_postgresql():
        op.execute(EXCLUDE + " WHERE (status <> 'void')")

    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.String(length=10), nullable=False, server_default='end'))
        batch_op.add_column(sa.Column('end_reason_before', sa.String(length=10), nullable=True))
    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=10), server_default=None)
        batch_op.drop_constraint(op.f('ck_entitlement_events_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_entitlement_events_shortens'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlement_events_reason'), f"reason IN {REASONS_NEW}")
        batch_op.create_check_constraint(op.f('ck_entitlement_events_action'), "action IN ('end', 'void', 'restore')")
        batch_op.create_check_constraint(
            op.f('ck_entitlement_events_end_reason_before'),
            f"end_reason_before IS NULL OR end_reason_before IN {REASONS_NEW}")
        batch_op.create_check_constraint(op.f('ck_entitlement_events_shortens'),
                                         "action <> 'end' OR valid_to_after < valid_to_before")
        batch_op.create_check_constraint(op.f('ck_entitlement_events_void_keeps_dates'),
                                         "action <> 'void' OR valid_to_after = valid_to_before")

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind'), f"kind IN {KINDS_NEW}")


def _refuse_new_values():
    bind = op.get_bind()
    for table, column, value in (('entitlements', 'status', 'void'), ('entitlement_events', 'action', 'void'),
                                 ('entitlement_events', 'action', 'restore'), ('entitlements', 'end_reason', 'transfer'),
                                 ('notices', 'kind', 'termination')):
        count = bind.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE {column} = :value"), {"value": value})
        if count:
            raise RuntimeError(f"{count} rows of {table} have {column} = {value!r}: they cannot be downgraded")


def _downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notices_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notices_kind'), f"kind IN {KINDS_OLD}")
    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        for name in ('void_keeps_dates', 'shortens', 'end_reason_before', 'action', 'reason'):
            batch_op.drop_constraint(op.f(f'ck_entitlement_events_{name}'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlement_events_reason'), f"reason IN {REASONS_OLD}")
        batch_op.create_check_constraint(op.f('ck_entitlement_events_shortens'), 'valid_to_after < valid_to_before')
        batch_op.drop_column('end_reason_before')
        batch_op.drop_column('action')
    if _on_postgresql():
        op.execute("ALTER TABLE entitlements DROP CONSTRAINT ex_entitlements_no_overlap")
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        for name in ('void_has_reason', 'void_reason', 'status', 'end_reason'):
            batch_op.drop_constraint(op.f(f'ck_entitlements_{name}'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlements_end_reason'),
                                         f"end_reason IS NULL OR end_reason IN {REASONS_OLD}")
        batch_op.drop_column('void_reason')
        batch_op.drop_column('status')
    if _on_postgresql():
        op.execute(EXCLUDE)
    with op.batch_alter_table('person_deaths', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_deaths_person_id'))
    op.drop_table('person_deaths')
