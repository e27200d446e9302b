"""The assessment agency's own dashboard (本机构评估工作; issue 13 point 4): its queue by state today, its
conclusion SLA per month against the city's, its levels against the city's (the 2-SE flag), and the
reassessments expected in the next 90 days. An agency sees its own applications only.
"""
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import AGENCY_OPEN, Status
from ltc.core.clock import local_today
from ltc.core.months import first_of_month, last_of_month
from ltc.entitlements.models import Entitlement
from ltc.entitlements.states import EntitlementStatus
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes.assessment import DIMS, MONTH, share, sla_counts
from ltc.supervision.themes.levels import DESCRIPTION as LEVELS_DESCRIPTION, DIMS as LEVEL_DIMS, levels_table

THEME = "agency"
AUDIENCES = frozenset({Audience.AGENCY})
#: the reassessments expected within this many days
HORIZON_DAYS = 90
QUEUE_ORDER = tuple(s.value for s in Status if s in AGENCY_OPEN)


def queue(session: Session, viewer: Viewer, filters: Filters, *, today: date | None = None) -> FigureData:
    """The agency's open applications (dispatched to it, not yet confirmed) by state today, with those past
    their conclusion due date (overdue from the day after it; a 复评's pause stops the clock)."""
    today = today or local_today()
    a = Application
    # every queued state runs the conclusion clock (SPEC §3.1: until the second expert confirms)
    late = case((and_(a.paused_since.is_(None), a.conclusion_due_on < today), 1), else_=0)
    found = {status: (count, int(overdue or 0)) for status, count, overdue in session.execute(
        select(a.status, func.count(), func.sum(late))
        .where(a.status.in_(QUEUE_ORDER), a.agency_id == viewer.org_id).group_by(a.status))}
    rows = tuple((status, *found.get(status, (0, 0))) for status in QUEUE_ORDER)
    columns = (Column("状态", ValueKind.TEXT, labels="application_status"), Column("件数"), Column("其中已逾期"))
    return FigureData(columns, rows, x=0, series=(1, 2))


def sla_against_city(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """A row per month: the agency's conclusions, on time, share, and the city's share."""
    own = sla_counts(session, viewer, filters)
    city = sla_counts(session, Viewer(Audience.MIA), filters)
    rows = []
    for month in filters.months:
        mine = own.get((month, viewer.org_id), [0, 0])
        all_ = [sum(c[i] for (m, _), c in city.items() if m == month) for i in (0, 1)]
        rows.append((month, mine[0], mine[1], share(mine[1], mine[0]), share(all_[1], all_[0])))
    columns = (MONTH, Column("办结数"), Column("按时办结数"), Column("本机构按时办结率", ValueKind.SHARE),
               Column("全市按时办结率", ValueKind.SHARE))
    return FigureData(columns, tuple(rows), x=0, series=(3, 4))


def horizon(filters: Filters, today: date) -> tuple[date, date]:
    """``(start, end]``: from today, or from the end of the filtered months when that is earlier, 90 days."""
    start = min(today, last_of_month(filters.month_to))
    return start, start + timedelta(days=HORIZON_DAYS)


def reassessments_due(session: Session, viewer: Viewer, filters: Filters, *,
                      today: date | None = None) -> FigureData:
    """The agency's conclusions expiring within the horizon whose entitlement runs until the expiry (a
    reassessment is opened for them, SPEC §3.1), by month of expiry."""
    start, end = horizon(filters, today or local_today())
    a, e = Application, Entitlement
    running = exists().where(e.application_id == a.id, e.status == EntitlementStatus.ACTIVE.value,
                             e.valid_to >= a.valid_to)
    by_month: dict[date, int] = {}
    for valid_to, count in session.execute(
            select(a.valid_to, func.count()).where(a.agency_id == viewer.org_id, a.final_on.is_not(None),
                                                   a.valid_to > start, a.valid_to <= end, running)
            .group_by(a.valid_to)):
        by_month[first_of_month(valid_to)] = by_month.get(first_of_month(valid_to), 0) + count
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = first_of_month(month + timedelta(days=31))
    rows = tuple((m, by_month.get(m, 0)) for m in months)
    return FigureData((Column("到期月份", ValueKind.MONTH), Column("到期结论数")), rows, x=0, series=(1,),
                      notes=({"detail": "%(start)s 至 %(end)s 到期", "params": {"start": start.isoformat(),
                                                                          "end": end.isoformat()}},))


FIGURES = (
    Figure("agency_queue", "本机构待办（按状态）", THEME, Chart.BAR, AUDIENCES, queue, frozenset(),
           "今日派给本机构、尚未经专家确认的申请，按状态分列；"
           "其中已超过结论时限（受理后 30 个工作日，复评期间暂停）的件数。"),
    Figure("agency_sla", "本机构评估时限达标率", THEME, Chart.LINE, AUDIENCES, sla_against_city, DIMS,
           "每月本机构作出结论的申请中，在受理后 30 个工作日内作出结论的占比，与全市比较：自受理日次日起至结论作出日"
           "（第二位专家确认之日）止，按工作日历计算；复评期间暂停计时。"),
    Figure("agency_levels", "本机构 4–5级结论占比与全市比较", THEME, Chart.BAR, AUDIENCES, levels_table, LEVEL_DIMS,
           LEVELS_DESCRIPTION),
    Figure("agency_reassessments_due", "未来 90 天预计重新评估", THEME, Chart.BAR, AUDIENCES, reassessments_due,
           frozenset({Dim.MONTH}),
           "本机构作出、将在今日（或所选月份末，取较早者）起 90 天内到期"
           "且其待遇持续至到期日的评估结论数，按到期月份分列；到期前须重新评估。"),
)
FACT_SOURCES = ()
