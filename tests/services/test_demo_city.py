"""`flask --app ltc demo city` (issue 10 point 7): the synthetic city in the database, on both databases."""
import json
import math
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from ltc.core.db import Base
from ltc.demo.city.facts import Options
from ltc.demo.city.run import CityExists, generate
from ltc.demo.city.truth import ALL_RULES
from ltc.demo.city.writer import ID_TABLES
from ltc.people.models import InsuredPerson
from ltc.providers.records.models import Visit

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
SMALL = Options(beneficiaries=200, providers=20, start=date(2026, 1, 1), months=1, seed=11)
WRITTEN = ID_TABLES + ("visit_items", "care_plan_visit_items", "person_status_periods", "carer_qualification_periods",
                       "org_status_periods", "districts", "insurer_contracts", "application_events")


def _counts(session) -> dict[str, int]:
    tables = Base.metadata.tables
    return {name: session.scalar(select(func.count()).select_from(tables[name])) for name in WRITTEN}


@pytest.fixture
def city(session):
    return generate(session, SMALL, now=NOW)


def test_the_same_seed_gives_the_same_truth_and_rows(session):
    before = _counts(session)
    savepoint = session.begin_nested()
    first, first_counts = generate(session, SMALL, now=NOW), _counts(session)
    savepoint.rollback()
    assert _counts(session) == before
    second = generate(session, SMALL, now=NOW)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert _counts(session) == first_counts
    assert first_counts["visits"] > before["visits"]


def test_another_seed_gives_another_city(session):
    savepoint = session.begin_nested()
    first = generate(session, SMALL, now=NOW)
    savepoint.rollback()
    other = generate(session, Options(200, 20, date(2026, 1, 1), 1, seed=12), now=NOW)
    assert first["by_month"]["2026-01"]["pricing"] != other["by_month"]["2026-01"]["pricing"]


def test_every_rule_is_seeded_at_least_once(city):
    rules = city["by_month"]["2026-01"]["rules"]
    assert sorted(rules) == sorted(ALL_RULES)
    assert {rule: figures["count"] for rule, figures in rules.items() if figures["count"] == 0} == {}


def test_the_truth_counts_what_was_written(session, city):
    month = city["by_month"]["2026-01"]
    assert session.scalar(select(func.count()).select_from(Visit)) == month["records"]["visits"]
    assert city["rows"]["visits"] == month["records"]["visits"]
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) >= SMALL.beneficiaries


def test_every_foreign_key_of_the_city_points_at_a_row(session, city):
    dangling = {}
    for name in WRITTEN:
        table = Base.metadata.tables[name]
        for fk in table.foreign_keys:
            column, target = fk.parent, fk.column
            missing = session.scalar(select(func.count()).select_from(table).where(
                column.is_not(None), column.not_in(select(target))))
            if missing:
                dangling[f"{name}.{column.name}"] = missing
    assert dangling == {}


def _metres(lat1, lon1, lat2, lon2) -> float:
    dy = float(lat1 - lat2) * 111_195
    dx = float(lon1 - lon2) * 111_195 * math.cos(math.radians(float(lat1)))
    return math.hypot(dx, dy)


def test_clean_visits_are_near_the_address_and_long_enough(session, city):
    rules = city["by_month"]["2026-01"]["rules"]
    far = {int(k.split(":")[1]) for k in rules["V01"]["keys"]}
    short = {int(k.split(":")[1]) for k in rules["V03"]["keys"]}
    rows = session.execute(select(Visit.id, Visit.check_in_lat, Visit.check_in_lon, Visit.check_out_lat,
                                  Visit.check_out_lon, Visit.actual_minutes, Visit.planned_minutes,
                                  InsuredPerson.latitude, InsuredPerson.longitude)
                           .join(InsuredPerson, InsuredPerson.id == Visit.person_id)).all()
    assert len(rows) > 1000 and far and short
    for row in rows:
        distances = [_metres(row.check_in_lat, row.check_in_lon, row.latitude, row.longitude)]
        if row.check_out_lat is not None:
            distances.append(_metres(row.check_out_lat, row.check_out_lon, row.latitude, row.longitude))
        assert (max(distances) > 300) == (row.id in far), row
        if row.actual_minutes is not None:
            assert (row.actual_minutes < 0.9 * row.planned_minutes) == (row.id in short), row


def test_a_second_city_in_the_same_database_is_refused(session, city):
    with pytest.raises(CityExists):
        generate(session, SMALL, now=NOW)


def test_the_command_writes_the_truth_file(app, session, tmp_path):
    path = tmp_path / "truth.json"
    result = app.test_cli_runner().invoke(args=["demo", "city", "--beneficiaries", "60", "--providers", "10",
                                                "--from", "2026-02", "--months", "2", "--seed", "5",
                                                "--truth", str(path)])
    assert result.exit_code == 0, result.output
    truth = json.loads(path.read_text(encoding="utf-8"))
    assert list(truth["by_month"]) == ["2026-02", "2026-03"]
    assert "visits" in result.output and "truth file" in result.output


def test_the_command_refuses_a_bad_month(app):
    result = app.test_cli_runner().invoke(args=["demo", "city", "--from", "2026-13"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
