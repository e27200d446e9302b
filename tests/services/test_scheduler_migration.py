"""Migration 0008 (job units) keeps the existing job runs and lets runs be queued or partial."""
from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ltc import create_app
from ltc.core.db import UtcDateTime
from ltc.extensions import db
from tests.services.test_migrations import _fresh_database

AT = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
RUNS = sa.table("job_runs", sa.column("id", sa.Integer), sa.column("job_id", sa.String),
                sa.column("due_at", UtcDateTime()), sa.column("started_at", UtcDateTime()),
                sa.column("finished_at", UtcDateTime()), sa.column("status", sa.String),
                sa.column("counts", sa.JSON), sa.column("host", sa.String), sa.column("pid", sa.Integer),
                sa.column("units_total", sa.Integer))


def test_the_upgrade_keeps_every_run_and_the_status_check_knows_the_new_statuses(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    old = dict(job_id="calendar_check", due_at=AT, started_at=AT, finished_at=AT, status="success",
               counts={"warnings": 0}, host="old-host", pid=7)
    try:
        with migrated.app_context():
            flask_migrate.upgrade(revision="0006")
            with db.engine.begin() as conn:
                conn.execute(sa.insert(RUNS).values(**old))  # only the columns of revision 0006
            flask_migrate.upgrade(revision="0008")
            with db.engine.begin() as conn:
                [row] = conn.execute(sa.select(RUNS)).mappings().all()
                assert {k: row[k] for k in old} | {"units_total": row["units_total"]} == old | {"units_total": None}
                # no start, host or process yet
                conn.execute(sa.insert(RUNS).values(job_id="calendar_check", due_at=AT, status="queued"))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(sa.insert(RUNS).values(job_id="calendar_check", due_at=AT, status="exploded"))
            flask_migrate.downgrade(revision="0006")
            with db.engine.begin() as conn:
                assert [r.status for r in conn.execute(sa.select(RUNS.c.status))] == ["success"]
            db.engine.dispose()
    finally:
        drop()
