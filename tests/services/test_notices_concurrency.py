"""Two issuers on two connections at once never share a number and leave no gap (PostgreSQL).

These threads cannot see the per-test rolled-back transaction: they commit to the test database
and the fixture deletes what they wrote. SQLite has one writer, so the race is PostgreSQL's.
"""
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.extensions import db
from ltc.notices import services
from ltc.notices.models import Notice, NoticeCounter
from tests.unit.test_notices_documents import conclusion_data

SUBJECT = "concurrency_test"
NOW = datetime(2031, 5, 6, 2, 0, tzinfo=timezone.utc)  # a year no other test issues in


def _clean() -> None:
    with db.engine.begin() as conn:
        ids = [str(i) for i in conn.scalars(select(Notice.id).where(Notice.subject_type == SUBJECT))]
        conn.execute(delete(AuditEntry).where(AuditEntry.entity == "notice", AuditEntry.entity_id.in_(ids)))
        conn.execute(delete(Notice).where(Notice.subject_type == SUBJECT))
        conn.execute(delete(NoticeCounter).where(NoticeCounter.year == NOW.year))


@pytest.fixture
def committed(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has a single writer: concurrent issuers are serialised by its write lock")
        _clean()
        yield app
        _clean()


def _issue(app, subject_id: int, *, before_commit=lambda: None) -> tuple[str, float]:
    with app.app_context(), Session(db.engine) as session:
        notice = services.issue_notice(session, kind="conclusion", subject_type=SUBJECT, subject_id=subject_id,
                                       data=conclusion_data(), actor=SYSTEM, now=NOW)
        before_commit()
        session.commit()
        return notice.number, time.monotonic()


def _run(*targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)


def _stored_numbers() -> list[str]:
    with Session(db.engine) as session:
        return list(session.scalars(select(Notice.number).where(Notice.subject_type == SUBJECT)
                                    .order_by(Notice.number)))


def test_two_issuers_starting_together_get_numbers_one_and_two(committed):
    barrier = threading.Barrier(2)
    results = {}

    def issuer(subject_id: int):
        barrier.wait()
        results[subject_id] = _issue(committed, subject_id)[0]

    _run(lambda: issuer(1), lambda: issuer(2))
    assert sorted(results.values()) == ["CON-2031-000001", "CON-2031-000002"]
    assert _stored_numbers() == ["CON-2031-000001", "CON-2031-000002"]


def test_a_second_issuer_waits_for_the_first_to_commit_and_takes_the_next_number(committed):
    _issue(committed, 0)  # the counter row exists: the second issuer waits on its row lock
    first_holds_number, second_started = threading.Event(), threading.Event()
    results = {}

    def hold_then_commit():
        first_holds_number.set()
        assert second_started.wait(30)
        time.sleep(0.5)  # the second issuer is now blocked on the counter row
        results["committed_at"] = time.monotonic()

    def first():
        results["first"] = _issue(committed, 1, before_commit=hold_then_commit)

    def second():
        assert first_holds_number.wait(30)
        second_started.set()
        results["second"] = _issue(committed, 2)

    _run(first, second)
    assert results["first"][0] == "CON-2031-000002"
    assert results["second"][0] == "CON-2031-000003"
    assert results["second"][1] > results["committed_at"]
    assert _stored_numbers() == ["CON-2031-000001", "CON-2031-000002", "CON-2031-000003"]


def test_an_issuer_that_rolls_back_leaves_no_gap_for_the_one_waiting(committed):
    first_holds_number, second_started = threading.Event(), threading.Event()
    results = {}

    def first():
        with committed.app_context(), Session(db.engine) as session:
            services.issue_notice(session, kind="conclusion", subject_type=SUBJECT, subject_id=1,
                                  data=conclusion_data(), actor=SYSTEM, now=NOW)
            first_holds_number.set()
            assert second_started.wait(30)
            time.sleep(0.5)
            session.rollback()

    def second():
        assert first_holds_number.wait(30)
        second_started.set()
        results["second"] = _issue(committed, 2)[0]

    _run(first, second)
    assert results["second"] == "CON-2031-000001"
    assert _stored_numbers() == ["CON-2031-000001"]


@pytest.fixture
def committed_any(app):
    """A committed database on SQLite as on PostgreSQL (the renderer takes numbers on another connection)."""
    with app.app_context():
        _clean()
        yield app
        _clean()


def test_no_transaction_holds_the_counter_lock_while_a_notice_renders(committed_any):
    """Another issuer takes the next number while the first notice's PDF is being rendered."""
    from ltc.notices.rendering import render_pending
    from tests.pdf_double import tiny_pdf

    app, taken = committed_any, []
    with app.app_context():
        with Session(db.engine) as session:
            first_id = services.issue_notice(session, kind="conclusion", subject_type=SUBJECT, subject_id=1,
                                             data=conclusion_data(), actor=SYSTEM, now=NOW).id
            session.commit()

        def renderer(template_name, data):
            # a second issuer on its own connection, which must not wait for a lock
            with Session(db.engine) as other:
                if other.get_bind().dialect.name == "postgresql":
                    other.execute(text("SET LOCAL lock_timeout = '2s'"))
                else:
                    other.connection().exec_driver_sql("PRAGMA busy_timeout = 2000")
                try:
                    taken.append(services.issue_notice(other, kind="conclusion", subject_type=SUBJECT, subject_id=2,
                                                       data=conclusion_data(), actor=SYSTEM, now=NOW).number)
                    other.commit()
                finally:
                    if other.get_bind().dialect.name == "sqlite":
                        other.connection().exec_driver_sql("PRAGMA busy_timeout = 30000")
            return tiny_pdf(template_name, data)

        report = render_pending(lambda: Session(db.engine), [first_id], renderer=renderer)
    assert taken == ["CON-2031-000002"]
    assert report.issued == ["CON-2031-000001"]
    assert _stored_numbers() == ["CON-2031-000001", "CON-2031-000002"]
