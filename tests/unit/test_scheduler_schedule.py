"""Due times of cron schedules in Asia/Shanghai, the registry, and the scheduler's construction."""
import inspect
from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from ltc.scheduler.catchup import catch_up_due_times, due_after, most_recent_due, next_due, trigger_for
from ltc.scheduler.cli import MISFIRE_GRACE, QUEUE_ID, REFRESH_ID, build_scheduler, queue_call, scheduled_call
from ltc.scheduler.registry import (
    DAILY_0030, DAILY_0045, DAILY_0100, DAILY_0330, DAILY_0500, DAILY_0600, EVERY_10_MIN, JOBS, MONTHLY_D1_0200,
    MONTHLY_D1_0300, MONTHLY_D2_0200, MONTHLY_D3_0400, Schedule, UnknownJob, get_job,
)

#: SPEC §9's table, plus the violation points' daily 00:45 (SPEC §6 names the job, not its time: after
#: the appeal windows of the day before closed, before the nightly scan and the day's check-ins)
REF_SCHEDULES = (DAILY_0030, DAILY_0100, MONTHLY_D1_0200, MONTHLY_D1_0300, MONTHLY_D2_0200, DAILY_0600,
                 EVERY_10_MIN, DAILY_0330, DAILY_0045, DAILY_0500, MONTHLY_D3_0400)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# Shanghai is UTC+8: 06:00 local is 22:00 UTC the day before; 02:00 local on day 1 is 18:00 UTC
# on the last day of the previous month.
MOST_RECENT_DUE = [
    ("daily 06:00, mid-morning", DAILY_0600, utc(2026, 3, 16, 2, 0), utc(2026, 3, 15, 22, 0)),
    ("daily 06:00, exactly due", DAILY_0600, utc(2026, 3, 15, 22, 0), utc(2026, 3, 15, 22, 0)),
    ("daily 06:00, a second early", DAILY_0600, utc(2026, 3, 15, 21, 59, 59), utc(2026, 3, 14, 22, 0)),
    ("daily 00:30, local day ahead of UTC", DAILY_0030, utc(2026, 3, 15, 17, 0), utc(2026, 3, 15, 16, 30)),
    ("daily 00:30, just before local midnight+30", DAILY_0030, utc(2026, 3, 15, 16, 29),
     utc(2026, 3, 14, 16, 30)),
    ("daily 00:30, local new year's midnight", DAILY_0030, utc(2026, 12, 31, 16, 0), utc(2026, 12, 30, 16, 30)),
    ("daily 01:00, local new year 01:00", DAILY_0100, utc(2026, 12, 31, 17, 0), utc(2026, 12, 31, 17, 0)),
    ("day 1 02:00, mid-month", MONTHLY_D1_0200, utc(2026, 3, 16, 2, 0), utc(2026, 2, 28, 18, 0)),
    ("day 1 02:00, exactly due (UTC still February)", MONTHLY_D1_0200, utc(2026, 2, 28, 18, 0),
     utc(2026, 2, 28, 18, 0)),
    ("day 1 02:00, local 1 March 04:00", MONTHLY_D1_0200, utc(2026, 2, 28, 20, 0), utc(2026, 2, 28, 18, 0)),
    ("day 1 02:00, local 1 March 01:59", MONTHLY_D1_0200, utc(2026, 2, 28, 17, 59), utc(2026, 1, 31, 18, 0)),
    ("day 1 02:00, across the year", MONTHLY_D1_0200, utc(2025, 12, 31, 17, 0), utc(2025, 11, 30, 18, 0)),
    ("day 1 03:00, local 1 January 03:00", MONTHLY_D1_0300, utc(2025, 12, 31, 19, 0), utc(2025, 12, 31, 19, 0)),
    ("day 2 02:00, on day 1", MONTHLY_D2_0200, utc(2026, 3, 1, 4, 0), utc(2026, 2, 1, 18, 0)),
    ("day 2 02:00, on day 2 after", MONTHLY_D2_0200, utc(2026, 3, 1, 18, 1), utc(2026, 3, 1, 18, 0)),
    ("day 3 04:00, caught up on day 5", MONTHLY_D3_0400, utc(2026, 3, 5, 2, 0), utc(2026, 3, 2, 20, 0)),
    ("day 31 skips April", Schedule(day=31, hour=2), utc(2026, 4, 15), utc(2026, 3, 30, 18, 0)),
    ("day 31 skips February", Schedule(day=31, hour=2), utc(2026, 3, 5), utc(2026, 1, 30, 18, 0)),
    ("day 29 in a common year", Schedule(day=29, hour=2), utc(2026, 3, 10), utc(2026, 1, 28, 18, 0)),
    ("day 29 in a leap year", Schedule(day=29, hour=2), utc(2024, 3, 10), utc(2024, 2, 28, 18, 0)),
    ("every 10 min, between", EVERY_10_MIN, utc(2026, 3, 16, 2, 17, 30), utc(2026, 3, 16, 2, 10)),
    ("every 10 min, exactly due", EVERY_10_MIN, utc(2026, 3, 16, 2, 20), utc(2026, 3, 16, 2, 20)),
    ("every 10 min, across local midnight", EVERY_10_MIN, utc(2026, 3, 15, 16, 4), utc(2026, 3, 15, 16, 0)),
]


@pytest.mark.parametrize("label,schedule,now,expected", MOST_RECENT_DUE, ids=[r[0] for r in MOST_RECENT_DUE])
def test_most_recent_due_time(label, schedule, now, expected):
    assert most_recent_due(schedule, now) == expected


@pytest.mark.parametrize("schedule", REF_SCHEDULES, ids=lambda s: s.describe())
def test_most_recent_due_is_a_fire_time_with_none_between_it_and_now(schedule):
    """Checked against APScheduler's own CronTrigger over 400 days of instants."""
    trigger = trigger_for(schedule)
    now = utc(2025, 12, 1, 0, 7)
    while now < utc(2027, 1, 5):
        due = most_recent_due(schedule, now)
        assert due <= now
        assert trigger.get_next_fire_time(None, due) == due
        assert trigger.get_next_fire_time(None, due + timedelta(seconds=1)) > now
        now += timedelta(hours=7, minutes=37)


@pytest.mark.parametrize("schedule,now,expected", [
    (DAILY_0600, utc(2026, 3, 16, 2, 0), utc(2026, 3, 16, 22, 0)),
    (DAILY_0600, utc(2026, 3, 15, 21, 0), utc(2026, 3, 15, 22, 0)),
    (MONTHLY_D1_0200, utc(2026, 3, 16, 2, 0), utc(2026, 3, 31, 18, 0)),
    (MONTHLY_D1_0200, utc(2026, 12, 5), utc(2026, 12, 31, 18, 0)),
    (EVERY_10_MIN, utc(2026, 3, 16, 2, 0, 1), utc(2026, 3, 16, 2, 10)),
])
def test_next_due_time(schedule, now, expected):
    assert next_due(schedule, now) == expected


def test_schedules_describe_themselves_in_chinese_and_refuse_nonsense():
    assert DAILY_0030.describe() == "每日 00:30"
    assert MONTHLY_D2_0200.describe() == "每月2日 02:00"
    assert EVERY_10_MIN.describe() == "每10分钟"
    for bad in ({"every_minutes": 7}, {"every_minutes": 0}, {"every_minutes": 10, "hour": 1}):
        with pytest.raises(ValueError):
            Schedule(**bad)
    for bad in ({"hour": 24}, {"hour": 1, "minute": 60}, {"hour": 1, "day": 0}, {"hour": 1, "day": 32}):
        with pytest.raises(ValueError):
            Schedule(**bad)


def test_registry_ids_are_unique_and_every_function_takes_session_now_and_due_at():
    assert len({job.id for job in JOBS}) == len(JOBS)
    for job in JOBS:
        params = inspect.signature(job.load()).parameters
        assert list(params)[0] == "session"
        assert {"now", "due_at"} <= set(params)
        assert job.title and job.schedule in REF_SCHEDULES


def test_get_job_refuses_an_unknown_id():
    assert get_job("purge_login_attempts").schedule == DAILY_0600
    with pytest.raises(UnknownJob):
        get_job("no_such_job")


def test_a_daily_job_catches_up_its_most_recent_due_time_only():
    assert catch_up_due_times(DAILY_0600, utc(2026, 3, 16, 2, 0)) == [utc(2026, 3, 15, 22, 0)]


def test_a_monthly_job_catches_up_its_last_three_due_times_oldest_first():
    # local 1 February 01:00: the 1 February 02:00 run is not due yet
    assert catch_up_due_times(MONTHLY_D1_0200, utc(2026, 1, 31, 17, 0)) == [
        utc(2025, 10, 31, 18, 0), utc(2025, 11, 30, 18, 0), utc(2025, 12, 31, 18, 0)]
    assert catch_up_due_times(MONTHLY_D2_0200, utc(2026, 3, 16, 2, 0)) == [
        utc(2026, 1, 1, 18, 0), utc(2026, 2, 1, 18, 0), utc(2026, 3, 1, 18, 0)]


def test_the_due_time_after_a_monthly_due_time_is_a_month_later():
    assert due_after(MONTHLY_D1_0200, utc(2026, 1, 31, 18, 0)) == utc(2026, 2, 28, 18, 0)
    assert due_after(DAILY_0600, utc(2026, 3, 15, 22, 0)) == utc(2026, 3, 16, 22, 0)


def test_scheduler_is_built_with_every_registry_job_on_its_cron_trigger_without_starting():
    app = Flask("unit")
    now = utc(2026, 3, 16, 2, 0)  # 10:00 in Shanghai
    scheduler = build_scheduler(app, JOBS, now=now)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    assert scheduler.state == STATE_STOPPED
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.id for job in JOBS} | {REFRESH_ID, QUEUE_ID}
    refresh = jobs.pop(REFRESH_ID)  # re-reads the job times of the policy in force
    assert isinstance(refresh.trigger, IntervalTrigger) and refresh.trigger.interval == timedelta(minutes=15)
    queue = jobs.pop(QUEUE_ID)  # runs the runs queued from the admin page
    assert isinstance(queue.trigger, IntervalTrigger) and queue.trigger.interval == timedelta(seconds=15)
    assert queue.func is queue_call and queue.args == (app, JOBS)
    for entry in JOBS:
        job = jobs[entry.id]
        assert isinstance(job.trigger, CronTrigger)
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        fields = {f.name: str(f) for f in job.trigger.fields}
        if entry.schedule.every_minutes:
            assert (fields["hour"], fields["minute"]) == ("*", f"*/{entry.schedule.every_minutes}")
        else:
            assert fields["hour"] == str(entry.schedule.hour)
            assert fields["minute"] == str(entry.schedule.minute)
        assert fields["day"] == ("*" if entry.schedule.day is None else str(entry.schedule.day))
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds() >= 86400
        assert job.func is scheduled_call and job.args == (app, entry)
        assert job.next_run_time == next_due(entry.schedule, now)
