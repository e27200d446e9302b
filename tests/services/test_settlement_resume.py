"""The monthly generation killed with ``kill -9`` halfway (issue 11, Performance and reliability).

PostgreSQL only, on committed data in two private databases of the test server holding the same
small synthetic city (the second a template copy of the first): one settles the month without
interruption; in the other a process runs the ``generate_settlements`` job as the scheduler does
(its providers in two forked worker processes), and is killed while both workers are inside a
provider's transaction, once half of the providers have committed. Its workers die with it (none
settles on), and the run is then resumed. The resumed run does exactly the missing providers (the
committed ones are not touched), every provider ends with one settlement of one revision, and the
totals equal the uninterrupted run's, provider by provider. Both databases are dropped afterwards.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, time as clock_time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from ltc import ROOT, create_app
from ltc.billing.models import Settlement, SettlementRevision, SettlementLine
from ltc.config import TestConfig
from ltc.core.clock import LOCAL_TZ
from ltc.core.db import Base, ensure_extensions
from ltc.demo.city.facts import Options
from ltc.demo.city.run import generate
from ltc.extensions import db
from ltc.scheduler.models import JobRun, RunStatus
from ltc.scheduler.recovery import recover_interrupted
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.processes import alive
from tests.seed import seed_reference_data

JOB = "generate_settlements"
JANUARY = date(2026, 1, 1)
DUE = datetime.combine(date(2026, 2, 1), clock_time(2, 0), tzinfo=LOCAL_TZ)   # REF: day 1 of M+1 at 02:00
CITY = Options(beneficiaries=240, providers=12, start=JANUARY, months=1, seed=5)
NOW = datetime(2026, 2, 1, 0, 0, tzinfo=LOCAL_TZ)
PAUSE, PIDS = "LTC_TEST_PAUSE_AFTER_UNITS", "LTC_TEST_WORKER_PIDS"

#: the real job, except that every unit after the first PAUSE ones (counted across the worker
#: processes, which inherit the counter) sleeps inside its transaction; each unit logs its process
HOLDER_SCRIPT = f"""
import multiprocessing, os, sys, time
from datetime import datetime
from importlib import import_module
from ltc import create_app
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job

job = get_job({JOB!r})
module, name = job.func.split(":")
real, done = getattr(import_module(module), name), multiprocessing.get_context("fork").Value("i", 0)

def paused(session, unit, **kwargs):
    with open(os.environ[{PIDS!r}], "a", encoding="ascii") as pids:
        pids.write(f"{{os.getpid()}}\\n")
    result = real(session, unit, **kwargs)
    with done.get_lock():
        done.value += 1
        ticket = done.value
    if ticket > int(os.environ[{PAUSE!r}]):
        session.flush()
        time.sleep(600)   # killed here, the unit's work flushed and not committed
    return result

setattr(import_module(module), name, paused)
run_job(create_app(), job, datetime.fromisoformat(sys.argv[1]))
"""


def _app(url: str):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def _server(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _populate(url: str) -> None:
    app = _app(url)
    with app.app_context():
        with db.engine.begin() as conn:
            ensure_extensions(conn)
        Base.metadata.create_all(db.engine)
        seed_reference_data(db.session, now=NOW)
        generate(db.session, CITY, now=NOW)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def two_cities(app):
    """(uninterrupted, interrupted): URLs of two databases with the same committed city."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("kill -9 and a template database: PostgreSQL only")
    names = [f"ltc_resume_{os.getpid()}_{n}" for n in (1, 2)]
    urls = [url.set(database=name).render_as_string(hide_password=False) for name in names]
    server = _server(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with server.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {names[0]}"))
            _populate(urls[0])
            conn.execute(text(f"CREATE DATABASE {names[1]} TEMPLATE {names[0]}"))
        yield urls
    finally:
        with server.connect() as conn:
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def _settled(session) -> dict[int, tuple]:
    """Provider → (settlement id, revision, billable, fund, current lines) of the January settlements."""
    lines = (select(func.count()).where(SettlementLine.settlement_id == Settlement.id,
                                        SettlementLine.revision == Settlement.revision).scalar_subquery())
    rows = session.execute(select(Settlement.provider_id, Settlement.id, Settlement.revision, Settlement.billable,
                                  Settlement.fund, lines).where(Settlement.month == JANUARY))
    return {provider: rest for provider, *rest in rows}


def _one_each(session) -> bool:
    per_provider = select(func.count()).where(Settlement.month == JANUARY).group_by(Settlement.provider_id)
    revisions = select(func.count()).select_from(SettlementRevision).group_by(SettlementRevision.settlement_id)
    return set(session.scalars(per_provider)) == {1} and set(session.scalars(revisions)) == {1}


def _run(session) -> JobRun:
    session.rollback()
    return session.scalar(select(JobRun).where(JobRun.job_id == JOB, JobRun.due_at == DUE))


def _workers_left(holder: int, log) -> tuple[set[int], set[int]]:
    """(the processes that ran units, those of them still running a few seconds after the kill)."""
    pids = {int(line) for line in log.read_text(encoding="ascii").split()}
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids - {holder}, {pid for pid in pids if alive(pid)}


def _kill_halfway(app, url: str, tmp_path) -> tuple[int, int]:
    """Start the job in another process and kill it while its workers are inside units, once half of
    the units committed; (units done, units in all). Its workers end with it."""
    with app.app_context():
        total = len(get_job(JOB).load_units()(db.session, due_at=DUE))
        db.session.rollback()
    half = total // 2
    log = tmp_path / "worker_pids"
    env = {**os.environ, "DATABASE_URL": url, "LTC_INSTANCE_PATH": str(tmp_path), "LTC_ENV": "test", PAUSE: str(half),
           PIDS: str(log)}
    process = subprocess.Popen([sys.executable, "-c", HOLDER_SCRIPT, DUE.isoformat()], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        with app.app_context():
            deadline = time.monotonic() + 300
            while (run := _run(db.session)) is None or run.pid != process.pid or (run.units_done or 0) < half:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
                time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stderr.close()
    workers, left = _workers_left(process.pid, log)
    assert len(workers) == 2 and left == set()   # two workers ran the units; none outlived the kill
    return half, total


def test_a_killed_generation_resumes_with_exactly_the_missing_providers(app, two_cities, tmp_path):
    whole_url, killed_url = two_cities
    whole, killed = _app(whole_url), _app(killed_url)
    assert run_job(whole, get_job(JOB), DUE).status == RunStatus.SUCCESS
    with whole.app_context():
        expected = {provider: (billable, fund, lines) for provider, (_id, _rev, billable, fund, lines)
                    in _settled(db.session).items()}
        db.session.remove()
        db.engine.dispose()
    assert len(expected) >= 8 and sum(f for _b, f, _l in expected.values()) > 0

    half, total = _kill_halfway(killed, killed_url, tmp_path)
    with killed.app_context():
        run = _run(db.session)
        assert (run.status, run.units_done, run.units_total) == (RunStatus.RUNNING, half, total)
        run_id = run.id
        before = _settled(db.session)
        assert len(before) == half                               # the unit killed inside its transaction left nothing
        db.session.rollback()

    [outcome] = recover_interrupted(killed, (get_job(JOB),))
    assert (outcome.status, outcome.run_id) == (RunStatus.SUCCESS, run_id)
    with killed.app_context():
        run = _run(db.session)
        assert (run.status, run.units_done, run.units_failed) == (RunStatus.SUCCESS, total, 0)
        after = _settled(db.session)
        assert {p: after[p] for p in before} == before          # committed providers untouched (same id, revision)
        assert len(after) - len(before) == len(expected) - half   # the missing ones, each once
        assert _one_each(db.session)
        assert {p: (b, f, n) for p, (_id, _rev, b, f, n) in after.items()} == expected
        db.session.remove()
        db.engine.dispose()
