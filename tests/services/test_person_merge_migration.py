"""Migration 0021 (SPEC §2): the unique index on the normalised ID number among the persons not
merged away. On a database without collisions it holds at once; on one that still has collisions
the upgrade neither fails nor touches a row, and once the last collision is merged the index holds
on the normalised number. A downgrade is refused while a person is merged."""
from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa

from ltc import create_app
from ltc.core.audit import SYSTEM
from ltc.extensions import db
from tests.people_builders import id_number
from tests.services.test_migrations import _fresh_database, _insert

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
NOW = datetime(2026, 12, 3, 4, 0, tzinfo=timezone.utc)


def _person(conn, number: str, name: str, **extra) -> int:
    return _insert(conn, "insured_persons", id_number=number, name=name, district="东城区",
                   birth_date="1950-01-01", sex="M", created_at="2024-06-01 02:00:00",
                   updated_at="2024-06-01 02:00:00", **extra)


def _rows(conn, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text(sql))]


def _index(conn) -> dict:
    [found] = [i for i in sa.inspect(conn).get_indexes("insured_persons")
               if i["name"] == "uq_insured_persons_live_id_number"]
    return found


@pytest.fixture
def migrated(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    instance = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with instance.app_context():
            yield instance
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_without_collisions_the_index_holds_at_once(migrated):
    flask_migrate.upgrade(revision="0016")
    with db.engine.begin() as conn:
        first = _person(conn, id_number(1), "张三")
        _person(conn, id_number(2), "李四")
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert _index(conn)["unique"] and _index(conn)["column_names"] == ["id_number"]
        assert _rows(conn, "SELECT count(*) FROM id_number_collisions") == [(0,)]
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        _person(conn, id_number(1), "张三（重复）")
    with db.engine.begin() as conn:      # a merged row stays out of the index
        _person(conn, id_number(1), "张三（已合并）", merged_into_id=first)


def test_with_collisions_the_upgrade_keeps_every_row_and_the_index_holds_once_they_are_merged(migrated):
    from ltc.people import id_numbers, merging

    flask_migrate.upgrade(revision="0010")
    with db.engine.begin() as conn:
        kept = _person(conn, id_number(1), "张三")
        twin = _person(conn, id_number(1).translate(FULL_WIDTH), "张三")
        before = _rows(conn, "SELECT id, id_number, name FROM insured_persons ORDER BY id")
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert _rows(conn, "SELECT id, id_number, name FROM insured_persons ORDER BY id") == before
        assert _index(conn)["unique"]
    [collision] = id_numbers.open_collisions(db.session)
    merging.merge_persons(db.session, collision.id, survivor_id=twin, reason="重复登记", actor=SYSTEM, now=NOW)
    db.session.commit()
    with db.engine.connect() as conn:
        assert _rows(conn, "SELECT id, id_number, merged_into_id FROM insured_persons ORDER BY id") == [
            (kept, id_number(1), twin), (twin, id_number(1), None)]
        assert _rows(conn, "SELECT resolution FROM id_number_collisions") == [("merged",)]
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        _person(conn, id_number(1), "第三人")
    with pytest.raises(SystemExit):      # flask_migrate reports the refusal and exits
        flask_migrate.downgrade(revision="0016")
    with db.engine.connect() as conn:
        assert _rows(conn, "SELECT count(*) FROM person_merges") == [(1,)]


def test_a_downgrade_without_merges_restores_the_old_constraint(migrated):
    flask_migrate.upgrade()
    with db.engine.begin() as conn:
        _person(conn, id_number(1), "张三")
    flask_migrate.downgrade(revision="0016")
    with db.engine.connect() as conn:
        names = {c["name"] for c in sa.inspect(conn).get_unique_constraints("insured_persons")}
        assert "uq_insured_persons_id_number" in names
        assert "merged_into_id" not in {c["name"] for c in sa.inspect(conn).get_columns("insured_persons")}
