"""Job times are policy parameters (SPEC §9): the ``jobs`` section, its REF values, and the
scheduler following the version in force (at start-up, in the catch-up and while running)."""
import threading
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone

import pytest

from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ
from ltc.core.errors import ValidationFailed
from ltc.policy import services as policy_services
from ltc.policy.ref import ref_sections, seed_ref
from ltc.policy.schema import parse_section
from ltc.scheduler.catchup import pending_jobs
from ltc.scheduler.cli import REFRESH_ID, build_scheduler, refresh_schedules
from ltc.scheduler.policy import JobsPolicy
from ltc.scheduler.registry import DAILY_0600, JOBS, Job, Schedule, get_job
from ltc.scheduler.services import job_overview, scheduled_jobs

pytestmark = pytest.mark.usefixtures("unseeded")  # REF is created here, or no policy is in force

# Monday 2026-03-16 10:00 in Shanghai
NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
QUICK = Job("quick", "测试：快速任务", DAILY_0600, "tests.services.test_scheduler_runner:add_attempt")


def publish_times(session, *, effective_from: date, **times: dict) -> None:
    """A version from ``effective_from`` whose ``jobs`` section moves the given jobs."""
    draft = policy_services.create_draft(session, actor=SYSTEM, now=NOW)
    jobs = {**draft.sections["jobs"], **times}
    policy_services.update_section(session, draft, "jobs", jobs, actor=SYSTEM, now=NOW)
    policy_services.publish(session, draft, effective_from=effective_from, actor=SYSTEM, now=NOW)
    session.flush()


def test_the_section_names_every_registry_job_with_its_title_and_ref_is_the_registry_default():
    section = {f.name: f.metadata["label"] for f in fields(JobsPolicy)}
    assert section == {job.id: job.title for job in JOBS}
    ref = parse_section("jobs", ref_sections()["jobs"])
    assert ref.schedules() == {job.id: job.schedule for job in JOBS}
    assert ref.schedules()["assessment_daily"] == Schedule(hour=0, minute=30)


@pytest.mark.parametrize("change, path, reason", [
    ({"hour": 24}, "jobs.review_overdue.hour", "between 0 and 23"),
    ({"minute": 60}, "jobs.review_overdue.minute", "between 0 and 59"),
    ({"day": 29}, "jobs.review_overdue.day", "between 1 and 28"),
    ({"day": 0}, "jobs.review_overdue.day", "between 1 and 28"),
    ({"hour": "6"}, "jobs.review_overdue.hour", "must be an integer"),
    ({"hour": 6.0}, "jobs.review_overdue.hour", "must be an integer"),
])
def test_a_bad_time_is_refused_naming_the_field(change, path, reason):
    raw = ref_sections()["jobs"]
    raw["review_overdue"] = {**raw["review_overdue"], **change}
    with pytest.raises(ValidationFailed) as caught:
        parse_section("jobs", raw)
    assert path in caught.value.fields and reason in caught.value.fields[path]


def test_a_missing_job_is_refused():
    raw = ref_sections()["jobs"]
    del raw["calendar_check"]
    with pytest.raises(ValidationFailed) as caught:
        parse_section("jobs", raw)
    assert "jobs.calendar_check" in caught.value.fields


def test_a_monthly_time_is_accepted():
    raw = ref_sections()["jobs"]
    raw["calendar_check"] = {"day": 28, "hour": 23, "minute": 59}
    assert parse_section("jobs", raw).schedules()["calendar_check"] == Schedule(day=28, hour=23, minute=59)


def test_scheduled_jobs_take_the_times_of_the_version_in_force(session):
    seed_ref(session, now=NOW)
    publish_times(session, effective_from=date(2026, 4, 1), review_overdue={"day": None, "hour": 7, "minute": 15},
                  calendar_check={"day": 2, "hour": 3, "minute": 0})
    march = {job.id: job.schedule for job in scheduled_jobs(session, NOW, JOBS + (QUICK,))}
    assert march == {**{job.id: job.schedule for job in JOBS}, "quick": DAILY_0600}
    april = {job.id: job for job in scheduled_jobs(session, NOW + timedelta(days=16), JOBS + (QUICK,))}
    assert april["review_overdue"].schedule == Schedule(hour=7, minute=15)
    assert april["calendar_check"].schedule == Schedule(day=2, hour=3)
    assert april["review_overdue"].title == get_job("review_overdue").title
    assert april["quick"].schedule == DAILY_0600  # a job the section does not name keeps its default
    assert april["assessment_daily"].schedule == Schedule(hour=0, minute=30)


def test_without_a_policy_in_force_the_jobs_keep_their_default_times(session, caplog):
    assert scheduled_jobs(session, NOW) == JOBS
    assert "no policy version in force" in caplog.text


def test_the_catch_up_and_the_overview_use_the_moved_time(session):
    seed_ref(session, now=NOW)
    publish_times(session, effective_from=date(2026, 3, 1), review_overdue={"day": None, "hour": 11, "minute": 0})
    jobs = scheduled_jobs(session, NOW)
    # 10:00 on the 16th: under REF (06:00) today's run would be due; at 11:00 it is yesterday's
    [row] = [r for r in job_overview(session, jobs, NOW) if r.job.id == "review_overdue"]
    assert row.last_due == datetime(2026, 3, 15, 11, 0, tzinfo=LOCAL_TZ)
    assert row.next_due == datetime(2026, 3, 16, 11, 0, tzinfo=LOCAL_TZ)
    due = dict((job.id, at) for job, at in pending_jobs(session, jobs, NOW))
    assert due["review_overdue"] == datetime(2026, 3, 15, 11, 0, tzinfo=LOCAL_TZ)
    assert due["purge_login_attempts"] == datetime(2026, 3, 16, 6, 0, tzinfo=LOCAL_TZ)


def test_a_running_scheduler_moves_a_job_when_a_new_version_takes_effect(app, session):
    seed_ref(session, now=NOW)
    today = datetime.now(LOCAL_TZ).date()
    scheduler = build_scheduler(app, scheduled_jobs(session, datetime.now(timezone.utc)))
    assert scheduler.get_job(REFRESH_ID) is not None
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    try:
        assert refresh_schedules(session, scheduler) == []  # nothing changed
        publish_times(session, effective_from=today, review_overdue={"day": None, "hour": 23, "minute": 45})
        assert refresh_schedules(session, scheduler) == ["review_overdue"]
        entry = scheduler.get_job("review_overdue")
        assert entry.args[1].schedule == Schedule(hour=23, minute=45)
        assert entry.next_run_time.astimezone(LOCAL_TZ).strftime("%H:%M") == "23:45"
        assert entry.next_run_time > datetime.now(timezone.utc)
        untouched = scheduler.get_job("purge_login_attempts")
        assert untouched.next_run_time.astimezone(LOCAL_TZ).strftime("%H:%M") == "06:00"
        assert refresh_schedules(session, scheduler) == []  # already moved
    finally:
        scheduler.shutdown(wait=True)
        thread.join(10)
