"""Migration 0011 (void entitlements) keeps every entitlement and event: the entitlements become
``active`` and the events ``end`` (they were all shortenings); the new CHECKs hold; a downgrade
keeps the rows too."""
from datetime import date, datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ltc import create_app
from ltc.core.db import UtcDateTime
from ltc.extensions import db
from tests.services.test_migrations import _fresh_database

AT = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
ORGS = sa.table("organisations", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                sa.column("name", sa.String), sa.column("uscc", sa.String), sa.column("districts", sa.JSON),
                sa.column("created_at", UtcDateTime()))
PERSONS = sa.table("insured_persons", sa.column("id", sa.Integer), sa.column("id_number", sa.String),
                   sa.column("name", sa.String), sa.column("district", sa.String), sa.column("birth_date", sa.Date),
                   sa.column("sex", sa.String), sa.column("created_at", UtcDateTime()),
                   sa.column("updated_at", UtcDateTime()))
ENTITLEMENTS = sa.table(
    "entitlements", *(sa.column(c, sa.Integer) for c in ("id", "person_id", "level", "provider_id",
                                                          "conclusion_level")),
    sa.column("care_type", sa.String), sa.column("conclusion_date", sa.Date), sa.column("conclusion_valid_to", sa.Date),
    sa.column("origin", sa.String), sa.column("end_reason", sa.String), sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date), sa.column("created_at", UtcDateTime()), sa.column("status", sa.String))
EVENTS = sa.table("entitlement_events", sa.column("id", sa.Integer), sa.column("entitlement_id", sa.Integer),
                  sa.column("reason", sa.String), sa.column("valid_to_before", sa.Date),
                  sa.column("valid_to_after", sa.Date), sa.column("at", UtcDateTime()), sa.column("action", sa.String))
OLD_ENTITLEMENT = dict(id=1, person_id=1, level=4, provider_id=1, conclusion_level=4, care_type="institution",
                       conclusion_date=date(2024, 1, 10), conclusion_valid_to=date(2026, 1, 10), origin="migrated",
                       end_reason="death", valid_from=date(2024, 1, 1), valid_to=date(2025, 6, 2), created_at=AT)
OLD_EVENT = dict(id=1, entitlement_id=1, reason="death", valid_to_before=date(2026, 1, 10),
                 valid_to_after=date(2025, 6, 2), at=AT)


def _insert_history(conn) -> None:
    conn.execute(sa.insert(ORGS).values(id=1, kind="provider", name="养老院", uscc="91110000000000001X",
                                        districts=[], created_at=AT))
    conn.execute(sa.insert(PERSONS).values(id=1, id_number="110101195001010011", name="张三", district="东城区",
                                           birth_date=date(1950, 1, 1), sex="M", created_at=AT, updated_at=AT))
    old_columns = [c for c in ENTITLEMENTS.c if c.name != "status"]
    conn.execute(sa.insert(sa.table("entitlements", *[sa.column(c.name, c.type) for c in old_columns]))
                 .values(**OLD_ENTITLEMENT))
    conn.execute(sa.insert(sa.table("entitlement_events", *[sa.column(c.name, c.type) for c in EVENTS.c
                                                            if c.name != "action"])).values(**OLD_EVENT))


def test_the_upgrade_keeps_entitlements_and_events_and_marks_them_active_and_end(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade(revision="0010")
            with db.engine.begin() as conn:
                _insert_history(conn)
            flask_migrate.upgrade(revision="0012")
            with db.engine.begin() as conn:
                [e] = conn.execute(sa.select(ENTITLEMENTS)).mappings().all()
                assert {k: e[k] for k in OLD_ENTITLEMENT} == OLD_ENTITLEMENT and e["status"] == "active"
                [event] = conn.execute(sa.select(EVENTS)).mappings().all()
                assert {k: event[k] for k in OLD_EVENT} == OLD_EVENT and event["action"] == "end"
            with pytest.raises(IntegrityError), db.engine.begin() as conn:  # void needs its reason
                conn.execute(sa.update(ENTITLEMENTS).values(status="void"))
            flask_migrate.downgrade(revision="0010")
            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM entitlements")).scalar() == 1
                assert conn.execute(sa.text("SELECT count(*) FROM entitlement_events")).scalar() == 1
            db.engine.dispose()
    finally:
        drop()
