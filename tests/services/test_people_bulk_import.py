"""A large roster file imported by the scheduler in chunks (issue 9 point 5, SPEC §9): a chunk
that fails leaves the run partial with the other chunks applied; the retry does that chunk only,
and re-applying the file's rows creates nobody twice."""
import hashlib

import pytest
from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.people import bulk
from ltc.scheduler import imports as qi
from ltc.people import imports as importer
from ltc.people.models import InsuredPerson
from ltc.scheduler.models import JobRun, JobRunUnit
from ltc.scheduler.queue import retry_unit, run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from tests.conftest import NOW
from tests.people_builders import csv_bytes, roster_rows


@pytest.fixture(autouse=True)
def small_thresholds(monkeypatch):
    monkeypatch.setattr(qi, "QUEUE_ROWS", 5)
    monkeypatch.setattr(qi, "UNIT_ROWS", 4)


def persons(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_a_failed_chunk_leaves_the_others_applied_and_its_retry_does_that_chunk_only(session, world, monkeypatch):
    mia = world.users["mia_op"]
    data = csv_bytes(*roster_rows(10))
    assert qi.is_large(bulk.KIND, data) and not qi.is_large(bulk.KIND, csv_bytes(*roster_rows(5)))
    queued = qi.queue_import(session, bulk.KIND, data, "roster.csv", actor=actor_of(mia), now=NOW)
    real_apply, calls = importer.apply, []

    def apply_failing_the_second_chunk(session, result, **kw):
        calls.append(len(result.rows))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_apply(session, result, **kw)

    monkeypatch.setattr(importer, "apply", apply_failing_the_second_chunk)
    [first] = run_queued(session, ON_DEMAND_JOBS)
    assert first.status == "partial" and first.counts == {"create": 6, "update": 0, "unchanged": 0}
    assert persons(session) == 6 and calls == [4, 4, 2]
    assert qi.import_progress(session, bulk.KIND, queued.id, actor=actor_of(mia)).state == "failed"
    session.refresh(queued)
    assert queued.data == data  # kept for the retry of the failed chunk

    failed = session.scalar(select(JobRunUnit).where(JobRunUnit.run_id == queued.run_id,
                                                     JobRunUnit.status == "failed"))
    assert failed.unit_key == f"{queued.id}:4"
    retry_unit(session, failed.id, actor=actor_of(world.users["mia_admin"]), now=NOW)
    [second] = run_queued(session, ON_DEMAND_JOBS)
    assert second.status == "success" and second.counts == {"create": 10, "update": 0, "unchanged": 0}
    assert calls == [4, 4, 2, 4] and persons(session) == 10
    run = session.get(JobRun, queued.run_id)
    assert (run.units_done, run.units_failed) == (3, 0)
    assert qi.import_progress(session, bulk.KIND, queued.id, actor=actor_of(mia)).state == "done"
    session.refresh(queued)  # the import ended: the file's bytes are dropped, its hash and counts kept
    assert queued.data is None and queued.sha256 == hashlib.sha256(data).hexdigest() and queued.rows == 10
