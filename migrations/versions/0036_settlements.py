"""billing: settlements, their revisions, lines, line records, findings and adjustments

Issue 11 (SPEC §7.2, §7.3): new tables only, nothing existing changes.

- ``settlements``: one regular settlement per (provider, service month), its status through the
  review, the current revision's totals and the review case once submitted;
- ``settlement_revisions``: each generation that changed something, its totals and diff;
- ``settlement_lines``: rate rows of a revision (regular, late 补记, ± adjustment);
- ``settlement_line_records``: the records (and service dates) each line's units came from;
- ``settlement_findings``: the compliance findings each revision was generated with;
- ``settlement_adjustments``: corrections of earlier months booked into a next regular settlement.

A downgrade drops the tables (and the settlements in them).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03 17:21:38

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('copay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('adjustments', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deposit', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('net', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('regeneration_run_id', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('regular')", name=op.f('ck_settlements_kind')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'audited', 'approved', 'paid', 'returned')", name=op.f('ck_settlements_status')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_settlements_case_id_review_cases')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_settlements_provider_id_organisations')),
    sa.ForeignKeyConstraint(['regeneration_run_id'], ['job_runs.id'], name=op.f('fk_settlements_regeneration_run_id_job_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlements')),
    sa.UniqueConstraint('regeneration_run_id', name=op.f('uq_settlements_regeneration_run_id')),
    sa.UniqueConstraint('provider_id', 'month', 'kind', name=op.f('uq_settlements_provider_id_month_kind'))
    )
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.create_index('ix_settlements_month_status', ['month', 'status'], unique=False)

    op.create_table('settlement_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('care_type', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('service_month', sa.Date(), nullable=False),
    sa.Column('corrects_settlement_id', sa.Integer(), nullable=True),
    sa.Column('record_kind', sa.String(length=10), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('service_to', sa.Date(), nullable=True),
    sa.Column('unit', sa.String(length=10), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('copay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("care_type IS NULL OR care_type IN ('special', 'institution', 'home', 'outreach', 'family')", name=op.f('ck_settlement_adjustments_care_type')),
    sa.CheckConstraint("reason IN ('reevaluation', 'appeal', 'recovery', 'deposit_release')", name=op.f('ck_settlement_adjustments_reason')),
    sa.CheckConstraint("record_kind IS NULL OR record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_adjustments_record_kind')),
    sa.CheckConstraint("unit IS NULL OR unit IN ('day', 'minute', 'visit', 'package')", name=op.f('ck_settlement_adjustments_unit')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_settlement_adjustments_case_id_review_cases')),
    sa.ForeignKeyConstraint(['corrects_settlement_id'], ['settlements.id'], name=op.f('fk_settlement_adjustments_corrects_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_settlement_adjustments_created_by_users')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_settlement_adjustments_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_settlement_adjustments_provider_id_organisations')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_adjustments_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_adjustments'))
    )
    with op.batch_alter_table('settlement_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_adjustments_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_settlement_adjustments_provider', ['provider_id', 'settlement_id'], unique=False)
        batch_op.create_index('ix_settlement_adjustments_record', ['record_kind', 'record_id'], unique=False)

    op.create_table('settlement_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('copay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('adjustments', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('diff', sa.JSON(), nullable=False),
    sa.CheckConstraint("source IN ('schedule', 'provider', 'nightly', 'command')", name=op.f('ck_settlement_revisions_source')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_settlement_revisions_created_by_users')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_revisions_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_revisions')),
    sa.UniqueConstraint('settlement_id', 'number', name=op.f('uq_settlement_revisions_settlement_id_number'))
    )
    op.create_table('settlement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('entitlement_id', sa.Integer(), nullable=True),
    sa.Column('care_type', sa.String(length=20), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('payable_units', sa.Integer(), nullable=False),
    sa.Column('held_units', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('billable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('fund', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('copay', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('service_month', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('adjustment_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.CheckConstraint("care_type IS NULL OR care_type IN ('special', 'institution', 'home', 'outreach', 'family')", name=op.f('ck_settlement_lines_care_type')),
    sa.CheckConstraint("kind IN ('regular', 'late', 'adjustment')", name=op.f('ck_settlement_lines_kind')),
    sa.CheckConstraint("reason IS NULL OR reason IN ('reevaluation', 'appeal', 'recovery', 'deposit_release')", name=op.f('ck_settlement_lines_reason')),
    sa.CheckConstraint("unit IN ('day', 'minute', 'visit', 'package')", name=op.f('ck_settlement_lines_unit')),
    sa.ForeignKeyConstraint(['adjustment_id'], ['settlement_adjustments.id'], name=op.f('fk_settlement_lines_adjustment_id_settlement_adjustments')),
    sa.ForeignKeyConstraint(['entitlement_id'], ['entitlements.id'], name=op.f('fk_settlement_lines_entitlement_id_entitlements')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'], name=op.f('fk_settlement_lines_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_lines_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_lines'))
    )
    with op.batch_alter_table('settlement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_lines_adjustment_id'), ['adjustment_id'], unique=False)
        batch_op.create_index('ix_settlement_lines_person', ['person_id', 'settlement_id'], unique=False)
        batch_op.create_index('ix_settlement_lines_settlement_revision', ['settlement_id', 'revision'], unique=False)

    op.create_table('settlement_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_settlement_findings_finding_id_findings')),
    sa.ForeignKeyConstraint(['line_id'], ['settlement_lines.id'], name=op.f('fk_settlement_findings_line_id_settlement_lines')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_settlement_findings_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_findings')),
    sa.UniqueConstraint('settlement_id', 'revision', 'finding_id', name=op.f('uq_settlement_findings_settlement_id_revision_finding_id'))
    )
    with op.batch_alter_table('settlement_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_findings_finding_id'), ['finding_id'], unique=False)

    op.create_table('settlement_line_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.CheckConstraint("record_kind IN ('visit', 'stay', 'leave', 'package')", name=op.f('ck_settlement_line_records_record_kind')),
    sa.ForeignKeyConstraint(['line_id'], ['settlement_lines.id'], name=op.f('fk_settlement_line_records_line_id_settlement_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_line_records'))
    )
    with op.batch_alter_table('settlement_line_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_line_records_line_id'), ['line_id'], unique=False)
        batch_op.create_index('ix_settlement_line_records_record', ['record_kind', 'record_id'], unique=False)



def downgrade():
    with op.batch_alter_table('settlement_line_records', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_line_records_record')
        batch_op.drop_index(batch_op.f('ix_settlement_line_records_line_id'))

    op.drop_table('settlement_line_records')
    with op.batch_alter_table('settlement_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_findings_finding_id'))

    op.drop_table('settlement_findings')
    with op.batch_alter_table('settlement_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_lines_settlement_revision')
        batch_op.drop_index('ix_settlement_lines_person')
        batch_op.drop_index(batch_op.f('ix_settlement_lines_adjustment_id'))

    op.drop_table('settlement_lines')
    op.drop_table('settlement_revisions')
    with op.batch_alter_table('settlement_adjustments', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_adjustments_record')
        batch_op.drop_index('ix_settlement_adjustments_provider')
        batch_op.drop_index(batch_op.f('ix_settlement_adjustments_person_id'))

    op.drop_table('settlement_adjustments')
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.drop_index('ix_settlements_month_status')

    op.drop_table('settlements')
