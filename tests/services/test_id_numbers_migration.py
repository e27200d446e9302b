"""Migration 0013 (SPEC §2 "ID validation"): stored ID numbers take their normalised spelling;
a number whose normalised spelling another person holds (or also spells), or that normalising
does not make ASCII, is left exactly as it is and listed for the MIA. Nothing is lost."""
import flask_migrate
import sqlalchemy as sa

from ltc.extensions import db
from tests.people_builders import id_number
from tests.services.test_migrations import _insert, migrated_app

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WITH_X = id_number(2)  # 11010119500101005X


def _person(conn, number: str, name: str) -> int:
    return _insert(conn, "insured_persons", id_number=number, name=name, district="东城区",
                   birth_date="1950-01-01", sex="M", created_at="2024-06-01 02:00:00",
                   updated_at="2024-06-01 02:00:00")


def _rows(conn, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_0013_normalises_stored_numbers_and_lists_the_ones_that_would_collide(app, tmp_path):
    assert WITH_X.endswith("X")
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0010")
        spellings = {
            "ascii": id_number(1),                                  # kept
            "twin": id_number(1).translate(FULL_WIDTH),             # collides with "ascii"
            "wide": id_number(3).translate(FULL_WIDTH),             # normalised
            "lower": WITH_X.lower(),                                # collides with "wide_x" (both spell it)
            "wide_x": WITH_X.translate(FULL_WIDTH),
            "arabic": id_number(4).translate(ARABIC),               # not ASCII after NFKC: listed
            "fine": id_number(5),
        }
        with db.engine.begin() as conn:
            ids = {name: _person(conn, number, name) for name, number in spellings.items()}
            _insert(conn, "applications", person_id=ids["fine"], kind="initial", status="submitted",
                    applicant_name="李小光", applicant_relation="child", applicant_phone="13800000000",
                    applicant_id_number=id_number(6).translate(FULL_WIDTH), declared_disability_6m=True,
                    submitted_at="2026-03-16 02:00:00", submitted_on="2026-03-16", paused_days=0, version=1)
            before = _rows(conn, "SELECT id, name, district, birth_date, sex FROM insured_persons ORDER BY id")
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            stored = dict(_rows(conn, "SELECT name, id_number FROM insured_persons"))
            listed = _rows(conn, "SELECT person_id, stored, normalised, other_person_id, kind, resolved_at "
                                 "FROM id_number_collisions ORDER BY person_id")
            after = _rows(conn, "SELECT id, name, district, birth_date, sex FROM insured_persons ORDER BY id")
            applicant = conn.execute(sa.text("SELECT applicant_id_number FROM applications")).scalar_one()
            audited = _rows(conn, "SELECT entity, entity_id, action FROM audit_log "
                                  "WHERE action = 'normalise_id_number' ORDER BY entity, entity_id")
        assert after == before                                   # every person kept, with its data
        assert stored == {**spellings, "wide": id_number(3)}     # only the safe one rewritten
        assert applicant == id_number(6)
        assert listed == [
            (ids["twin"], spellings["twin"], id_number(1), ids["ascii"], "duplicate", None),
            (ids["lower"], spellings["lower"], WITH_X, ids["wide_x"], "duplicate", None),
            (ids["wide_x"], spellings["wide_x"], WITH_X, ids["lower"], "duplicate", None),
            (ids["arabic"], spellings["arabic"], spellings["arabic"], None, "invalid", None),
        ]
        assert audited == [("application", "1", "normalise_id_number"),
                           ("insured_person", str(ids["wide"]), "normalise_id_number")]
        flask_migrate.downgrade(revision="0010")
        with db.engine.connect() as conn:
            assert dict(_rows(conn, "SELECT name, id_number FROM insured_persons")) == stored
            assert "id_number_collisions" not in sa.inspect(conn).get_table_names()
