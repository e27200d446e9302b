"""billing: the settlement review: audits, samples, record decisions, remarks, trail, appeals, bank batches

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03 17:28:04

Issue 11 point 4 (SPEC §4.1, §7.3): new tables only —

- ``settlement_audits`` (one per settlement: sample rate, star, size and seed, deduction totals, payment),
  ``settlement_remarks`` (the provider's remark and evidence, text and an optional file, on a flagged record),
  ``settlement_record_decisions`` (pay / refuse per record, the deduction), ``settlement_samples``,
  ``settlement_review_events`` (the trail), ``settlement_appeals`` and ``settlement_appeal_items``,
  ``payment_batches`` and ``payment_batch_lines`` (the bank batch file and its return),
  ``settlement_approval_requests`` (the settlements of a queued bulk approval);
- every policy version (published, draft or retired) without a ``settlement_review`` section gets REF's
  (sample rates by star, minimum sample, appeal days), and every ``reviews`` section without the case
  types ``settlement`` / ``settlement_appeal`` gets REF's (a city's own are kept; definitions frozen on
  cases are untouched).

A downgrade removes what this revision added where it is still REF's, and drops the tables.
"""
import copy

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

#: REF's settlement_review section and billing's two case types, frozen here
SECTION = {'appeal_working_days': 5,
 'sample_minimum': 3,
 'sample_rate_by_star': {'1': '0.15', '2': '0.15', '3': '0.05', '4': '0.03', '5': '0.03'},
 'sample_rate_no_star': '0.05'}
CASE_TYPES = [{'code': 'settlement',
  'label': '月度结算审核',
  'subject': 'settlement',
  'steps': [{'code': 'submit',
             'label': '护理机构提交结算',
             'owner': 'subject_provider',
             'decisions': ['approve'],
             'sla': 'day_of_month:5',
             'return_to': [],
             'precondition': 'settlement_review',
             'roles': ['operator']},
            {'code': 'audit',
             'label': '商保公司审核',
             'owner': 'provider_district_insurer',
             'decisions': ['approve', 'return'],
             'sla': 'day_of_month:12',
             'return_to': ['submit'],
             'precondition': 'audit_complete',
             'roles': ['reviewer']},
            {'code': 'approval',
             'label': '医保经办机构审批',
             'owner': 'mia',
             'decisions': ['approve', 'return'],
             'sla': 'day_of_month:20',
             'return_to': ['audit'],
             'precondition': 'settlement_review',
             'roles': ['reviewer']},
            {'code': 'payment',
             'label': '商保公司支付',
             'owner': 'provider_district_insurer',
             'decisions': ['approve'],
             'sla': 'day_of_month:25',
             'return_to': [],
             'precondition': 'payment_recorded',
             'roles': ['operator', 'reviewer']}],
  'reasons': [{'code': 'EVIDENCE', 'label': '需补充证据或说明', 'decisions': ['return'], 'steps': ['audit']},
              {'code': 'AUDIT', 'label': '审核意见需复核', 'decisions': ['return'], 'steps': ['approval']},
              {'code': 'AMOUNT', 'label': '扣减金额有误', 'decisions': ['return'], 'steps': ['approval']}]},
 {'code': 'settlement_appeal',
  'label': '结算申诉',
  'subject': 'settlement_appeal',
  'steps': [{'code': 'appeal',
             'label': '护理机构提出申诉',
             'owner': 'subject_provider',
             'decisions': ['approve'],
             'sla': 'working_days:5',
             'return_to': [],
             'precondition': None,
             'roles': ['operator']},
            {'code': 'appeal_review',
             'label': '商保公司复核申诉',
             'owner': 'provider_district_insurer',
             'decisions': ['approve', 'reject'],
             'sla': 'working_days:5',
             'return_to': [],
             'precondition': None,
             'roles': ['reviewer']}],
  'reasons': [{'code': 'UNFOUNDED', 'label': '申诉理由不成立', 'decisions': ['reject'], 'steps': ['appeal_review']},
              {'code': 'NO_EVIDENCE',
               'label': '未提供有效证据',
               'decisions': ['reject'],
               'steps': ['appeal_review']}]}]

VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))


def _rewrite(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        change(sections)
        if sections != (row.sections or {}):
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _add(sections):
    sections.setdefault("settlement_review", copy.deepcopy(SECTION))
    reviews = sections.get("reviews")
    if isinstance(reviews, dict):
        known = reviews.setdefault("case_types", [])
        for case_type in CASE_TYPES:
            if all(not isinstance(c, dict) or c.get("code") != case_type["code"] for c in known):
                known.append(copy.deepcopy(case_type))


def _remove(sections):
    if sections.get("settlement_review") == SECTION:
        del sections["settlement_review"]
    reviews = sections.get("reviews")
    if isinstance(reviews, dict) and isinstance(reviews.get("case_types"), list):
        reviews["case_types"] = [c for c in reviews["case_types"] if c not in CASE_TYPES]


def upgrade():
    op.create_table('payment_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insurer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payment_batches_created_by_users')),
    sa.ForeignKeyConstraint(['insurer_id'], ['organisations.id'], name=op.f('fk_payment_batches_insurer_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches'))
    )
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batches_insurer_id'), ['insurer_id'], unique=False)

    op.create_table('payment_batch_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('bank_reference', sa.String(length=60), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'paid', 'failed')", name=op.f('ck_payment_batch_lines_status')),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_payment_batch_lines_batch_id_payment_batches')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_payment_batch_lines_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batch_lines'))
    )
    with op.batch_alter_table('payment_batch_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_lines_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_payment_batch_lines_settlement', ['settlement_id', 'status'], unique=False)

    op.create_table('settlement_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("outcome IN ('open', 'won', 'lost', 'cancelled')", name=op.f('ck_settlement_appeals_outcome')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_settlement_appeals_case_id_review_cases')),
    sa.ForeignKeyConstraint(['filed_by'], ['users.id'], name=op.f('fk_settlement_appeals_filed_by_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_settlement_appeals_provider_id_organisations')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_appeals_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_appeals'))
    )
    with op.batch_alter_table('settlement_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_appeals_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('settlement_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('star', sa.Integer(), nullable=True),
    sa.Column('sample_rate', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('beneficiaries', sa.Integer(), nullable=True),
    sa.Column('sample_size', sa.Integer(), nullable=True),
    sa.Column('sample_seed', sa.BigInteger(), nullable=True),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deducted_billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deducted_fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('audited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('bank_reference', sa.String(length=60), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_audits_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_audits')),
    sa.UniqueConstraint('settlement_id', name=op.f('uq_settlement_audits_settlement_id'))
    )
    op.create_table('settlement_record_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason_code', sa.String(length=20), nullable=True),
    sa.Column('reason_text', sa.String(length=1000), nullable=True),
    sa.Column('deducted_billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deducted_fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('pay', 'refuse')", name=op.f('ck_settlement_record_decisions_decision')),
    sa.CheckConstraint("origin IN ('flag', 'sample')", name=op.f('ck_settlement_record_decisions_origin')),
    sa.CheckConstraint("record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_record_decisions_record_kind')),
    sa.ForeignKeyConstraint(['carer_id'], ['carers.id'], name=op.f('fk_settlement_record_decisions_carer_id_carers')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_settlement_record_decisions_decided_by_users')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_settlement_record_decisions_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_record_decisions_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_record_decisions')),
    sa.UniqueConstraint('settlement_id', 'record_kind', 'record_id', name=op.f('uq_settlement_record_decisions_settlement_id_record_kind_record_id'))
    )
    with op.batch_alter_table('settlement_record_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_record_decisions_person_id'), ['person_id'], unique=False)

    op.create_table('settlement_remarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=1000), nullable=True),
    sa.Column('evidence', sa.String(length=1000), nullable=True),
    sa.Column('evidence_file', sa.String(length=200), nullable=True),
    sa.Column('evidence_type', sa.String(length=40), nullable=True),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_path', sa.String(length=100), nullable=True),
    sa.Column('written_by', sa.Integer(), nullable=True),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_remarks_record_kind')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_remarks_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['written_by'], ['users.id'], name=op.f('fk_settlement_remarks_written_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_remarks')),
    sa.UniqueConstraint('settlement_id', 'record_kind', 'record_id', name=op.f('uq_settlement_remarks_settlement_id_record_kind_record_id'))
    )
    op.create_table('settlement_samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_settlement_samples_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_samples_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_samples')),
    sa.UniqueConstraint('settlement_id', 'person_id', name=op.f('uq_settlement_samples_settlement_id_person_id'))
    )
    op.create_table('settlement_review_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('reason_code', sa.String(length=20), nullable=True),
    sa.Column('reason_text', sa.String(length=1000), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('submitted', 'remark', 'record_decided', 'sample_drawn', 'audit_done', 'audit_returned', 'approved', 'returned', 'batch_exported', 'payment_failed', 'paid', 'appeal_filed', 'appeal_won', 'appeal_lost')", name=op.f('ck_settlement_review_events_action')),
    sa.CheckConstraint("record_kind IS NULL OR record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_review_events_record_kind')),
    sa.ForeignKeyConstraint(['appeal_id'], ['settlement_appeals.id'], name=op.f('fk_settlement_review_events_appeal_id_settlement_appeals')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_settlement_review_events_org_id_organisations')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_review_events_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_settlement_review_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_review_events'))
    )
    with op.batch_alter_table('settlement_review_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_review_events_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('settlement_appeal_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('rule', sa.String(length=4), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('adjustment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('refusal', 'reject')", name=op.f('ck_settlement_appeal_items_kind')),
    sa.CheckConstraint("record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_appeal_items_record_kind')),
    sa.ForeignKeyConstraint(['adjustment_id'], ['settlement_adjustments.id'], name=op.f('fk_settlement_appeal_items_adjustment_id_settlement_adjustments')),
    sa.ForeignKeyConstraint(['appeal_id'], ['settlement_appeals.id'], name=op.f('fk_settlement_appeal_items_appeal_id_settlement_appeals')),
    sa.ForeignKeyConstraint(['line_id'], ['settlement_lines.id'], name=op.f('fk_settlement_appeal_items_line_id_settlement_lines')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_settlement_appeal_items_person_id_insured_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_appeal_items')),
    sa.UniqueConstraint('appeal_id', 'record_kind', 'record_id', 'rule', name=op.f('uq_settlement_appeal_items_appeal_id_record_kind_record_id_rule'))
    )
    with op.batch_alter_table('settlement_appeal_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_appeal_items_appeal_id'), ['appeal_id'], unique=False)

    op.create_table('settlement_approval_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_settlement_approval_requests_requested_by_users')),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_settlement_approval_requests_run_id_job_runs')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_approval_requests_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_approval_requests'))
    )
    with op.batch_alter_table('settlement_approval_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_approval_requests_run_id'), ['run_id'], unique=False)

    _rewrite(_add)


def downgrade():
    _rewrite(_remove)
    with op.batch_alter_table('settlement_approval_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_approval_requests_run_id'))

    op.drop_table('settlement_approval_requests')
    with op.batch_alter_table('settlement_appeal_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_appeal_items_appeal_id'))

    op.drop_table('settlement_appeal_items')
    with op.batch_alter_table('settlement_review_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_review_events_settlement_id'))

    op.drop_table('settlement_review_events')
    op.drop_table('settlement_samples')
    op.drop_table('settlement_remarks')
    with op.batch_alter_table('settlement_record_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_record_decisions_person_id'))

    op.drop_table('settlement_record_decisions')
    op.drop_table('settlement_audits')
    with op.batch_alter_table('settlement_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_appeals_settlement_id'))

    op.drop_table('settlement_appeals')
    with op.batch_alter_table('payment_batch_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_batch_lines_settlement')
        batch_op.drop_index(batch_op.f('ix_payment_batch_lines_batch_id'))

    op.drop_table('payment_batch_lines')
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batches_insurer_id'))

    op.drop_table('payment_batches')
