"""The job "render beneficiary statements of paid settlements" (SPEC §9 daily 03:30, issue 11
point 7): files under the statements folder with their SHA-256 stored, idempotent, resumable
after a failed unit, and a statement rendered again once a later payment changes its month."""
import hashlib
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from ltc.billing.documents import jobs
from ltc.billing.documents.models import BeneficiaryStatement
from ltc.core.clock import LOCAL_TZ
from ltc.scheduler.models import JobRunUnit
from ltc.scheduler.registry import get_job
from ltc.scheduler.runner import run_job
from tests.conftest import NOW
from tests.pdf_double import tiny_pdf
from tests.people_builders import person
from tests.statement_builders import Line, settlement

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
DUE = datetime(2026, 4, 27, 3, 30, tzinfo=LOCAL_TZ)
JOB = get_job("render_beneficiary_statements")


class Renders:
    """A stand-in renderer that records what it rendered and can fail for one person."""

    def __init__(self):
        self.names: list[str] = []
        self.failing: set[str] = set()

    def __call__(self, template_name, data):
        if data["person_name"] in self.failing:
            raise RuntimeError("WeasyPrint crashed")
        self.names.append(data["person_name"])
        return tiny_pdf(template_name, {"number": f"{data['code']} {data['totals']['fund']}"})


@pytest.fixture
def renders(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "STATEMENTS_FOLDER", str(tmp_path))
    renderer = Renders()
    monkeypatch.setitem(app.config, "NOTICE_RENDERER", renderer)
    return renderer


@pytest.fixture
def paid(session, world):
    wang, li, zhao = (person(session, n, name=name) for n, name in ((1, "王秀英"), (2, "李四"), (3, "赵六")))
    settlement(session, world.provider2, MARCH, [Line(wang.id, units=20), Line(li.id, units=31)])
    settlement(session, world.provider, MARCH, [Line(wang.id, "home", unit="minute", rate="65.00", units=120,
                                                     ratio="0.90", billable="130.00")])
    settlement(session, world.provider, APRIL, [Line(zhao.id, date_from=APRIL, date_to=date(2026, 5, 1))],
               status="submitted")
    return {"wang": wang, "li": li, "zhao": zhao}


def stored(session) -> dict[str, BeneficiaryStatement]:
    session.expire_all()
    rows = session.execute(select(BeneficiaryStatement, BeneficiaryStatement.person_id)).all()
    names = {p.id: p.name for p in _persons(session)}
    return {names[person_id]: row for row, person_id in rows}


def _persons(session):
    from ltc.people.models import InsuredPerson
    return session.scalars(select(InsuredPerson))


def test_the_job_renders_each_paid_person_month_into_a_file_with_its_sha256(session, paid, renders, tmp_path):
    assert JOB.schedule.time == "03:30" and JOB.schedule.day is None
    outcome = run_job(session, JOB, DUE)
    assert (outcome.status, outcome.counts) == ("success", {"rendered": 2})
    assert sorted(renders.names) == ["李四", "王秀英"]  # 赵六's April settlement is not paid
    rows = stored(session)
    for row in rows.values():
        path = tmp_path / row.path
        assert row.path == f"2026-03/{row.person_id:08d}.pdf" and path.is_file()
        content = path.read_bytes()
        assert row.sha256 == hashlib.sha256(content).hexdigest() and row.size == len(content) and row.renders == 1
        assert row.code in content.decode("latin-1")  # the printed code is the stored one


def test_a_second_run_finds_nothing_to_render(session, paid, renders):
    run_job(session, JOB, DUE)
    renders.names = []
    assert jobs.statements_to_render(session, due_at=DUE) == []
    outcome = run_job(session, JOB, DUE.replace(day=28))
    assert (outcome.status, outcome.counts, renders.names) == ("success", {}, [])


def test_a_failed_unit_is_left_for_the_rerun_which_renders_only_it(session, paid, renders):
    renders.failing = {"李四"}
    first = run_job(session, JOB, DUE)
    assert (first.status, first.counts) == ("partial", {"rendered": 1})
    assert set(stored(session)) == {"王秀英", "李四"} and stored(session)["李四"].path is None  # code kept, no file
    renders.failing, renders.names = set(), []
    second = run_job(session, JOB, DUE, skip_if_done=True)
    assert (second.status, second.run_id, renders.names) == ("success", first.run_id, ["李四"])
    units = session.scalars(select(JobRunUnit.status).where(JobRunUnit.run_id == first.run_id)).all()
    assert sorted(units) == ["done", "done"]


def test_a_unit_whose_file_is_current_is_not_rendered_again(session, paid, renders):
    run_job(session, JOB, DUE)
    renders.names = []
    key = jobs.unit_key(MARCH, paid["wang"].id)
    assert jobs.render_beneficiary_statement(session, key, now=NOW, due_at=DUE) == {"current": 1}
    assert jobs.render_beneficiary_statement(session, jobs.unit_key(APRIL, paid["zhao"].id), now=NOW,
                                             due_at=DUE) == {"nothing_paid": 1}
    assert renders.names == []


def test_a_paid_adjustment_for_the_month_renders_the_statement_again(session, world, paid, renders, tmp_path):
    run_job(session, JOB, DUE)
    before = stored(session)["王秀英"]
    first_sha, code = before.sha256, before.code
    settlement(session, world.provider2, APRIL, [
        Line(paid["wang"].id, units=-2, kind="adjustment", service_month=MARCH, reason="reevaluation",
             date_from=date(2026, 3, 20), date_to=date(2026, 3, 22), records=[])])
    renders.names = []
    assert jobs.statements_to_render(session, due_at=DUE) == [jobs.unit_key(MARCH, paid["wang"].id)]
    outcome = run_job(session, JOB, DUE.replace(day=28))
    assert (outcome.counts, renders.names) == ({"rerendered": 1}, ["王秀英"])
    after = stored(session)["王秀英"]
    assert after.code == code and after.renders == 2 and after.sha256 != first_sha
    assert after.sha256 == hashlib.sha256((tmp_path / after.path).read_bytes()).hexdigest()


def test_a_deleted_file_is_rendered_again_on_the_next_unit(session, paid, renders, tmp_path):
    run_job(session, JOB, DUE)
    row = stored(session)["李四"]
    (tmp_path / row.path).unlink()
    renders.names = []
    key = jobs.unit_key(MARCH, paid["li"].id)
    assert jobs.render_beneficiary_statement(session, key, now=NOW, due_at=DUE) == {"rerendered": 1}
    assert (tmp_path / row.path).is_file() and renders.names == ["李四"]


def test_the_daily_listing_forgets_look_up_attempts_older_than_30_days(session, paid, renders):
    from ltc.billing.documents.models import StatementLookupAttempt

    for days, ip in ((31, "10.0.0.1"), (29, "10.0.0.2")):
        session.add(StatementLookupAttempt(ip=ip, id_hash="a" * 64, at=DUE - timedelta(days=days), success=False))
    session.flush()
    jobs.statements_to_render(session, due_at=DUE)
    assert session.scalars(select(StatementLookupAttempt.ip)).all() == ["10.0.0.2"]
