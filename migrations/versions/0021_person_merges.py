"""merging a person registered twice; the unique index on the normalised ID number

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 11:50:00

SPEC §2 (revised): a person registered twice (two spellings of one ID number, listed as a
``duplicate`` collision by 0013) is merged by the MIA admin: the duplicate row is kept with
``merged_into_id`` pointing at the survivor (``person_merges`` records who, when, why and what
moved), and a collision gets the resolution ``merged``.

The unique index on the normalised number. ``uq_insured_persons_id_number`` (unique on the stored
number of every row) is replaced by ``uq_insured_persons_live_id_number``: unique on the stored
number of the persons not merged away (a partial index, ``WHERE merged_into_id IS NULL``, on
PostgreSQL and SQLite alike). Why this and not an index created once the last collision is gone:
- every number is stored normalised except those of the open collisions (0013, and every write
  since normalises), and each collision ends either by a correction (the number is then
  normalised) or by a merge (the duplicate then leaves the index, and the survivor takes the
  normalised spelling the duplicate may have held). So once none is open this index *is* the
  unique index on the normalised number, with no DDL at run time and no schema that differs
  between databases (models == migrations everywhere);
- while collisions remain, their rows hold distinct spellings, so creating the index cannot fail
  and no row is touched: the migration is the same on a database with or without collisions;
- a merged duplicate must stay out of the index, since it may hold the very number the survivor
  now holds.
``flask --app ltc people id-numbers`` says whether any collision is still open.

A downgrade is refused while any person is merged (the old constraint would not hold; nothing
is deleted to make it hold).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

LIVE = "merged_into_id IS NULL"


def upgrade():
    with op.batch_alter_table('insured_persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_insured_persons_merged_into_id_insured_persons'),
                                    'insured_persons', ['merged_into_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_insured_persons_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_insured_persons_id_number'), type_='unique')
    op.create_index('uq_insured_persons_live_id_number', 'insured_persons', ['id_number'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    _resolutions("('corrected', 'merged')")
    op.create_table('person_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('duplicate_id', sa.Integer(), nullable=False),
    sa.Column('collision_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['collision_id'], ['id_number_collisions.id'],
                            name=op.f('fk_person_merges_collision_id_id_number_collisions')),
    sa.ForeignKeyConstraint(['duplicate_id'], ['insured_persons.id'],
                            name=op.f('fk_person_merges_duplicate_id_insured_persons')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_person_merges_merged_by_id_users')),
    sa.ForeignKeyConstraint(['survivor_id'], ['insured_persons.id'],
                            name=op.f('fk_person_merges_survivor_id_insured_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merges')),
    sa.UniqueConstraint('duplicate_id', name=op.f('uq_person_merges_duplicate_id'))
    )
    with op.batch_alter_table('person_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merges_survivor_id'), ['survivor_id'], unique=False)


def _resolutions(values: str) -> None:
    with op.batch_alter_table('id_number_collisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_id_number_collisions_resolution'), type_='check')
        batch_op.create_check_constraint(op.f('ck_id_number_collisions_resolution'),
                                         f"resolution IS NULL OR resolution IN {values}")


def downgrade():
    merged = op.get_bind().execute(sa.text(f"SELECT count(*) FROM insured_persons WHERE NOT ({LIVE})")).scalar()
    if merged:
        raise RuntimeError(f"{merged} merged person(s): revision 0016 cannot hold them (one row per ID number)")
    with op.batch_alter_table('person_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_merges_survivor_id'))
    op.drop_table('person_merges')
    op.execute("UPDATE id_number_collisions SET resolution = 'corrected' WHERE resolution = 'merged'")
    _resolutions("('corrected')")
    op.drop_index('uq_insured_persons_live_id_number', table_name='insured_persons')
    with op.batch_alter_table('insured_persons', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_insured_persons_id_number'), ['id_number'])
        batch_op.drop_index(batch_op.f('ix_insured_persons_merged_into_id'))
        batch_op.drop_constraint(batch_op.f('fk_insured_persons_merged_into_id_insured_persons'), type_='foreignkey')
        batch_op.drop_column('merged_at')
        batch_op.drop_column('merged_into_id')
