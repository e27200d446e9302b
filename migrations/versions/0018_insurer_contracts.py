"""insurers' districts become dated contracts (承办合同, SPEC §1)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 11:40:00

Each insurer's district list becomes one open-ended contract per district, from the insurer's
first agreement (else its first status period, else the day it was created, in Shanghai time).
A district not yet in the district list is added to it first (as 0007 did). Where two insurers
listed the same district, the one that answered for it (the lowest id) gets the contract, and
the later claim is kept in the audit log of the conversion (one ``convert_districts`` row per
insurer, with its old list and the contracts it got), since contracts of a district never
overlap. Then the list column is dropped: contracts are the one source of truth.

A downgrade gives each insurer back the districts of its contracts in force on the day the
downgrade runs (or, without one, of all its contracts) and drops the table.
"""
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

LOCAL = ZoneInfo("Asia/Shanghai")

ORGS = sa.table("organisations", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                sa.column("districts", sa.JSON), sa.column("created_at", sa.DateTime(timezone=True)))
DISTRICTS = sa.table("districts", sa.column("code", sa.String), sa.column("name", sa.String),
                     sa.column("active", sa.Boolean), sa.column("sort_order", sa.Integer))
AGREEMENTS = sa.table("agreement_periods", sa.column("org_id", sa.Integer), sa.column("valid_from", sa.Date))
STATUSES = sa.table("org_status_periods", sa.column("org_id", sa.Integer), sa.column("valid_from", sa.Date))
AUDIT = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("action", sa.String),
                 sa.column("entity", sa.String), sa.column("entity_id", sa.String), sa.column("before", sa.JSON),
                 sa.column("after", sa.JSON), sa.column("detail", sa.String))


def upgrade():
    contracts = op.create_table('insurer_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insurer_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=50), nullable=False),
    sa.Column('contract_no', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_insurer_contracts_period_order')),
    sa.ForeignKeyConstraint(['district'], ['districts.code'], name=op.f('fk_insurer_contracts_district_districts')),
    sa.ForeignKeyConstraint(['insurer_id'], ['organisations.id'], name=op.f('fk_insurer_contracts_insurer_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurer_contracts'))
    )
    with op.batch_alter_table('insurer_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurer_contracts_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_insurer_contracts_insurer_id'), ['insurer_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE insurer_contracts ADD CONSTRAINT ex_insurer_contracts_no_overlap "
                   "EXCLUDE USING gist (district WITH =, daterange(valid_from, valid_to, '[)') WITH &&)")
    convert_districts(contracts)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('districts')


def _listed(value) -> list[str]:
    """An insurer's districts (JSON is text on SQLite), stripped, each once, in its order."""
    if isinstance(value, str):
        value = json.loads(value)
    return list(dict.fromkeys(d.strip() for d in value or () if d and d.strip()))


def _local(moment: datetime | str | None) -> date:
    if moment is None:
        return datetime.now(timezone.utc).astimezone(LOCAL).date()
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL).date()


def _first_day(bind, org_id: int, created_at) -> date:
    for table in (AGREEMENTS, STATUSES):
        first = bind.execute(sa.select(sa.func.min(table.c.valid_from)).where(table.c.org_id == org_id)).scalar()
        if first is not None:
            return date.fromisoformat(first) if isinstance(first, str) else first
    return _local(created_at)


def _add_missing_districts(bind, codes: list[str]) -> None:
    known = set(bind.execute(sa.select(DISTRICTS.c.code)).scalars())
    top = bind.execute(sa.select(sa.func.max(DISTRICTS.c.sort_order))).scalar() or 0
    missing = [code for code in dict.fromkeys(codes) if code not in known]
    if missing:
        op.bulk_insert(DISTRICTS, [{"code": code, "name": code, "active": True, "sort_order": top + 10 * n}
                                   for n, code in enumerate(missing, start=1)])


def convert_districts(contracts: sa.Table) -> None:
    """One open-ended contract per insurer and listed district (the lowest id first), audited."""
    bind = op.get_bind()
    insurers = bind.execute(sa.select(ORGS.c.id, ORGS.c.districts, ORGS.c.created_at)
                            .where(ORGS.c.kind == "insurer").order_by(ORGS.c.id)).all()
    _add_missing_districts(bind, [code for _id, listed, _at in insurers for code in _listed(listed)])
    taken: dict[str, int] = {}
    now = datetime.now(timezone.utc)
    for org_id, listed, created_at in insurers:
        districts = _listed(listed)
        if not districts:
            continue
        start = _first_day(bind, org_id, created_at)
        mine = [code for code in districts if code not in taken]
        op.bulk_insert(contracts, [{"insurer_id": org_id, "district": code, "contract_no": None, "created_at": now,
                                    "valid_from": start, "valid_to": None} for code in mine])
        taken.update(dict.fromkeys(mine, org_id))
        op.bulk_insert(AUDIT, [{
            "at": now, "action": "convert_districts", "entity": "organisation", "entity_id": str(org_id),
            "before": {"districts": districts},
            "after": {"contracts_from": start.isoformat(), "districts": mine,
                      "held_by_another_insurer": {code: taken[code] for code in districts if code not in mine}},
            "detail": "insurer districts converted to open-ended contracts (migration 0018)"}])


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('districts', sa.JSON(), nullable=True))
    bind = op.get_bind()
    contracts = sa.table("insurer_contracts", sa.column("id", sa.Integer), sa.column("insurer_id", sa.Integer),
                         sa.column("district", sa.String),
                         sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date))
    today = _local(None)
    rows = bind.execute(sa.select(contracts.c.insurer_id, contracts.c.district, contracts.c.valid_from,
                                  contracts.c.valid_to).order_by(contracts.c.id)).all()
    for (org_id,) in bind.execute(sa.select(ORGS.c.id)).all():
        held = [r for r in rows if r.insurer_id == org_id]
        current = [r.district for r in held if _day(r.valid_from) <= today
                   and (r.valid_to is None or _day(r.valid_to) > today)]
        districts = list(dict.fromkeys(current or [r.district for r in held]))
        bind.execute(ORGS.update().where(ORGS.c.id == org_id).values(districts=districts))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('districts', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('insurer_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurer_contracts_insurer_id'))
        batch_op.drop_index(batch_op.f('ix_insurer_contracts_district'))
    op.drop_table('insurer_contracts')


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
