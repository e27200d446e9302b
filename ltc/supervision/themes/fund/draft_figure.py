"""The draft-cost figure: for every policy version still in draft, its latest completed costing
(``draft_cost``): the month's fund under the version(s) in force and under the draft, and the difference,
per care type (an insurer: the beneficiaries of the districts its contracts covered that month)."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.core.money import to_money
from ltc.orgs.contracts import covered_on
from ltc.policy.models import PolicyStatus, PolicyVersion
from ltc.scheduler.models import JobRun, RunStatus
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes.fund.draft_models import DraftCost, DraftCostRun

DIMS = frozenset({Dim.DISTRICT, Dim.CARE_TYPE, Dim.LEVEL})



def latest_completed_runs(session: Session) -> list[tuple[PolicyVersion, DraftCostRun]]:
    """Each draft version with its latest successful costing (drafts never costed are left out)."""
    latest = (select(DraftCostRun.version_id, func.max(DraftCostRun.id).label("id"))
              .join(JobRun, JobRun.id == DraftCostRun.run_id).where(JobRun.status == RunStatus.SUCCESS.value)
              .group_by(DraftCostRun.version_id).subquery())
    stmt = (select(PolicyVersion, DraftCostRun).join(latest, latest.c.version_id == PolicyVersion.id)
            .join(DraftCostRun, DraftCostRun.id == latest.c.id)
            .where(PolicyVersion.status == PolicyStatus.DRAFT.value).order_by(PolicyVersion.number))
    return [(version, run) for version, run in session.execute(stmt).tuples()]


def costs(session: Session, cost_run: DraftCostRun, viewer: Viewer, filters: Filters | None = None) -> list[tuple]:
    """(care type, fund in force, fund under the draft) of a costing, for the viewer and filters."""
    clauses = [DraftCost.cost_run_id == cost_run.id]
    if viewer.audience == Audience.INSURER:
        clauses.append(covered_on(viewer.org_id, DraftCost.district, cost_run.month))
    if filters is not None and filters.district:
        clauses.append(DraftCost.district == filters.district)
    if filters is not None and filters.care_type:
        clauses.append(DraftCost.care_type == filters.care_type)
    if filters is not None and filters.level is not None:
        clauses.append(DraftCost.level == filters.level)
    stmt = (select(DraftCost.care_type, func.sum(DraftCost.fund_in_force), func.sum(DraftCost.fund_draft))
            .where(*clauses).group_by(DraftCost.care_type).order_by(DraftCost.care_type))
    return [(care_type, to_money(str(a)), to_money(str(b))) for care_type, a, b in session.execute(stmt)]


def _draft_cost(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    rows = []
    for version, cost_run in latest_completed_runs(session):
        label = f"{version.number} {version.name}"
        for care_type, in_force, draft in costs(session, cost_run, viewer, filters):
            rows.append((care_type, label, cost_run.month, in_force, draft, draft - in_force))
    columns = (Column("服务形式", ValueKind.TEXT, "care_type"), Column("政策草案", ValueKind.TEXT),
               Column("测算月份", ValueKind.MONTH), Column("现行政策基金", ValueKind.MONEY),
               Column("草案基金", ValueKind.MONEY), Column("差额", ValueKind.MONEY))
    return FigureData(columns, tuple(rows), x=0, series=(3, 4))


FIGURES = (
    Figure("fund_draft_cost", "政策草案基金测算", "fund", Chart.BAR, frozenset({Audience.MIA, Audience.INSURER}),
           _draft_cost, DIMS,
           "用上月的服务记录，分别按当月生效的政策版本和政策草案的待遇支付标准计算基金（与月度结算同一计算方法，"
           "违规判定按现行规则），显示每个草案最近一次完成的测算；差额 = 草案基金 − 现行政策基金。"
           "由医保部门管理员在政策草案测算页发起，后台按机构逐个计算。"),
)
