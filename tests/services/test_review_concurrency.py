"""Two users deciding the same step at once on two PostgreSQL connections: exactly one wins,
the other is told who changed the case and when (SPEC §4.1 optimistic locking).

The threads cannot see the per-test rolled-back transaction: the fixture commits a minimal
world (two organisations, the REF policy plus a two-step case type, one case) and deletes it
afterwards. SQLite has one writer, so the race is PostgreSQL's.
"""
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ltc.core.audit import Actor, AuditEntry
from ltc.core.errors import Conflict
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.policy.models import PolicyEvent, PolicyVersion
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewParty, ReviewStage
from tests.builders import uscc
from tests.services.test_review_engine import publish_with_test_type

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


SEEDED = (AuditEntry, PolicyEvent, PolicyVersion)  # the session's reference data stays
RANGE = ("status", "effective_to", "retired_at")  # what publishing the test's version changes on REF


def _snapshot() -> dict:
    with db.engine.connect() as conn:
        kept = {model: conn.scalar(select(func.max(model.id))) or 0 for model in SEEDED}
        kept["ranges"] = [dict(row._mapping) for row in conn.execute(
            select(PolicyVersion.id, *(getattr(PolicyVersion, c) for c in RANGE)))]
        return kept


def _clean(kept: dict) -> None:
    with db.engine.begin() as conn:
        for model in (ReviewEvent, ReviewStage, ReviewParty, ReviewCase):
            conn.execute(delete(model))
        for model in SEEDED:
            conn.execute(delete(model).where(model.id > kept[model]))
        for row in kept["ranges"]:
            conn.execute(update(PolicyVersion).where(PolicyVersion.id == row["id"])
                         .values({c: row[c] for c in RANGE}))
        conn.execute(delete(Organisation))


@pytest.fixture
def committed(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has a single writer: concurrent decisions are serialised by its write lock")
        with Session(db.engine) as session:
            if session.scalar(select(Organisation.id).limit(1)) is not None:
                pytest.skip("the test database holds committed organisations; refusing to delete them")
        kept = _snapshot()
        try:
            with Session(db.engine) as session:
                mia = Organisation(kind="mia", name="医保中心（并发测试）", uscc=uscc(901))
                provider = Organisation(kind="provider", name="护理机构（并发测试）", uscc=uscc(902))
                session.add_all([mia, provider])
                session.flush()
                publish_with_test_type(session, actor=Actor(None, mia.id, "setup"), now=NOW)
                case = engine.open_case(session, case_type="statement_check", subject_id=provider.id,
                                        actor=Actor(None, mia.id, "setup"), now=NOW)
                engine.decide(session, case, DecisionInput("approve"), actor=Actor(None, provider.id, "机构"),
                              now=NOW)
                session.commit()
                yield app, case.id, mia.id
        finally:
            _clean(kept)


def test_two_deciders_at_once_one_succeeds_one_conflicts(committed):
    app, case_id, mia_id = committed
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def decider(label: str, data: DecisionInput):
        with app.app_context(), Session(db.engine) as session:
            case = session.get(ReviewCase, case_id)
            version = case.version
            barrier.wait()
            try:
                engine.decide(session, case, DecisionInput(data.decision, data.reason_code, data.reason_text,
                                                           version), actor=Actor(None, mia_id, label), now=NOW)
                time.sleep(0.3)  # hold the row lock while the other decider tries
                session.commit()
                outcome[label] = "ok"
            except Conflict as exc:
                session.rollback()
                outcome[label] = exc.message

    threads = [threading.Thread(target=decider, args=("甲", DecisionInput("approve"))),
               threading.Thread(target=decider, args=("乙", DecisionInput("return", "DOCS", "补材料")))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    winner = [k for k, v in outcome.items() if v == "ok"]
    assert len(winner) == 1, outcome
    loser = "乙" if winner == ["甲"] else "甲"
    assert outcome[loser].startswith(f"此案件已被 {winner[0]} 于 2026-03-16 10:00 修改")
    with Session(db.engine) as session:
        case = session.get(ReviewCase, case_id)
        decisions = session.scalars(select(ReviewEvent.action).where(ReviewEvent.case_id == case_id,
                                                                     ReviewEvent.step_code == "mia")).all()
        assert len(decisions) == 1 and case.version == 3
