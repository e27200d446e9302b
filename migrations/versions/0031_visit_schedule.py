"""visit schedule: the usual start time of a care plan's visit types and each beneficiary's carer

Revision ID: 0031
Revises: 0028
Create Date: 2026-12-03 14:55:00

``care_plan_visit_types.start_time`` (TIME, nullable): the usual start time the schedule and
punctuality use (SPEC §5.3). Existing rows keep NULL — the schedule shows a default for them but
never stores one; a weekly visit type needs a time when its plan is saved anew.
``beneficiary_carers``: the carer a provider chose for a beneficiary (one per provider and person),
who gets the generated visits.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('care_plan_visit_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
    op.create_table(
        'beneficiary_carers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('carer_id', sa.Integer(), nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['carer_id'], ['carers.id'], name=op.f('fk_beneficiary_carers_carer_id_carers')),
        sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'],
                                name=op.f('fk_beneficiary_carers_person_id_insured_persons')),
        sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'],
                                name=op.f('fk_beneficiary_carers_provider_id_organisations')),
        sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_beneficiary_carers_set_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiary_carers')),
        sa.UniqueConstraint('provider_id', 'person_id', name=op.f('uq_beneficiary_carers_provider_id_person_id')),
    )
    with op.batch_alter_table('beneficiary_carers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beneficiary_carers_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiary_carers_person_id'), ['person_id'], unique=False)


def downgrade():
    op.drop_table('beneficiary_carers')
    with op.batch_alter_table('care_plan_visit_types', schema=None) as batch_op:
        batch_op.drop_column('start_time')
