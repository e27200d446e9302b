"""The provider's settlement bank account: ``provider_bank_accounts`` (dated periods of account name,
bank and number, who set each and why; ``EXCLUDE`` no-overlap on PostgreSQL) and the account each bank
batch line pays to (``payment_batch_lines.account_id``, empty for the lines exported before).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-03 19:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('account_no', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_by_org', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_provider_bank_accounts_period_order')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_provider_bank_accounts_provider_id_organisations')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_provider_bank_accounts_set_by_users')),
    sa.ForeignKeyConstraint(['set_by_org'], ['organisations.id'], name=op.f('fk_provider_bank_accounts_set_by_org_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_bank_accounts'))
    )
    with op.batch_alter_table('provider_bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_bank_accounts_provider_id'), ['provider_id'], unique=False)
    with op.batch_alter_table('payment_batch_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_batch_lines_account_id_provider_bank_accounts'),
                                    'provider_bank_accounts', ['account_id'], ['id'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE provider_bank_accounts ADD CONSTRAINT ex_provider_bank_accounts_no_overlap "
                   "EXCLUDE USING gist (provider_id WITH =, daterange(valid_from, valid_to, '[)') WITH &&)")


def downgrade():
    with op.batch_alter_table('payment_batch_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_batch_lines_account_id_provider_bank_accounts'),
                                 type_='foreignkey')
        batch_op.drop_column('account_id')
    op.drop_index('ix_provider_bank_accounts_provider_id', table_name='provider_bank_accounts')
    op.drop_table('provider_bank_accounts')
