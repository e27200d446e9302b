"""The check-in path (issue 10, Performance): a live check-in is checked from the facts of its day,
its carer's overlapping visits and its cap segment's count so far, and stores the findings a check
of the whole month would; it sends a bounded number of SQL statements however many visits the
beneficiary and the carer already have that month (a regression guard, not a timing test)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import psycopg
from sqlalchemy.dialects import postgresql

from ltc.compliance import entry, readers, services
from ltc.compliance.models import Finding
from ltc.core import audit, prepared
from ltc.core.audit import AuditEntry
from ltc.compliance.rules import evaluate
from ltc.core.periods import add_period
from ltc.policy import timeline
from ltc.providers.carers.models import CarerQualificationPeriod
from ltc.providers.records import visits
from ltc.providers.records.models import Visit
from ltc.providers.records.visit_input import snapshot
from tests.people_builders import person
from tests.queries import count_queries
from tests.visit_builders import home_care, home_plan, shanghai

MARCH = date(2026, 3, 1)
BOUND = 10   # 8 in the service on SQLite, 7 on PostgreSQL (a new visit and its audit row in one statement): the
#              day's visits it may meet, the plan's visit type, the insert(s), the entry-time check's 3 prepared
#              statements (the visits around it with its state, the dated facts, V07's count when a cap applies),
#              the findings and the published policy versions read once per transaction; and this test's reloads
#              of its expired carer and person


@pytest.fixture
def hc(session, world):
    return home_care(session, world)


def _check_in(session, hc, at, *, who=None, carer=None, device="pad-1"):
    return visits.check_in(session, actor=hc.operator, carer_id=(carer or hc.carer).id,
                           person_id=(who or hc.person).id, at=at, device_id=device, source="api", uploaded_at=at,
                           now=at)


def _statements(session, hc, at) -> list[str]:
    session.expire_all()   # as in a new request: nothing loaded yet
    timeline.forget(session)
    with count_queries(session) as sent:
        _check_in(session, hc, at)
    return sent


def test_a_check_in_sends_few_statements_and_no_more_with_a_full_month_behind_it(session, hc):
    start = shanghai(date(2026, 3, 2), 8, 0)
    first = _statements(session, hc, start)
    for n in range(1, 60):
        _check_in(session, hc, start + timedelta(minutes=7 * n))
    later = _statements(session, hc, start + timedelta(minutes=7 * 60))
    assert len(later) <= BOUND
    assert len(later) <= len(first) + 2


def _stored(session) -> set[tuple]:
    return {(f.rule, f.record_id, tuple(sorted(f.params.items()))) for f in session.scalars(
        select(Finding).where(Finding.status == "open", Finding.record_kind == "visit"))}


def _whole_month(session, provider_id, now) -> set[tuple]:
    facts = readers.provider_month(session, provider_id, MARCH, now=now)
    found = evaluate(facts, services.compliance_policy(session, MARCH), now=now)
    return {(f.rule.value, f.record.id, tuple(sorted(f.params.items()))) for f in found
            if f.record.kind == "visit" and f.rule != "V13"}


def test_live_check_ins_store_the_findings_of_the_whole_months_rules(session, world, hc):
    """V04 (the carer's overlaps), V10 and V07 (the cap crossed, visits rejected by V04 not
    counted, an earlier check-in uploaded after a later one) as the month's evaluation finds them."""
    other = person(session, 2, district="东城区")
    home_plan(session, world, other)
    for n, carer in enumerate((hc.carer, hc.other_carer)):
        add_period(session, CarerQualificationPeriod, carer_id=carer.id, staff_type="assistant",
                   certificate_no=f"Q{n}", valid_from=date(2025, 1, 1))
    at = None
    for day in (2, 3, 4):
        for k in range(12):
            at = shanghai(date(2026, 3, day), 7) + timedelta(minutes=70 * k)
            if k in (3, 7):
                _check_in(session, hc, at - timedelta(minutes=10), who=other)   # the next one overlaps it: V04
            _check_in(session, hc, at)
    _check_in(session, hc, at, carer=hc.other_carer)
    _check_in(session, hc, at, device="pad-2")                                 # same check-in again: V10
    late = shanghai(date(2026, 3, 5), 20)
    _check_in(session, hc, late)
    _check_in(session, hc, late - timedelta(hours=1))                          # uploaded after a later one
    stored = _stored(session)
    assert {rule for rule, *_ in stored} >= {"V04", "V07", "V10"}
    assert stored == _whole_month(session, hc.carer.provider_id, late)


def test_a_new_check_ins_visit_and_audit_rows_are_those_a_save_writes(session, hc):
    """On PostgreSQL one statement writes both: the rows are the ORM's (defaults, NULLs, the audit row's
    ``before`` as JSON null), and the visit is in the session with nothing left to read."""
    at = shanghai(date(2026, 3, 2), 9, 0)
    visit = _check_in(session, hc, at).visit
    with count_queries(session) as sent:
        assert session.get(Visit, visit.id) is visit and snapshot(visit)["version"] == 1
    assert sent == []
    row = session.execute(select(Visit.__table__).where(Visit.id == visit.id)).one()._mapping
    assert (row["status"], row["check_in_at"], row["carer_id"], row["version"], row["closed_by_scan"]) == (
        "in_progress", at, hc.carer.id, 1, False)
    assert row["created_at"] == at and row["updated_at"] is not None and row["created_by"] == hc.operator.user_id
    assert all(row[name] is None for name in ("scheduled_start", "slot_start", "check_out_at", "actual_minutes",
                                              "notes", "settled_at", "check_out_lat"))
    written = session.scalars(select(AuditEntry).where(AuditEntry.entity == "visit",
                                                       AuditEntry.entity_id == str(visit.id))).one()
    assert (written.action, written.user_id, written.org_id, written.at) == (
        "check_in", hc.operator.user_id, hc.operator.org_id, at)
    assert written.before is None and written.detail is None
    assert written.after == audit.jsonable(snapshot(visit))
    by_orm = audit.record(session, hc.operator, "probe", "visit", visit.id, after={}, now=at)
    session.flush()
    null_before = select(AuditEntry.__table__.c.before.is_(None))   # SQL NULL or JSON null: as the ORM writes it
    assert session.scalar(null_before.where(AuditEntry.id == written.id)) == \
        session.scalar(null_before.where(AuditEntry.id == by_orm.id))


def test_the_dated_facts_statement_stays_within_the_drivers_cached_statement_size():
    """psycopg converts a statement's placeholders once and keeps it only below 4 KB: above, at every check-in."""
    stmt = prepared.statement(("dated",), "postgresql", entry._dated_sql, lists=entry.DATED_LISTS,
                              types=entry.BIND_TYPES, columns=entry.UNION_COLUMNS)
    sql = str(stmt.compile(dialect=postgresql.psycopg.dialect()))
    assert len(sql.encode()) <= psycopg._queries.MAX_CACHED_STATEMENT_LENGTH


def test_a_check_ins_findings_are_stored_with_every_value_found(session, hc):
    """The few findings of a check-in go in as one statement (on PostgreSQL a JSON array of rows): each
    stored row holds what the rule found, open, from the entry-time check, found at the check-in's moment."""
    start = shanghai(date(2026, 3, 2), 8, 0)
    _check_in(session, hc, start)
    at = start + timedelta(minutes=10)   # overlaps the first: V04, and the same carer again
    outcome = _check_in(session, hc, at, device="平板-2")
    assert len(outcome.findings) >= 2
    rows = {row.rule: row for row in session.scalars(select(Finding).where(
        Finding.record_kind == "visit", Finding.record_id == outcome.visit.id).execution_options(
            populate_existing=True))}
    assert set(rows) == {f.rule.value for f in outcome.findings}
    for found in outcome.findings:
        row = rows[found.rule.value]
        assert (row.severity, row.message, row.params, row.evidence, row.minutes_over) == (
            found.severity.value, found.message, dict(found.params), dict(found.evidence), found.minutes_over)
        assert (row.person_id, row.provider_id, row.carer_id, row.service_date, row.month) == (
            hc.person.id, found.provider_id, found.carer_id, date(2026, 3, 2), MARCH)
        assert (row.status, row.source, row.found_at, row.cleared_at) == ("open", "entry", at, None)
