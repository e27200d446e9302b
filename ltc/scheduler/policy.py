"""The ``jobs`` section of the policy store: when each scheduled job runs (SPEC §9), pure.

SPEC §9 makes every job's schedule a policy parameter. Each registry job has one group here
(local time, Asia/Shanghai): the day of the month (empty: every day), the hour and the minute.
Its REF value is the job's default in ``ltc.scheduler.registry``. A job of the registry that
this section does not name keeps its default.

Monthly jobs are limited to days 1-28, so a job that must run every month never skips one.
A job that runs every few minutes (retry pending notices) has one value instead: the interval,
a divisor of 60 minutes.
"""
from dataclasses import dataclass, field, fields
from typing import ClassVar

from ltc.policy.schema import FieldError, param, range_errors
from ltc.scheduler.registry import JOBS, Job, Schedule

SECTION = "jobs"
LAST_MONTHLY_DAY = 28


@dataclass(frozen=True)
class JobTime:
    day: int | None = param("每月几日运行（留空为每日）", "日")
    hour: int = param("时", "时")
    minute: int = param("分", "分")

    def __post_init__(self) -> None:
        errors = range_errors(self, {"hour": (0, 23), "minute": (0, 59)})
        if self.day is not None and not 1 <= self.day <= LAST_MONTHLY_DAY:
            errors["day"] = f"must be empty (every day) or between 1 and {LAST_MONTHLY_DAY}"
        if errors:
            raise FieldError(errors)

    @property
    def schedule(self) -> Schedule:
        return Schedule(hour=self.hour, minute=self.minute, day=self.day)


@dataclass(frozen=True)
class JobInterval:
    every_minutes: int = param("每隔几分钟运行（60 的约数）", "分钟")

    def __post_init__(self) -> None:
        errors = range_errors(self, {"every_minutes": (1, 60)})
        if not errors and 60 % self.every_minutes:
            errors["every_minutes"] = "must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)"
        if errors:
            raise FieldError(errors)

    @property
    def schedule(self) -> Schedule:
        return Schedule(every_minutes=self.every_minutes)


@dataclass(frozen=True)
class JobsPolicy:
    LABEL: ClassVar[str] = "定时任务运行时间"

    assessment_daily: JobTime = param("公示期满出结论、发起重新评估")
    purge_login_attempts: JobTime = param("清理30天前的登录记录和幂等键")
    calendar_check: JobTime = param("检查下一年度工作日历")
    review_overdue: JobTime = param("审核超时标记")
    retry_pending_notices: JobInterval = param("生成待生成的通知书")
    #: added after versions existed: a version without it keeps SPEC §9's 01:00
    compliance_scan: JobTime = field(default=JobTime(None, 1, 0),
                                     metadata={"label": "夜间智能监管巡检（含未签退自动签退）", "unit": None})
    #: added after versions existed: a version without it keeps SPEC §9's day 1, 02:00
    generate_settlements: JobTime = field(default=JobTime(1, 2, 0),
                                          metadata={"label": "生成上月月度结算", "unit": None})
    #: added after versions existed: a version without it keeps SPEC §9's 03:30
    render_beneficiary_statements: JobTime = field(
        default=JobTime(None, 3, 30), metadata={"label": "生成已支付结算的参保人结算单", "unit": None})
    #: added after versions existed: a version without it keeps the registry's daily 06:00
    deposit_clearing: JobTime = field(default=JobTime(None, 6, 0),
                                      metadata={"label": "年终清算质量保证金", "unit": None})
    #: added after versions existed: a version without it keeps the registry's day 1, 03:00
    family_allowances: JobTime = field(default=JobTime(1, 3, 0),
                                       metadata={"label": "生成上月亲情照护补贴发放名单", "unit": None})
    #: added after versions existed: a version without it keeps the registry's daily 00:45
    violation_points: JobTime = field(default=JobTime(None, 0, 45), metadata={
        "label": "护理人员违规记分（申诉期满或申诉不成立）及暂停服务", "unit": None})
    #: added after versions existed: a version without it keeps the registry's day 1, 03:00
    follow_up_sample: JobTime = field(default=JobTime(1, 3, 0), metadata={"label": "抽取本月回访样本", "unit": None})
    #: added after versions existed: a version without it keeps the registry's daily 06:00
    follow_up_new_grants: JobTime = field(default=JobTime(None, 6, 0),
                                          metadata={"label": "新享受待遇人员列入回访任务", "unit": None})
    #: added after versions existed: a version without it keeps the registry's daily 06:00
    complaint_overdue: JobTime = field(default=JobTime(None, 6, 0), metadata={"label": "投诉超时标记", "unit": None})
    #: added after versions existed: a version without it keeps the registry's day 2, 02:00
    recompute_ratings: JobTime = field(default=JobTime(2, 2, 0), metadata={
        "label": "计算护理人员与机构星级（月度及年度）", "unit": None})
    #: added after versions existed: a version without it keeps the registry's daily 05:00
    supervision_facts: JobTime = field(default=JobTime(None, 5, 0), metadata={
        "label": "刷新监管月度汇总数据", "unit": None})
    #: added after versions existed: a version without it keeps SPEC §9's day 3, 04:00
    supervision_report: JobTime = field(default=JobTime(3, 4, 0), metadata={"label": "生成上月监管月报", "unit": None})

    def schedules(self) -> dict[str, Schedule]:
        """Job id → its schedule under this policy."""
        return {f.name: getattr(self, f.name).schedule for f in fields(self)}




def ref_times(jobs: tuple[Job, ...] = JOBS) -> dict[str, dict]:
    """REF of the section: SPEC §9's times (local time), the registry defaults."""
    return {job.id: job.schedule.policy_value() for job in jobs}
