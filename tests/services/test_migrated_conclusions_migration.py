"""Migration 0017 stores each migrated entitlement's conclusion as a migrated conclusion (one per
person and distinct conclusion), links the entitlements to it and keeps their columns; readers of
the person's conclusion then see it; a downgrade gives the 0016 rows back."""
from datetime import date, datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ltc import create_app
from ltc.core.db import UtcDateTime
from ltc.extensions import db
from tests.services.test_migrations import _fresh_database

AT = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
ORGS = sa.table("organisations", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                sa.column("name", sa.String), sa.column("uscc", sa.String), sa.column("districts", sa.JSON),
                sa.column("created_at", UtcDateTime()))
PERSONS = sa.table("insured_persons", sa.column("id", sa.Integer), sa.column("id_number", sa.String),
                   sa.column("name", sa.String), sa.column("phone", sa.String), sa.column("district", sa.String),
                   sa.column("birth_date", sa.Date), sa.column("sex", sa.String),
                   sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))
ENTITLEMENTS = sa.table(
    "entitlements", *(sa.column(c, sa.Integer) for c in ("id", "person_id", "level", "provider_id",
                                                          "conclusion_level", "application_id")),
    sa.column("care_type", sa.String), sa.column("conclusion_date", sa.Date), sa.column("conclusion_valid_to", sa.Date),
    sa.column("origin", sa.String), sa.column("end_reason", sa.String), sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date), sa.column("created_at", UtcDateTime()), sa.column("status", sa.String))
COMMON = dict(provider_id=1, origin="migrated", status="active", created_at=AT)
#: person 1: two periods on one conclusion (a care-type change before go-live); person 2: one
ROWS = [dict(id=1, person_id=1, level=4, conclusion_level=4, care_type="home", conclusion_date=date(2024, 12, 10),
             conclusion_valid_to=date(2026, 12, 10), valid_from=date(2025, 1, 1), valid_to=date(2025, 2, 1),
             end_reason="change", **COMMON),
        dict(id=2, person_id=1, level=4, conclusion_level=4, care_type="institution",
             conclusion_date=date(2024, 12, 10), conclusion_valid_to=date(2026, 12, 10), valid_from=date(2025, 2, 1),
             valid_to=date(2026, 12, 10), end_reason="expiry", **COMMON),
        dict(id=3, person_id=2, level=3, conclusion_level=3, care_type="home", conclusion_date=date(2024, 6, 5),
             conclusion_valid_to=date(2026, 6, 5), valid_from=date(2024, 7, 1), valid_to=date(2026, 6, 5),
             end_reason="expiry", **COMMON)]


def _insert_0016(conn) -> None:
    conn.execute(sa.insert(ORGS).values(id=1, kind="provider", name="养老院", uscc="91110000000000001X",
                                        districts=[], created_at=AT))
    for pid, name, phone in ((1, "张三", "13800000001"), (2, "李四", None)):
        conn.execute(sa.insert(PERSONS).values(id=pid, id_number=f"11010119500101001{pid}", name=name, phone=phone,
                                               district="东城区", birth_date=date(1950, 1, 1), sex="M",
                                               created_at=AT, updated_at=AT))
    conn.execute(sa.insert(ENTITLEMENTS), ROWS)


def _conclusions(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text(
        "SELECT person_id, kind, status, level, concluded_on, valid_from, valid_to, final_on, applicant_name, "
        "applicant_phone, preferred_care_type FROM applications ORDER BY id"))]


def test_0017_stores_migrated_conclusions_and_links_every_entitlement(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade(revision="0016")
            with db.engine.begin() as conn:
                _insert_0016(conn)
            flask_migrate.upgrade(revision="0017")
            with db.engine.begin() as conn:
                stored = [{k: v for k, v in r.items() if k in ROWS[0]}
                          for r in conn.execute(sa.select(ENTITLEMENTS).order_by(ENTITLEMENTS.c.id)).mappings()]
                assert [{k: v for k, v in r.items() if k != "application_id"} for r in stored] == [
                    {k: v for k, v in r.items() if k != "application_id"} for r in ROWS]
                links = conn.execute(sa.text("SELECT id, application_id FROM entitlements ORDER BY id")).all()
                rows = _conclusions(conn)
                events = conn.execute(sa.text("SELECT application_id, to_status, action FROM application_events "
                                              "ORDER BY id")).all()
            d = [str(x) if isinstance(x, date) else x for r in rows for x in r]
            assert [tuple(d[i:i + 11]) for i in range(0, len(d), 11)] == [
                (1, "migrated", "concluded", 4, "2024-12-10", "2024-12-10", "2026-12-10", "2024-12-10", "张三",
                 "13800000001", "home"),
                (2, "migrated", "concluded", 3, "2024-06-05", "2024-06-05", "2026-06-05", "2024-06-05", "李四", "",
                 "home")]
            first, second = (r[0] for r in db.session.execute(sa.text("SELECT id FROM applications ORDER BY id")))
            assert [tuple(link) for link in links] == [(1, first), (2, first), (3, second)]
            assert [tuple(e) for e in events] == [(first, "concluded", "migrate"), (second, "concluded", "migrate")]
            db.session.remove()
            with pytest.raises(IntegrityError), db.engine.begin() as conn:   # every entitlement links its conclusion
                conn.execute(sa.update(ENTITLEMENTS).where(ENTITLEMENTS.c.id == 3).values(application_id=None))
            _readers_see_it()
            flask_migrate.downgrade(revision="0016")
            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM applications")).scalar() == 0
                back = conn.execute(sa.select(ENTITLEMENTS).order_by(ENTITLEMENTS.c.id)).mappings().all()
                assert [{k: r[k] for k in (*ROWS[0], "application_id")} for r in back] == [
                    {**r, "application_id": None} for r in ROWS]
            db.engine.dispose()
    finally:
        drop()


def test_0017_gives_versions_with_the_old_ref_lead_time_ninety_days_and_keeps_a_citys_own(app, tmp_path):
    from tests.services.test_migrations import _add_draft, _all_sections
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade(revision="0016")
            with db.engine.begin() as conn:
                [ref] = _all_sections(conn)
                assert ref["assessment"]["reassessment_days_before_expiry"] == 60
                _add_draft(conn, 2, {**ref, "assessment": {**ref["assessment"], "reassessment_days_before_expiry": 75}})
            flask_migrate.upgrade(revision="0017")
            with db.engine.connect() as conn:
                leads = [s["assessment"]["reassessment_days_before_expiry"] for s in _all_sections(conn)]
                assert leads == [90, 75]
                assert [{k: v for k, v in s["assessment"].items() if k != "reassessment_days_before_expiry"}
                        for s in _all_sections(conn)] == [
                    {k: v for k, v in ref["assessment"].items() if k != "reassessment_days_before_expiry"}] * 2
            flask_migrate.downgrade(revision="0016")
            with db.engine.connect() as conn:
                assert [s["assessment"]["reassessment_days_before_expiry"] for s in _all_sections(conn)] == [60, 75]
            db.engine.dispose()
    finally:
        drop()


def _readers_see_it() -> None:
    """The person's conclusion in force and the last conclusion (6-month rule) are the migrated one."""
    from ltc.assessment.applications.services.lookups import current_conclusion, last_conclusion
    with db.engine.connect() as conn:
        session = sa.orm.Session(bind=conn)
        assert current_conclusion(session, 1, date(2026, 1, 1)).kind == "migrated"
        assert last_conclusion(session, 2).concluded_on == date(2024, 6, 5)
        session.close()
