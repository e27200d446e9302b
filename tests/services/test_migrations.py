"""The Alembic migrations produce exactly the models' schema (on SQLite and PostgreSQL)."""
import json
import os
import uuid

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from ltc import create_app
from ltc.extensions import db


def _fresh_database(app, tmp_path) -> tuple[str, callable]:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None
    name = f"ltc_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), drop


def _exclusion_constraints(conn) -> set[str] | None:
    if conn.dialect.name != "postgresql":
        return None
    return set(conn.execute(text("SELECT conname FROM pg_constraint WHERE contype = 'x'")).scalars())


def _model_exclusions() -> set[str]:
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    return {c.name for t in db.metadata.sorted_tables for c in t.constraints
            if isinstance(c, ExcludeConstraint)}


def test_migrations_produce_exactly_the_models_schema(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
                tables = set(inspect(conn).get_table_names())
                exclusions = _exclusion_constraints(conn)
            db.engine.dispose()
        assert diff == []
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        if exclusions is not None:  # Alembic does not compare EXCLUDE constraints: check them here
            assert exclusions == _model_exclusions()
    finally:
        drop()


def test_policy_ref_is_seeded_by_the_migrations(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade()
            from ltc.policy.services import policy_on
            from datetime import date
            policy = policy_on(db.session, date(2026, 6, 1))
            assert policy.section("assessment").benefit_threshold == 3
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def _add_draft(conn, number: int, sections: dict) -> None:
    import sqlalchemy as sa
    conn.execute(sa.text("INSERT INTO policy_versions (number, name, status, sections, created_at) "
                         "VALUES (:number, '草稿', 'draft', :sections, CURRENT_TIMESTAMP)"),
                 {"number": number, "sections": json.dumps(sections)})


def _all_sections(conn) -> list[dict]:
    """Every version's sections, in version order (JSON is text on SQLite)."""
    import sqlalchemy as sa
    rows = conn.execute(sa.text("SELECT sections FROM policy_versions ORDER BY number")).scalars().all()
    return [r if isinstance(r, dict) else json.loads(r) for r in rows]


def test_0005_adds_the_new_policy_sections_to_existing_versions_and_seeds_the_catalogue(app, tmp_path):
    """A database at 0004 with a draft besides REF: after the upgrade every version validates
    against every section schema and the 42 catalogue items exist; a downgrade gives 0004's JSON back."""
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            import sqlalchemy as sa
            from ltc.policy.schema import validate_sections
            flask_migrate.upgrade(revision="0004")
            with db.engine.begin() as conn:
                [ref] = _all_sections(conn)
                _add_draft(conn, 2, ref)
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                loaded = _all_sections(conn)
                items = conn.execute(sa.text("SELECT count(*) FROM service_items")).scalar_one()
            assert [validate_sections(s) for s in loaded] == [{}, {}]
            assert loaded[1]["reviews"]["case_types"][0]["code"] == "entitlement" and items == 42
            flask_migrate.downgrade(revision="0004")
            with db.engine.connect() as conn:
                assert all(set(sections) == {"assessment"} for sections in _all_sections(conn))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_0006_gives_every_existing_version_the_ref_job_times_and_keeps_a_version_that_has_them(app, tmp_path):
    """A database at 0005 with REF and a draft: after the upgrade both validate and carry the
    job times the scheduler used before (SPEC §9); a downgrade removes only the ``jobs`` section."""
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            from ltc.policy.schema import parse_as, validate_sections
            from ltc.scheduler.policy import JobsPolicy
            from ltc.scheduler.registry import JOBS
            flask_migrate.upgrade(revision="0005")
            with db.engine.begin() as conn:
                [ref] = _all_sections(conn)
                assert "jobs" not in ref
                own_times = {job.id: {"day": None, "hour": 7, "minute": 15} for job in JOBS
                             if not job.schedule.every_minutes}  # the jobs 0006 knew
                _add_draft(conn, 2, ref)
                _add_draft(conn, 3, {**ref, "jobs": own_times})
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                loaded = _all_sections(conn)
            assert [validate_sections(s) for s in loaded] == [{}, {}, {}]
            for sections in loaded[:2]:
                times = parse_as(JobsPolicy, sections["jobs"], "jobs").schedules()
                assert times == {job.id: job.schedule for job in JOBS}
            assert loaded[2]["jobs"] == {**own_times, "retry_pending_notices": {"every_minutes": 10}}  # by 0007
            assert all({k: v for k, v in sections.items() if k != "jobs"} == ref for sections in loaded)
            flask_migrate.downgrade(revision="0005")
            with db.engine.connect() as conn:
                assert _all_sections(conn) == [ref, ref, ref]
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_0007_makes_existing_notices_issued_and_gives_every_version_the_retry_job(app, tmp_path):
    """A database at 0006 with a notice and REF: after the upgrade the notice is ``issued`` (rendered
    when it was issued, its PDF kept) and every version validates with the new job's REF interval;
    a downgrade gives the 0006 data back."""
    import sqlalchemy as sa
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            from ltc.policy.schema import validate_sections
            flask_migrate.upgrade(revision="0006")
            with db.engine.begin() as conn:
                [ref] = _all_sections(conn)
                conn.execute(sa.text(
                    "INSERT INTO notices (number, kind, year, seq, subject_type, subject_id, issued_at, data, "
                    "content, sha256, size) VALUES ('ACC-2026-000001', 'acceptance', 2026, 1, 'application', 7, "
                    "'2026-03-16 02:00:00', '{}', :content, :sha, 8)"), {"content": b"%PDF-1.4", "sha": "a" * 64})
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(sa.text("SELECT status, rendered_at, issued_at, content FROM notices")).one()
                [sections] = _all_sections(conn)
            assert row.status == "issued" and row.rendered_at == row.issued_at and bytes(row.content) == b"%PDF-1.4"
            assert validate_sections(sections) == {}
            assert sections["jobs"]["retry_pending_notices"] == {"every_minutes": 10}
            flask_migrate.downgrade(revision="0006")
            with db.engine.connect() as conn:
                assert _all_sections(conn) == [ref]
                assert conn.execute(sa.text("SELECT number FROM notices")).scalar() == "ACC-2026-000001"
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
