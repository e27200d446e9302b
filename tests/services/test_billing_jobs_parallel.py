"""The monthly settlements and the beneficiary statements declare two worker processes (SPEC §9):
their units (a provider, a person-month) are independent, each writes only through its own
session. On PostgreSQL each unit runs once, in a worker, and what it wrote is committed once.

Worker processes cannot see the per-test rolled-back transaction: the data is committed and
every row added is deleted afterwards (``tests.committed_builders``).
"""
import os
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing import jobs
from ltc.billing.documents.models import BeneficiaryStatement
from ltc.billing.models import Settlement, SettlementRevision
from ltc.core.audit import AuditEntry
from ltc.core.clock import LOCAL_TZ
from ltc.extensions import db
from ltc.scheduler.models import JobRun, JobRunUnit
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.builders import world
from tests.committed_builders import committed_rows
from tests.pdf_double import tiny_pdf
from tests.people_builders import person
from tests.settlement_builders import due, example_home, example_special
from tests.statement_builders import Line, settlement

STATEMENTS = get_job("render_beneficiary_statements")
#: the monthly generation's workers die with a scheduler killed with kill -9 (test_settlement_resume.py)
SETTLEMENTS = get_job("generate_settlements")
MARCH = date(2026, 3, 1)


@pytest.fixture
def committed(app):
    with app.app_context(), committed_rows():
        yield app


def _log(path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as out:   # appends from several processes: one line each
        out.write(f"{text} {os.getpid()}\n")


def _logged(path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, pid = line.rsplit(" ", 1)
        found.setdefault(name, []).append(int(pid))
    return found


def _units(job_id: str) -> dict[str, tuple[str, int]]:
    db.session.rollback()
    [run] = db.session.scalars(select(JobRun).where(JobRun.job_id == job_id)).all()
    return {u.unit_key: (u.status, u.attempts)
            for u in db.session.scalars(select(JobRunUnit).where(JobRunUnit.run_id == run.id))}


def test_the_statement_job_and_the_generation_declare_two_workers():
    assert (SETTLEMENTS.workers, STATEMENTS.workers) == (2, 2)


def test_the_monthly_settlements_generate_each_provider_once_in_the_workers(committed, monkeypatch, tmp_path):
    with Session(db.engine) as session:
        world(session)
        hospital, _patient = example_special(session)
        agency, _someone, _nurse = example_home(session)
        session.commit()
        providers = {str(hospital.id), str(agency.id)}
    log, real = tmp_path / "units.log", jobs.generate_settlement

    def logged(session, provider_id, month, **kwargs):   # forked workers inherit the patch
        _log(log, str(provider_id))
        return real(session, provider_id, month, **kwargs)

    monkeypatch.setattr(jobs, "generate_settlement", logged)
    outcome = run_job(committed, SETTLEMENTS, due(date(2026, 7, 1)))
    assert (outcome.status, outcome.counts, outcome.error) == ("success", {"created": 2}, None)
    assert _units(SETTLEMENTS.id) == {p: ("done", 1) for p in providers}
    ran = _logged(log)
    assert set(ran) == providers and all(len(pids) == 1 for pids in ran.values()), ran
    assert os.getpid() not in {pid for pids in ran.values() for pid in pids}
    stored = db.session.execute(select(Settlement.provider_id, Settlement.month, Settlement.revision)).all()
    assert sorted(stored) == sorted((int(p), date(2026, 6, 1), 1) for p in providers)
    assert db.session.scalar(select(func.count(SettlementRevision.id))) == 2
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "generate",
                                                                     AuditEntry.entity == "settlement")) == 2


def test_the_beneficiary_statements_render_each_person_month_once_in_the_workers(committed, monkeypatch,
                                                                                  tmp_path):
    log = tmp_path / "renders.log"

    def renderer(template_name, data):
        _log(log, data["person_name"])
        return tiny_pdf(template_name, {"number": f"{data['code']} {data['totals']['fund']}"})

    monkeypatch.setitem(committed.config, "STATEMENTS_FOLDER", str(tmp_path / "statements"))
    monkeypatch.setitem(committed.config, "NOTICE_RENDERER", renderer)
    with Session(db.engine) as session:
        w = world(session)
        people = [person(session, n, name=name) for n, name in ((1, "王秀英"), (2, "李四"), (3, "赵六"))]
        settlement(session, w.provider2, MARCH, [Line(p.id, units=20 + n) for n, p in enumerate(people)])
        session.commit()
    outcome = run_job(committed, STATEMENTS, datetime(2026, 4, 27, 3, 30, tzinfo=LOCAL_TZ))
    assert (outcome.status, outcome.counts, outcome.error) == ("success", {"rendered": 3}, None)
    units = _units(STATEMENTS.id)
    assert len(units) == 3 and set(units.values()) == {("done", 1)}
    ran = _logged(log)
    assert set(ran) == {"王秀英", "李四", "赵六"} and all(len(pids) == 1 for pids in ran.values()), ran
    assert os.getpid() not in {pid for pids in ran.values() for pid in pids}
    rows = db.session.execute(select(BeneficiaryStatement.path, BeneficiaryStatement.sha256)).all()
    assert len(rows) == 3
    for path, digest in rows:
        assert (tmp_path / "statements" / path).is_file() and digest
