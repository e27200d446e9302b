"""review_visits → review_stages: a case's stay at a step is a stage (SPEC §4.1), with the roles
that may decide it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:30:00

A rename that keeps every row: the table, its primary key, foreign keys and indexes, and the
``review_events.visit_id`` column (now ``stage_id``) with its foreign key. PostgreSQL renames
in place (the id sequence too); SQLite, which keeps constraint names inside the table's SQL,
copies the rows into a table created with the new names and rebuilds ``review_events``.
Stages also record the roles that may decide them (``roles``, space-separated): every existing
stage was a reviewer's, the only role steps had until now.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

COLUMNS = ("id", "case_id", "step_code", "round", "owner_kind", "owner_org_id", "entered_on", "entered_at",
           "due_on", "left_at", "left_on", "decision", "overdue_marked_on")
EXISTING_ROLES = "reviewer"


def upgrade():
    if _postgresql():
        _rename_in_place("review_visits", "review_stages", "visit_id", "stage_id")
        op.add_column("review_stages", sa.Column("roles", sa.String(length=100), nullable=True))
        op.execute(f"UPDATE review_stages SET roles = '{EXISTING_ROLES}'")
        op.alter_column("review_stages", "roles", existing_type=sa.String(length=100), nullable=False)
    else:
        _rename_by_copy("review_visits", "review_stages", "visit_id", "stage_id", roles=True)


def downgrade():
    if _postgresql():
        op.drop_column("review_stages", "roles")
        _rename_in_place("review_stages", "review_visits", "stage_id", "visit_id")
    else:
        _rename_by_copy("review_stages", "review_visits", "stage_id", "visit_id", roles=False)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _names(table: str) -> dict[str, str]:
    return {"pk": f"pk_{table}", "fk_case": f"fk_{table}_case_id_review_cases",
            "fk_owner": f"fk_{table}_owner_org_id_organisations", "ix_case": f"ix_{table}_case_id",
            "ix_inbox": f"ix_{table}_inbox"}


def _event_fk(table: str, column: str) -> str:
    return f"fk_review_events_{column}_{table}"


def _rename_in_place(old: str, new: str, old_column: str, new_column: str) -> None:
    before, after = _names(old), _names(new)
    op.rename_table(old, new)
    op.execute(f"ALTER SEQUENCE IF EXISTS {old}_id_seq RENAME TO {new}_id_seq")
    for key in ("pk", "fk_case", "fk_owner"):
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {before[key]} TO {after[key]}")
    for key in ("ix_case", "ix_inbox"):
        op.execute(f"ALTER INDEX {before[key]} RENAME TO {after[key]}")
    op.alter_column("review_events", old_column, new_column_name=new_column)
    op.execute(f"ALTER TABLE review_events RENAME CONSTRAINT {_event_fk(old, old_column)} "
               f"TO {_event_fk(new, new_column)}")


def _rename_by_copy(old: str, new: str, old_column: str, new_column: str, *, roles: bool) -> None:
    before, after = _names(old), _names(new)
    op.create_table(
        new,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step_code", sa.String(length=40), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=20), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        *([sa.Column("roles", sa.String(length=100), nullable=False)] if roles else []),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("overdue_marked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=after["fk_case"]),
        sa.ForeignKeyConstraint(["owner_org_id"], ["organisations.id"], name=after["fk_owner"]),
        sa.PrimaryKeyConstraint("id", name=after["pk"]),
    )
    columns = ", ".join(COLUMNS)
    if roles:
        op.execute(f"INSERT INTO {new} ({columns}, roles) SELECT {columns}, '{EXISTING_ROLES}' FROM {old}")
    else:
        op.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {old}")
    with op.batch_alter_table("review_events", recreate="always") as batch_op:
        batch_op.drop_constraint(_event_fk(old, old_column), type_="foreignkey")
        batch_op.alter_column(old_column, new_column_name=new_column, existing_type=sa.Integer(),
                              existing_nullable=True)
    with op.batch_alter_table("review_events") as batch_op:  # a second copy: batch loses an FK on a renamed column
        batch_op.create_foreign_key(_event_fk(new, new_column), new, [new_column], ["id"])
    op.drop_index(before["ix_inbox"], table_name=old)
    op.drop_index(before["ix_case"], table_name=old)
    op.drop_table(old)
    op.create_index(after["ix_case"], new, ["case_id"], unique=False)
    op.create_index(after["ix_inbox"], new, ["owner_org_id", "left_at", "due_on"], unique=False)
