"""How fast is the insured-person list with many rows?  Prints timings, asserts nothing.

    .venv/bin/python bench/bench_people_list.py [ROWS]          # SQLite in a temp dir
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_people_list.py 1000000

Builds the schema, bulk-inserts ROWS persons (default 200,000) with a status period each, then
times what the list page does for an insurer: the count and first page, a deep page, a name
prefix search, an ID suffix search and a district filter.
"""
import sys
import time
from datetime import date

from sqlalchemy import insert, select

from common import analyze, batches, empty_database, timed  # noqa: I001  (bench/ is on sys.path)
from ltc.auth.models import User
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson, PersonStatusPeriod
from ltc.people.services import search_persons

DISTRICTS = ["东城区", "西城区", "南湖区", "北山区", "新港区", "青溪县"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def seed(rows: int) -> None:
    for chunk in batches(rows):
        db.session.execute(insert(InsuredPerson), [
            {"id": i + 1, "id_number": f"33010{i:012d}X"[:18], "name": SURNAMES[i % 20] + f"某{i % 997}",
             "phone": f"139{i:08d}", "district": DISTRICTS[i % 6], "birth_date": date(1940, 1, 1),
             "sex": "M"} for i in chunk])
        db.session.execute(insert(PersonStatusPeriod), [
            {"person_id": i + 1, "status": "active", "valid_from": date(2024, 1, 1)} for i in chunk])
        db.session.commit()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with empty_database():
        print(f"database: {db.engine.url.render_as_string()}, rows: {rows:,}")
        t0 = time.perf_counter()
        seed(rows)
        print(f"seed: {time.perf_counter() - t0:.1f} s")
        insurer = Organisation(kind="insurer", name="bench", uscc="91330100MA2000001X", districts=DISTRICTS[:3])
        db.session.add(insurer)
        db.session.flush()
        user = User(username="bench", full_name="bench", org=insurer, password_hash="x")
        db.session.add(user)
        db.session.flush()
        analyze()

        def page(n, **kw):
            p = paginate(db.session, search_persons(user, **kw), page=n, per_page=25)
            return f"{p.total:,} total, {len(p.items)} shown"
        timed("insurer list, page 1 (count + rows)", lambda: page(1))
        timed("insurer list, page 2,000", lambda: page(2000))
        timed("name prefix search '王某1'", lambda: page(1, q="王某1"))
        timed("ID suffix search '0001X'", lambda: page(1, q="0001X"))
        timed("district filter 西城区", lambda: page(1, district="西城区"))
        timed("one person by ID number", lambda: db.session.scalar(
            select(InsuredPerson.id).where(InsuredPerson.id_number == "330100000012345X")))


if __name__ == "__main__":
    main()
