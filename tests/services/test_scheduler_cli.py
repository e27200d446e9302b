"""`flask jobs list|run|run-due` and the `flask scheduler` command's presence."""
from sqlalchemy import select

from ltc.core.clock import LOCAL_TZ

from ltc.scheduler.models import JobRun


def test_the_scheduler_and_jobs_commands_are_registered(app):
    result = app.test_cli_runner().invoke(args=["--help"])
    assert "  scheduler" in result.output and "  jobs" in result.output  # scripts/run.sh greps for it


def test_jobs_list_shows_every_registry_job(app, session):
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    assert "purge_login_attempts" in result.output and "calendar_check" in result.output
    assert "每日 06:00" in result.output and "never" in result.output


def test_jobs_run_prints_progress_and_the_outcome(app, session):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "purge_login_attempts"])
    assert result.exit_code == 0, result.output
    assert "running purge_login_attempts" in result.output
    assert "purge_login_attempts: success" in result.output and "deleted=0" in result.output
    [run] = session.scalars(select(JobRun)).all()
    assert run.status == "success" and run.triggered_by_id is None


def test_jobs_run_refuses_an_unknown_job(app, session):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "no_such_job"])
    assert result.exit_code == 2 and "unknown job" in result.output


def test_jobs_run_due_catches_up_once_then_has_nothing_to_do(app, session):
    from ltc.core.clock import utcnow
    from ltc.policy.ref import seed_ref

    seed_ref(session, now=utcnow())  # the migrations seed REF; the test schema starts empty
    session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "run-due"])
    assert first.exit_code == 0, first.output
    assert "catch-up: purge_login_attempts" in first.output and "catch-up: calendar_check" in first.output
    assert "catch-up: assessment_daily" in first.output and "failed" not in first.output
    second = runner.invoke(args=["jobs", "run-due"])
    assert second.exit_code == 0 and "nothing due" in second.output
    assert sorted(r.job_id for r in session.scalars(select(JobRun))) == [
        "assessment_daily", "calendar_check", "complaint_overdue", "compliance_scan", "deposit_clearing",
        *["family_allowances"] * 3, "follow_up_new_grants", *["follow_up_sample"] * 3,
        *["generate_settlements"] * 3,  # monthly: 3 months
        "purge_login_attempts", *["recompute_ratings"] * 3, "render_beneficiary_statements",
        "retry_pending_notices", "review_overdue", "supervision_facts",
        *["supervision_report"] * 3, "violation_points"]


def test_jobs_list_and_run_due_use_the_times_of_the_policy_in_force(app, session):
    from ltc.core.audit import SYSTEM
    from ltc.core.clock import local_today, utcnow
    from ltc.policy import services as policy_services
    from ltc.policy.ref import seed_ref

    seed_ref(session, now=utcnow())
    draft = policy_services.create_draft(session, actor=SYSTEM, now=utcnow())
    jobs = {**draft.sections["jobs"], "calendar_check": {"day": 28, "hour": 23, "minute": 59}}
    policy_services.update_section(session, draft, "jobs", jobs, actor=SYSTEM, now=utcnow())
    policy_services.publish(session, draft, effective_from=local_today(), actor=SYSTEM, now=utcnow())
    session.commit()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    [line] = [line for line in listed.output.splitlines() if line.startswith("calendar_check")]
    assert "每月28日 23:59" in line
    caught_up = runner.invoke(args=["jobs", "run-due", "calendar_check"])
    assert caught_up.exit_code == 0, caught_up.output
    runs = session.scalars(select(JobRun).where(JobRun.job_id == "calendar_check").order_by(JobRun.id)).all()
    # now a monthly job: each of its last three due times is caught up, oldest first
    dues = [run.due_at.astimezone(LOCAL_TZ) for run in runs]
    assert [due.strftime("%d %H:%M") for due in dues] == ["28 23:59"] * 3
    assert dues == sorted(dues) and len({due.month for due in dues}) == 3


def test_ctrl_c_then_the_exit_trap_s_sigterm_stop_the_scheduler_once_without_a_traceback():
    """``make run`` stopped with Ctrl-C: SIGINT reaches the scheduler, then run.sh's trap sends SIGTERM."""
    import os
    import signal

    from apscheduler.schedulers.background import BackgroundScheduler

    from ltc.scheduler.cli import stop_on_signals

    scheduler = BackgroundScheduler()
    scheduler.start(paused=True)
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        stop_on_signals(scheduler)
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)  # would raise SchedulerNotRunningError
        assert not scheduler.running
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
        if scheduler.running:
            scheduler.shutdown(wait=False)
