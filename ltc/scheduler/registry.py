"""The one list of periodic jobs (SPEC §9), run by ``flask --app ltc scheduler`` and nowhere else.

A whole-run job is a function ``fn(session, *, now, due_at) -> dict[str, int] | None`` (the
counts shown in the run history). It flushes but never commits: the runner commits once per
job, together with the run's success record.

A per-unit job (``units`` set) first lists its units for the due time,
``units(session, *, due_at) -> list[str]`` (provider ids, person ids …), then the runner calls
``fn(session, unit, *, now, due_at)`` for each unit in its own transaction, recording each
unit's outcome, so an interrupted or partly failed run is resumed with the rest only.

``due_at`` is the due time the run covers, in local time (Asia/Shanghai): a job derives its
business date and period from it, never from the clock (a catch-up of the day-1 run on day 3
still works on the previous month); ``now`` is the clock, for the time stamps it writes.
Every job must be idempotent: the catch-up at start-up, a "run now" and the schedule may all
run it for the same day.

Schedules here are the REF values of SPEC §9 (local time, Asia/Shanghai). They are policy
parameters: the ``jobs`` section of the policy in force (``ltc.scheduler.policy``) sets each
job's time, and ``services.scheduled_jobs`` applies it.
"""
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Callable


@dataclass(frozen=True)
class Schedule:
    """A cron schedule as data: every day (``day=None``) or on one day of the month; or, with
    ``every_minutes`` (a divisor of 60), every N minutes on the clock (hour, minute unused)."""

    hour: int = 0
    minute: int = 0
    day: int | None = None
    every_minutes: int | None = None

    def __post_init__(self):
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60 and (self.day is None or 1 <= self.day <= 31)):
            raise ValueError(f"invalid schedule {self!r}")
        if self.every_minutes is not None and (self.every_minutes < 1 or 60 % self.every_minutes
                                               or (self.hour, self.minute, self.day) != (0, 0, None)):
            raise ValueError(f"invalid schedule {self!r}")

    @property
    def time(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def describe(self) -> str:
        if self.every_minutes:
            return f"每{self.every_minutes}分钟"
        return f"每日 {self.time}" if self.day is None else f"每月{self.day}日 {self.time}"

    def policy_value(self) -> dict:
        """This schedule as the ``jobs`` policy section stores it (``ltc.scheduler.policy``)."""
        if self.every_minutes:
            return {"every_minutes": self.every_minutes}
        return {"day": self.day, "hour": self.hour, "minute": self.minute}


# REF schedules of SPEC §9; features register their jobs below with these.
DAILY_0030 = Schedule(hour=0, minute=30)        # publicities, conclusion expiry, reassessments
DAILY_0100 = Schedule(hour=1)                   # nightly compliance scan
MONTHLY_D1_0200 = Schedule(day=1, hour=2)       # monthly settlements
MONTHLY_D1_0300 = Schedule(day=1, hour=3)       # follow-up sample; family-care allowance list
MONTHLY_D2_0200 = Schedule(day=2, hour=2)       # ratings
DAILY_0600 = Schedule(hour=6)                   # SLA overdue marks, expiry reminders, housekeeping
EVERY_10_MIN = Schedule(every_minutes=10)       # retry pending notices
DAILY_0330 = Schedule(hour=3, minute=30)        # beneficiary statements of paid settlements
DAILY_0045 = Schedule(hour=0, minute=45)        # violation points (before the nightly scan and the day's check-ins)
DAILY_0500 = Schedule(hour=5)                   # supervision facts (after the nightly scan and the month-start runs)
MONTHLY_D3_0400 = Schedule(day=3, hour=4)       # the supervision report of the previous month


@dataclass(frozen=True)
class Job:
    id: str
    title: str          # Chinese, shown to MIA admins
    schedule: Schedule
    func: str           # "module:function"
    #: how long a SQLite lock row protects a run before another process may take it over
    lock_ttl: timedelta = timedelta(hours=2)
    #: "module:function" listing the units of a per-unit job (None: a whole-run job)
    units: str | None = None
    #: the lister also receives ``run_id=`` (an on-demand job whose run names its work, e.g. a file)
    units_of_run: bool = False
    #: a per-unit job whose units may run side by side: this many worker processes on PostgreSQL
    #: (``ltc.scheduler.parallel``); SQLite runs them one by one
    workers: int = 1

    def load(self) -> Callable:
        return _load(self.func)

    def load_units(self) -> Callable:
        return _load(self.units)


def _load(path: str) -> Callable:
    module, attr = path.split(":")
    return getattr(import_module(module), attr)


JOBS: tuple[Job, ...] = (
    Job("assessment_daily", "公示期满出结论、发起重新评估", DAILY_0030, "ltc.assessment.applications.jobs:daily"),
    Job("compliance_scan", "夜间智能监管巡检（含未签退自动签退）", DAILY_0100, "ltc.compliance.jobs:scan_provider",
        units="ltc.compliance.jobs:providers_to_scan", workers=2),
    Job("generate_settlements", "生成上月月度结算", MONTHLY_D1_0200, "ltc.billing.jobs:generate_unit",
        units="ltc.billing.jobs:settlement_units", workers=2),
    Job("purge_login_attempts", "清理30天前的登录记录和幂等键", DAILY_0600,
        "ltc.scheduler.jobs:purge_login_attempts"),
    Job("calendar_check", "检查下一年度工作日历", DAILY_0600, "ltc.scheduler.jobs:calendar_check"),
    Job("review_overdue", "审核超时标记", DAILY_0600, "ltc.reviews.jobs:mark_overdue"),
    Job("retry_pending_notices", "生成待生成的通知书", EVERY_10_MIN, "ltc.notices.jobs:retry_pending_notices",
        lock_ttl=timedelta(minutes=30)),
    Job("render_beneficiary_statements", "生成已支付结算的参保人结算单", DAILY_0330,
        "ltc.billing.documents.jobs:render_beneficiary_statement",
        units="ltc.billing.documents.jobs:statements_to_render", lock_ttl=timedelta(hours=12), workers=2),
    Job("family_allowances", "生成上月亲情照护补贴发放名单", MONTHLY_D1_0300, "ltc.billing.family.jobs:allowance_unit",
        units="ltc.billing.family.jobs:family_providers"),
    Job("deposit_clearing", "年终清算质量保证金", DAILY_0600,
        "ltc.billing.deposits.jobs:clear_unit", units="ltc.billing.deposits.jobs:years_to_clear"),
    Job("violation_points", "护理人员违规记分（申诉期满或申诉不成立）及暂停服务", DAILY_0045,
        "ltc.ratings.points.jobs:attach_unit", units="ltc.ratings.points.jobs:settlements_to_check"),
    Job("follow_up_sample", "抽取本月回访样本", MONTHLY_D1_0300, "ltc.ratings.followups.jobs:draw_unit",
        units="ltc.ratings.followups.jobs:insurers_to_draw"),
    Job("follow_up_new_grants", "新享受待遇人员列入回访任务", DAILY_0600, "ltc.ratings.followups.jobs:feed_new_grants"),
    Job("complaint_overdue", "投诉超时标记", DAILY_0600, "ltc.ratings.complaints.jobs:mark_overdue"),
    Job("recompute_ratings", "计算护理人员与机构星级（月度及年度）", MONTHLY_D2_0200, "ltc.ratings.run.jobs:rate_unit",
        units="ltc.ratings.run.jobs:providers_to_rate"),
    Job("supervision_facts", "刷新监管月度汇总数据", DAILY_0500, "ltc.supervision.jobs:refresh_unit",
        units="ltc.supervision.jobs:months_to_refresh"),
    Job("supervision_report", "生成上月监管月报", MONTHLY_D3_0400, "ltc.supervision.report.jobs:build_report",
        units="ltc.supervision.report.jobs:reports_to_build"),
)


#: jobs that only run when queued (never scheduled, not on the admin page's "run now"): long
#: work asked for from a page, run by the scheduler process with per-unit progress
ON_DEMAND_JOBS: tuple[Job, ...] = (
    Job("person_import", "导入参保人名单（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("hospital_stay_import", "导入住院记录（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("entitlement_import", "待遇资格上线迁移导入（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("stay_import", "导入在院记录（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("leave_import", "导入请假记录（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("carer_import", "导入护理人员名册（大文件）", DAILY_0600, "ltc.scheduler.imports:import_unit",
        units="ltc.scheduler.imports:import_units", units_of_run=True),
    Job("visit_schedule", "生成服务机构的月度排班", DAILY_0600, "ltc.providers.records.jobs:schedule_unit",
        units="ltc.providers.records.jobs:schedule_units", units_of_run=True),
    Job("settlement_regeneration", "重新生成结算草稿", DAILY_0600, "ltc.billing.jobs:regenerate_unit",
        units="ltc.billing.jobs:regenerate_units", units_of_run=True),
    Job("settlement_approval", "批量审批月度结算", DAILY_0600, "ltc.billing.review.jobs:approve_unit",
        units="ltc.billing.review.jobs:approval_units", units_of_run=True),
    Job("settlement_generation_provider", "生成一个机构的月度结算（命令行）", DAILY_0600,
        "ltc.billing.jobs:generate_unit", units="ltc.billing.jobs:provider_units", units_of_run=True),
    Job("draft_policy_cost", "测算政策草案的基金支出（上月服务记录）", DAILY_0600,
        "ltc.supervision.themes.fund.draft_cost:cost_unit", units="ltc.supervision.themes.fund.draft_cost:cost_units",
        units_of_run=True),
)


class UnknownJob(LookupError):
    pass


def get_job(job_id: str, jobs: tuple[Job, ...] = JOBS) -> Job:
    """The registry entry ``job_id``. Raises UnknownJob."""
    for job in jobs:
        if job.id == job_id:
            return job
    raise UnknownJob(job_id)
