"""The monthly settlement job (SPEC §9): per provider, for the month before its due time, catching up
missed months oldest first, a failing provider not stopping the others; the command line."""
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.billing import generation, jobs
from ltc.billing.models import Settlement
from ltc.scheduler.catchup import catch_up
from ltc.scheduler.models import JobRunUnit
from ltc.scheduler.registry import MONTHLY_D1_0200, get_job
from ltc.scheduler.runner import run_job
from tests.builders import world
from tests.settlement_builders import due, example_home, example_special

JOB = "generate_settlements"


def test_the_settlement_job_runs_on_day_1_at_0200_per_provider():
    job = get_job(JOB)
    assert (job.schedule, job.units, job.func) == (MONTHLY_D1_0200, "ltc.billing.jobs:settlement_units",
                                                   "ltc.billing.jobs:generate_unit")


def test_a_run_settles_the_month_before_its_due_time_even_when_caught_up_later():
    assert jobs.settlement_month(due(date(2026, 7, 1))) == date(2026, 6, 1)
    assert jobs.settlement_month(datetime(2026, 7, 3, 5, 0, tzinfo=timezone.utc)) == date(2026, 6, 1)


def test_the_catch_up_settles_each_missed_month_oldest_first(session):
    world(session)
    hospital, _patient = example_special(session)     # a stay all through January to April
    session.commit()
    outcomes = catch_up(session, (get_job(JOB),), now=datetime(2026, 4, 3, 2, 0, tzinfo=timezone.utc))
    assert [o.status for o in outcomes] == ["success"] * 3
    settled = session.scalars(select(Settlement).where(Settlement.provider_id == hospital.id)
                              .order_by(Settlement.month)).all()
    assert [(s.month, s.billable) for s in settled] == [
        (date(2026, 1, 1), Decimal("6820.00")), (date(2026, 2, 1), Decimal("6160.00")),
        (date(2026, 3, 1), Decimal("6820.00"))]
    assert catch_up(session, (get_job(JOB),), now=datetime(2026, 4, 3, 3, 0, tzinfo=timezone.utc)) == []


def test_a_failing_provider_does_not_stop_the_others_and_a_rerun_does_only_it(session, monkeypatch):
    world(session)
    hospital, _patient = example_special(session)
    agency, _someone, _nurse = example_home(session)
    session.commit()
    real = generation.generate_settlement

    def failing(session, provider_id, month, **kwargs):
        if provider_id == agency.id:
            raise RuntimeError("disk full")
        return real(session, provider_id, month, **kwargs)

    monkeypatch.setattr(jobs, "generate_settlement", failing)
    first = run_job(session, get_job(JOB), due(date(2026, 7, 1)))
    assert first.status == "partial"
    units = {u.unit_key: u.status for u in session.scalars(select(JobRunUnit))}
    assert units == {str(hospital.id): "done", str(agency.id): "failed"}
    monkeypatch.setattr(jobs, "generate_settlement", real)
    again = run_job(session, get_job(JOB), due(date(2026, 7, 1)), skip_if_done=True)   # the same due time again
    assert (again.status, again.run_id) == ("success", first.run_id)
    assert {u.unit_key: u.attempts for u in session.scalars(select(JobRunUnit))} == {str(hospital.id): 1,
                                                                                      str(agency.id): 2}
    months = {(s.provider_id, s.month) for s in session.scalars(select(Settlement))}
    assert months == {(hospital.id, date(2026, 6, 1)), (agency.id, date(2026, 6, 1))}


def test_the_command_generates_a_month_for_one_provider(app, session):
    world(session)
    hospital, _patient = example_special(session)
    session.commit()
    result = app.test_cli_runner().invoke(args=["settlements", "generate", "--month", "2026-01", "--provider",
                                                hospital.uscc])
    assert result.exit_code == 0, result.output
    assert "created 1" in result.output
    [settlement] = session.scalars(select(Settlement)).all()
    assert (settlement.month, settlement.billable, settlement.revision) == (date(2026, 1, 1), Decimal("6820.00"), 1)
    again = app.test_cli_runner().invoke(args=["settlements", "generate", "--month", "2026-01"])
    assert "unchanged 1" in again.output
    bad = app.test_cli_runner().invoke(args=["settlements", "generate", "--month", "2026-13"])
    assert bad.exit_code != 0
