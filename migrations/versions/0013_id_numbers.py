"""ID numbers stored in their one normalised spelling; collisions listed for the MIA (SPEC §2)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:30:00

Every stored resident ID number (insured persons, applicants / agents of applications) is
rewritten in its normalised spelling: Unicode NFKC (full-width digits become ASCII), blanks
removed, ``x`` upper-cased. Each rewrite of a person's number is written to the audit log with the
old spelling, so nothing is lost.

A person's number is left exactly as it is, and listed in the new table ``id_number_collisions``
for the MIA admin to resolve, when normalising it
- would give a number another person already holds, or that another stored spelling also gives
  (``duplicate``: the same person registered twice, or a typing error in one of the two); or
- would still not give an ASCII number of at most 18 characters (``invalid``: digits of another
  script, which NFKC keeps).

Why no new index: ``uq_insured_persons_id_number`` is already unique on the stored number, and
from now on the stored number *is* the normalised one, so that constraint is the unique index on
the normalised number. The rows it cannot yet protect are exactly the listed collisions; they are
left as they are, so this upgrade never fails on them. A CHECK ("stored number is ASCII") was
rejected: on SQLite adding one rebuilds ``insured_persons`` (eleven foreign keys point at it, and
the app enforces them), a risk this upgrade need not take. ``flask --app ltc people id-numbers`` re-runs the same scan at any time and
says whether every stored number is normalised (exit status 1 while collisions remain).

A downgrade drops the collision table; the normalised spellings are valid numbers for 0010 too.
"""
import unicodedata
import re
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHUNK = 500
BLANKS = re.compile(r"\s+")

PERSONS = sa.table("insured_persons", sa.column("id", sa.Integer), sa.column("id_number", sa.String))
APPLICATIONS = sa.table("applications", sa.column("id", sa.Integer), sa.column("applicant_id_number", sa.String))
AUDIT = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
                 sa.column("entity", sa.String), sa.column("entity_id", sa.String), sa.column("before", sa.JSON),
                 sa.column("after", sa.JSON), sa.column("detail", sa.String))


def normalise(raw: str) -> str:
    """The one spelling of a number, as ``ltc.people.ids.normalise_id_number`` gives it on 2026-12-03."""
    return BLANKS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def usable(number: str) -> bool:
    return number.isascii() and 0 < len(number) <= 18


def upgrade():
    collisions = op.create_table('id_number_collisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('stored', sa.String(length=18), nullable=False),
    sa.Column('normalised', sa.String(length=40), nullable=False),
    sa.Column('other_person_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.CheckConstraint("kind IN ('duplicate', 'invalid')", name=op.f('ck_id_number_collisions_kind')),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('corrected')",
                       name=op.f('ck_id_number_collisions_resolution')),
    sa.ForeignKeyConstraint(['other_person_id'], ['insured_persons.id'],
                            name=op.f('fk_id_number_collisions_other_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['person_id'], ['insured_persons.id'],
                            name=op.f('fk_id_number_collisions_person_id_insured_persons')),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_id_number_collisions_resolved_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_id_number_collisions'))
    )
    with op.batch_alter_table('id_number_collisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_id_number_collisions_person_id'), ['person_id'], unique=False)
    now = datetime.now(timezone.utc)
    _normalise_persons(collisions, now)
    _normalise_applicants(now)


def _not_normalised(bind, id_column, number_column) -> list[tuple[int, str, str]]:
    """(id, stored, normalised) of the rows whose stored number is not its normalised ASCII
    spelling, read in one streamed pass (the roster may hold millions of rows)."""
    found = []
    result = bind.execute(sa.select(id_column, number_column).where(number_column.is_not(None))
                          .order_by(id_column).execution_options(stream_results=True, yield_per=5000))
    for row_id, stored in result:
        if normalise(stored) != stored or not stored.isascii():
            found.append((row_id, stored, normalise(stored)))
    return found


def _holders(bind, numbers: list[str]) -> dict[str, int]:
    """The persons whose stored number is one of ``numbers``."""
    held = {}
    for start in range(0, len(numbers), CHUNK):
        rows = bind.execute(sa.select(PERSONS.c.id_number, PERSONS.c.id)
                            .where(PERSONS.c.id_number.in_(numbers[start:start + CHUNK])))
        held.update(dict(rows.tuples().all()))
    return held


def _normalise_persons(collisions, now: datetime) -> None:
    bind = op.get_bind()
    pending = _not_normalised(bind, PERSONS.c.id, PERSONS.c.id_number)
    targets: dict[str, list[tuple[int, str]]] = {}
    for person_id, stored, number in pending:
        targets.setdefault(number, []).append((person_id, stored))
    held = _holders(bind, sorted(n for n in targets if usable(n)))
    for number, group in targets.items():
        if not usable(number):
            _record(bind, collisions, group, number, None, "invalid", now)
        elif number in held or len(group) > 1:
            _record(bind, collisions, group, number, held.get(number), "duplicate", now)
        else:
            [(person_id, stored)] = group
            bind.execute(PERSONS.update().where(PERSONS.c.id == person_id).values(id_number=number))
            _audit(bind, "insured_person", person_id, "id_number", stored, number, now)


def _record(bind, collisions, group, number, holder, kind, now) -> None:
    """Each person of ``group`` listed, the other person being the holder of the normalised
    number, or else the first other person of the group who spells it too."""
    for person_id, stored in group:
        other = holder if holder is not None else next((p for p, _ in group if p != person_id), None)
        bind.execute(collisions.insert().values(person_id=person_id, stored=stored, normalised=number[:40],
                                                other_person_id=other, kind=kind, found_at=now))


def _normalise_applicants(now: datetime) -> None:
    bind = op.get_bind()
    for app_id, stored, number in _not_normalised(bind, APPLICATIONS.c.id, APPLICATIONS.c.applicant_id_number):
        if usable(number):
            bind.execute(APPLICATIONS.update().where(APPLICATIONS.c.id == app_id)
                         .values(applicant_id_number=number))
            _audit(bind, "application", app_id, "applicant_id_number", stored, number, now)


def _audit(bind, entity: str, entity_id: int, field: str, before: str, after: str, now: datetime) -> None:
    bind.execute(AUDIT.insert().values(at=now, action="normalise_id_number", entity=entity,
                                       entity_id=str(entity_id), before={field: before}, after={field: after},
                                       detail="migration 0011: ID number stored in its normalised spelling"))


def downgrade():
    with op.batch_alter_table('id_number_collisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_id_number_collisions_person_id'))
    op.drop_table('id_number_collisions')
