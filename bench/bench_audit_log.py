"""How fast is the audit log page with many entries?  Prints timings, asserts nothing.

    .venv/bin/python bench/bench_audit_log.py [ROWS]          # SQLite in a temp dir
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_audit_log.py 1000000

Builds the schema, bulk-inserts ROWS audit entries (default 1,000,000) over two years, 50
organisations and 500 users, then times what the page does (count + first page, a deep page)
for the MIA unfiltered and with each filter, and for one provider (its own entries only).
"""
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert

from common import analyze, batches, empty_database, timed  # noqa: I001  (bench/ is on sys.path)
from ltc.auth.models import User
from ltc.core.audit import AuditEntry
from ltc.audit.views import AuditCriteria, audit_query
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation

ORGS, USERS = 50, 500
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
ACTIONS = ("view", "update", "create", "decide", "publish")
ENTITIES = ("person", "application", "review_case", "entitlement", "care_plan")


def seed(rows: int) -> None:
    orgs = [Organisation(id=i + 1, kind="mia" if i == 0 else "provider", name=f"机构{i}",
                         uscc=f"91330100MA{i:07d}X"[:18], districts=[]) for i in range(ORGS)]
    db.session.add_all(orgs)
    db.session.flush()
    db.session.execute(insert(User), [
        {"id": u + 1, "username": f"user{u}", "full_name": f"用户{u}", "org_id": u % ORGS + 1, "password_hash": "x"}
        for u in range(USERS)])
    db.session.commit()
    step = timedelta(days=730) / rows
    for chunk in batches(rows, what="entries"):
        db.session.execute(insert(AuditEntry), [
            {"at": START + i * step, "user_id": i % USERS + 1, "org_id": i % USERS % ORGS + 1,
             "action": ACTIONS[i % 5], "entity": ENTITIES[i // 5 % 5], "entity_id": str(i % 50_000),
             "after": {"status": "ok"}} for i in chunk])
        db.session.commit()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with empty_database():
        print(f"database: {db.engine.url.render_as_string()}, rows: {rows:,}")
        t0 = time.perf_counter()
        seed(rows)
        print(f"seed: {time.perf_counter() - t0:.1f} s")
        analyze()
        mia, provider = db.session.get(User, 1), db.session.get(User, 2)

        def page(viewer, n=1, **criteria):
            p = paginate(db.session, audit_query(viewer, AuditCriteria(**criteria)), page=n, per_page=25,
                         scalars=False)
            return f"{p.total:,} total, {len(p.items)} shown"
        timed("MIA, unfiltered, page 1 (count + rows)", lambda: page(mia))
        timed("MIA, unfiltered, page 2,000", lambda: page(mia, 2000))
        timed("MIA, one organisation", lambda: page(mia, org_id=7))
        timed("MIA, one user", lambda: page(mia, user_id=123))
        timed("MIA, one week", lambda: page(mia, date_from=date(2026, 3, 2), date_to=date(2026, 3, 8)))
        timed("MIA, one entity (type + id)", lambda: page(mia, entity="entitlement", entity_id="4242"))
        timed("MIA, one action", lambda: page(mia, action="publish"))
        timed("provider, own entries, page 1", lambda: page(provider))


if __name__ == "__main__":
    main()
