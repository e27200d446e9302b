"""ratings: follow-up visits and complaints

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-03 22:13:41

Issue 12 points 1–2 (SPEC §8) — new tables only:

- ``follow_ups`` (the insurer's worklist and the visit record), ``follow_up_events`` (write-once history),
  ``follow_up_draws`` (the monthly sample of an insurer with its stored seed);
- ``complaints`` and ``complaint_events``;
- ``settlement_record_decisions.origin`` also allows ``follow_up`` (a record held by a "not confirmed"
  follow-up, decided in the insurer's audit);
- every policy version without a ``followups`` section gets REF's (a city's own is kept).

A downgrade refuses while a decision has the origin ``follow_up``, removes the section where it is still
REF's and drops the tables.
"""
import copy

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None

#: REF's followups section, frozen here
SECTION = {"sample_share": "0.10", "flag_sample_share": "0.20", "new_grant_days": 30, "complaint_working_days": 10}
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
DECISIONS = sa.table("settlement_record_decisions", sa.column("origin", sa.String))


def _rewrite(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    sections.setdefault("followups", copy.deepcopy(SECTION))


def _remove(sections):
    if sections.get("followups") == SECTION:
        del sections["followups"]


def _origins(values):
    with op.batch_alter_table('settlement_record_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_settlement_record_decisions_origin'), type_='check')
        batch_op.create_check_constraint(op.f('ck_settlement_record_decisions_origin'),
                                         "origin IN (" + ", ".join(f"'{v}'" for v in values) + ")")


def upgrade():
    op.create_table('follow_up_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insurer_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('sampled', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.Column('flag_sampled', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['insurer_id'], ['organisations.id'], name=op.f('fk_follow_up_draws_insurer_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_draws')),
    sa.UniqueConstraint('insurer_id', 'month', name=op.f('uq_follow_up_draws_insurer_id_month'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('insurer_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=True),
    sa.Column('complainant', sa.String(length=8), nullable=False),
    sa.Column('complainant_name', sa.String(length=50), nullable=False),
    sa.Column('complainant_phone', sa.String(length=30), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('overdue_marked_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('registered_by', sa.Integer(), nullable=True),
    sa.Column('registered_org', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name=op.f('ck_complaints_closed_has_outcome')),
    sa.CheckConstraint("channel IN ('phone', 'counter')", name=op.f('ck_complaints_channel')),
    sa.CheckConstraint("complainant IN ('person', 'family')", name=op.f('ck_complaints_complainant')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'not_upheld')", name=op.f('ck_complaints_outcome')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_complaints_status')),
    sa.ForeignKeyConstraint(['carer_id'], ['carers.id'], name=op.f('fk_complaints_carer_id_carers')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_complaints_decided_by_users')),
    sa.ForeignKeyConstraint(['insurer_id'], ['organisations.id'], name=op.f('fk_complaints_insurer_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_complaints_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_complaints_provider_id_organisations')),
    sa.ForeignKeyConstraint(['registered_by'], ['users.id'], name=op.f('fk_complaints_registered_by_users')),
    sa.ForeignKeyConstraint(['registered_org'], ['organisations.id'], name=op.f('fk_complaints_registered_org_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_complaints_provider_outcome', ['provider_id', 'outcome', 'closed_on'], unique=False)
        batch_op.create_index('ix_complaints_status', ['status', 'received_on'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_org_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('registered', 'overdue', 'decided')", name=op.f('ck_complaint_events_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_complaint_events_actor_id_users')),
    sa.ForeignKeyConstraint(['actor_org_id'], ['organisations.id'], name=op.f('fk_complaint_events_actor_org_id_organisations')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('insurer_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=40), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('draw_id', sa.Integer(), nullable=True),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assigned_to', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=True),
    sa.Column('attitude', sa.Integer(), nullable=True),
    sa.Column('punctuality', sa.Integer(), nullable=True),
    sa.Column('skill', sa.Integer(), nullable=True),
    sa.Column('overall', sa.Integer(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=True),
    sa.Column('held_month', sa.Date(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('level_mismatch', sa.Boolean(), nullable=False),
    sa.Column('reassessment_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'done') = (visited_on IS NOT NULL)", name=op.f('ck_follow_ups_done_has_date')),
    sa.CheckConstraint("channel IS NULL OR channel IN ('phone', 'video', 'home')", name=op.f('ck_follow_ups_channel')),
    sa.CheckConstraint("origin IN ('new_grant', 'monthly_sample', 'complaint', 'flag_sample')", name=op.f('ck_follow_ups_origin')),
    sa.CheckConstraint("status IN ('open', 'done')", name=op.f('ck_follow_ups_status')),
    sa.CheckConstraint('attitude IS NULL OR attitude BETWEEN 1 AND 5', name=op.f('ck_follow_ups_attitude')),
    sa.CheckConstraint('overall IS NULL OR overall BETWEEN 1 AND 5', name=op.f('ck_follow_ups_overall')),
    sa.CheckConstraint('punctuality IS NULL OR punctuality BETWEEN 1 AND 5', name=op.f('ck_follow_ups_punctuality')),
    sa.CheckConstraint('skill IS NULL OR skill BETWEEN 1 AND 5', name=op.f('ck_follow_ups_skill')),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_follow_ups_assigned_to_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_follow_ups_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['draw_id'], ['follow_up_draws.id'], name=op.f('fk_follow_ups_draw_id_follow_up_draws')),
    sa.ForeignKeyConstraint(['insurer_id'], ['organisations.id'], name=op.f('fk_follow_ups_insurer_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_follow_ups_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_follow_ups_provider_id_organisations')),
    sa.ForeignKeyConstraint(['reassessment_id'], ['applications.id'], name=op.f('fk_follow_ups_reassessment_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_follow_ups_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('person_id', 'source_key', name=op.f('uq_follow_ups_person_id_source_key'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index('ix_follow_ups_held', ['held_month', 'confirmed'], unique=False)
        batch_op.create_index('ix_follow_ups_insurer_status', ['insurer_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_provider_id'), ['provider_id'], unique=False)

    op.create_table('follow_up_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follow_up_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_org_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('created', 'reassigned', 'recorded')", name=op.f('ck_follow_up_events_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_follow_up_events_actor_id_users')),
    sa.ForeignKeyConstraint(['actor_org_id'], ['organisations.id'], name=op.f('fk_follow_up_events_actor_org_id_organisations')),
    sa.ForeignKeyConstraint(['follow_up_id'], ['follow_ups.id'], name=op.f('fk_follow_up_events_follow_up_id_follow_ups')),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_follow_up_events_from_user_id_users')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_follow_up_events_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_events'))
    )
    with op.batch_alter_table('follow_up_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_events_follow_up_id'), ['follow_up_id'], unique=False)
    _origins(("flag", "sample", "follow_up"))
    _rewrite(_add)


def downgrade():
    held = op.get_bind().scalar(sa.select(sa.func.count()).select_from(DECISIONS)
                                .where(DECISIONS.c.origin == 'follow_up'))
    if held:
        raise RuntimeError(f"{held} settlement record decisions come from follow-ups: they would lose their origin")
    _origins(("flag", "sample"))
    _rewrite(_remove)
    with op.batch_alter_table('follow_up_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_events_follow_up_id'))

    op.drop_table('follow_up_events')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_provider_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_person_id'))
        batch_op.drop_index('ix_follow_ups_insurer_status')
        batch_op.drop_index('ix_follow_ups_held')
        batch_op.drop_index(batch_op.f('ix_follow_ups_assigned_to'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_status')
        batch_op.drop_index('ix_complaints_provider_outcome')
        batch_op.drop_index(batch_op.f('ix_complaints_person_id'))

    op.drop_table('complaints')
    op.drop_table('follow_up_draws')
