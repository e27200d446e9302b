"""billing documents: beneficiary statements and their public look-up attempts

Issue 11 point 7 (SPEC §7.3, §9): new tables only, nothing existing changes.

- ``beneficiary_statements``: one per (person, service month): the look-up code printed on it
  and the file last rendered under the statements folder (path, SHA-256, size, the digest of
  the lines it shows, when, how many renders);
- ``statement_lookup_attempts``: the public look-ups (IP, keyed hash of the ID number, when,
  success), for throttling.

A downgrade drops the tables (the files stay in the statements folder).

Revision ID: 0039
Revises: 0036
Create Date: 2026-12-03 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('beneficiary_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=14), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=64), nullable=True),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('renders', sa.Integer(), nullable=False),
    sa.CheckConstraint('path IS NULL OR (sha256 IS NOT NULL AND size > 0 AND source_key IS NOT NULL '
                       'AND rendered_at IS NOT NULL)', name=op.f('ck_beneficiary_statements_rendered_has_file')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'],
                            name=op.f('fk_beneficiary_statements_person_id_insured_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiary_statements')),
    sa.UniqueConstraint('code', name=op.f('uq_beneficiary_statements_code')),
    sa.UniqueConstraint('person_id', 'month', name=op.f('uq_beneficiary_statements_person_id_month'))
    )
    op.create_table('statement_lookup_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_lookup_attempts'))
    )
    with op.batch_alter_table('statement_lookup_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_statement_lookup_attempts_id_hash_at', ['id_hash', 'at'], unique=False)
        batch_op.create_index('ix_statement_lookup_attempts_ip_at', ['ip', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('statement_lookup_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_lookup_attempts_ip_at')
        batch_op.drop_index('ix_statement_lookup_attempts_id_hash_at')
    op.drop_table('statement_lookup_attempts')
    op.drop_table('beneficiary_statements')
