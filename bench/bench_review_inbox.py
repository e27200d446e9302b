"""How fast are the review inbox and its counts with many cases?  Prints timings, asserts nothing.

    .venv/bin/python bench/bench_review_inbox.py [CASES]         # SQLite in a temp dir
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_review_inbox.py 1000000

Bulk-inserts CASES closed and open review cases (default 200,000) spread over 50 providers,
each with its four stages (three left, the current one open for open cases), then times what
a provider reviewer's inbox and the home page do: the waiting/overdue counts, the first page
overdue-first, a deep page, and the scoped "all cases" count.
"""
import sys
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, insert, select

from common import analyze, batches, empty_database, timed  # noqa: I001  (bench/ is on sys.path)
from ltc.auth.scope import scoped
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.reviews.models import ReviewCase, ReviewParty, ReviewStage
from ltc.reviews.queries import inbox, inbox_counts

PROVIDERS, STEPS = 50, ("provider", "agency", "insurer", "mia")
TODAY = date(2026, 6, 15)
AT = datetime(2026, 6, 1, tzinfo=timezone.utc)


def seed(cases: int) -> None:
    orgs = [{"id": 1, "kind": "mia", "name": "MIA", "uscc": "X" * 18, "districts": []},
            {"id": 2, "kind": "insurer", "name": "INS", "uscc": "Y" * 18, "districts": []},
            {"id": 3, "kind": "agency", "name": "AG", "uscc": "Z" * 18, "districts": []}]
    orgs += [{"id": 10 + p, "kind": "provider", "name": f"P{p}", "uscc": f"P{p:017d}", "districts": []}
             for p in range(PROVIDERS)]
    db.session.execute(insert(Organisation), orgs)
    stage_id = 0
    for chunk in batches(cases, 10_000, "cases"):
        rows, parties, stages = [], [], []
        for i in chunk:
            provider = 10 + i % PROVIDERS
            owners = {"provider": provider, "agency": 3, "insurer": 2, "mia": 1}
            open_case = i % 10 == 0
            step = STEPS[i % 4] if open_case else None
            opened = TODAY - timedelta(days=i % 60)
            rows.append({"id": i + 1, "case_type": "entitlement", "definition": {}, "subject_type": "bench",
                         "subject_id": i + 1, "subject_revision": 1, "title": f"case {i}",
                         "status": "open" if open_case else "completed", "step_code": step, "round": 1,
                         "owners": owners, "opened_on": opened, "opened_at": AT, "version": 1})
            parties += [{"case_id": i + 1, "org_id": org} for org in sorted(set(owners.values()))]
            for _n, code in enumerate(STEPS[:STEPS.index(step) + 1] if open_case else STEPS):
                stage_id += 1
                current = open_case and code == step
                stages.append({"id": stage_id, "case_id": i + 1, "step_code": code, "round": 1,
                               "owner_kind": code, "owner_org_id": owners[code], "roles": "reviewer",
                               "entered_on": opened,
                               "entered_at": AT, "due_on": opened + timedelta(days=4),
                               "left_at": None if current else AT, "left_on": None if current else opened,
                               "decision": None if current else "approve"})
        db.session.execute(insert(ReviewCase), rows)
        db.session.execute(insert(ReviewParty), parties)
        db.session.execute(insert(ReviewStage), stages)
        db.session.commit()


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with empty_database():
        print(f"{db.engine.dialect.name}: {cases:,} review cases")
        seed(cases)
        analyze()
        s = db.session
        user = SimpleNamespace(org_kind="provider", org_id=10)  # what the scope rule reads
        timed("inbox counts (provider)", lambda: tuple(inbox_counts(s, 10, TODAY)))
        timed("inbox page 1, overdue first", lambda: len(inbox(s, 10, TODAY).items))
        timed("inbox page 20", lambda: len(inbox(s, 10, TODAY, page=20).items))
        timed("inbox counts (MIA)", lambda: tuple(inbox_counts(s, 1, TODAY)))
        timed("all cases in scope: count (provider)",
              lambda: s.scalar(scoped(select(func.count(ReviewCase.id)), ReviewCase, user)))
        s.rollback()


if __name__ == "__main__":
    main()
