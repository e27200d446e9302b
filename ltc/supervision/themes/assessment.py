"""The assessment pipeline theme (失能评估; issue 13 point 1) for the MIA and the insurers: applications
filed by their current state, the 30-working-day conclusion SLA per month and agency, objections and
their outcomes, and the agencies' levels compared with the city's (the 2-SE flag of
``ltc.supervision.themes.levels``). All from the monthly facts of ``assessment_facts``.
"""
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ltc.assessment.applications.states import STATUS_LABELS, Status
from ltc.supervision.facts import fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes import assessment_facts as facts
from ltc.supervision.themes.levels import DESCRIPTION as LEVELS_DESCRIPTION, DIMS as LEVEL_DIMS, levels_table, \
    org_names

THEME = "assessment"
AUDIENCES = frozenset({Audience.MIA, Audience.INSURER})
#: the level is not a dimension of an application's pipeline (it is known only at its end)
DIMS = frozenset({Dim.DISTRICT, Dim.CARE_TYPE, Dim.MONTH})
MONTH = Column("月份", ValueKind.MONTH)
PLACES = Decimal("0.0001")


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a fraction of 4 places, None when there is nothing to share."""
    return (Decimal(part) / Decimal(whole)).quantize(PLACES) if whole else None


def per_month_and(session: Session, metric: str, viewer: Viewer, filters: Filters, key: str,
                  dims: frozenset[Dim] = DIMS) -> dict[tuple[date, object], int]:
    """``metric`` counted per (month, ``key``)."""
    return {(month, value_of_key): int(value)
            for month, value_of_key, value in fact_rows(session, metric, viewer, filters, by=("month", key),
                                                        dims=dims)}


def counts_table(months: Iterable[date], keys: list, titles: Mapping, counts: Mapping[tuple[date, object], int],
                 *, total: str | None = None) -> FigureData:
    """A row per month, a count column per key (with zeros), and a total column first when titled."""
    head = (Column(total),) if total else ()
    rows = []
    for month in months:
        values = [counts.get((month, key), 0) for key in keys]
        rows.append((month, *((sum(values),) if total else ()), *values))
    columns = (MONTH, *head, *(Column(titles[key]) for key in keys))
    return FigureData(columns, tuple(rows), x=0, series=tuple(range(1 + len(head), len(columns))))


def present(order: Iterable, counts: Mapping[tuple[date, object], int]) -> list:
    seen = {key for _, key in counts}
    return [key for key in order if key in seen]


def applications_by_state(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    counts = per_month_and(session, facts.FILED, viewer, filters, "dim")
    states = present((s.value for s in Status), counts)
    return counts_table(filters.months, states, {s: STATUS_LABELS[Status(s)] for s in states}, counts,
                        total="申请数")


def sla_counts(session: Session, viewer: Viewer, filters: Filters) -> dict[tuple[date, int | None], list[int]]:
    """Per (month, agency): [concluded, of which on time]."""
    out: dict[tuple[date, int | None], list[int]] = {}
    for month, agency_id, timely, value in fact_rows(session, facts.SLA, viewer, filters,
                                                     by=("month", "agency_id", "dim"), dims=DIMS):
        counted = out.setdefault((month, agency_id), [0, 0])
        counted[0] += int(value)
        counted[1] += int(value) if timely == facts.IN_TIME else 0
    return out


def sla_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """A row per month: concluded, on time and the share for the viewer's scope, then each agency's share
    (a column per agency, by name; empty in a month the agency concluded nothing)."""
    counts = sla_counts(session, viewer, filters)
    names = org_names(session, (a for _, a in counts if a is not None))
    agencies = sorted(names, key=names.get)
    rows = []
    for month in filters.months:
        concluded = sum(c[0] for (m, _), c in counts.items() if m == month)
        timely = sum(c[1] for (m, _), c in counts.items() if m == month)
        by_agency = [share(counts[month, a][1], counts[month, a][0]) if (month, a) in counts else None
                     for a in agencies]
        rows.append((month, concluded, timely, share(timely, concluded), *by_agency))
    columns = (MONTH, Column("办结数"), Column("按时办结数"), Column("按时办结率", ValueKind.SHARE),
               *(Column(names[a], ValueKind.SHARE) for a in agencies))
    return FigureData(columns, tuple(rows), x=0, series=tuple(range(3, len(columns))))


def objections_by_outcome(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    counts = per_month_and(session, facts.OBJECTIONS, viewer, filters, "dim")
    outcomes = present((o.value for o in facts.ObjectionOutcome), counts)
    titles = {o: facts.OBJECTION_OUTCOME_LABELS[facts.ObjectionOutcome(o)] for o in outcomes}
    return counts_table(filters.months, outcomes, titles, counts, total="异议数")


FACT_SOURCES = facts.FACT_SOURCES
FIGURES = (
    Figure("assessment_applications_by_state", "评估申请（按当前状态）", THEME, Chart.STACKED_BAR, AUDIENCES,
           applications_by_state, DIMS,
           "每月提交的首次评估和重新评估申请数，按各申请目前所处的状态分列（复评计入异议）；状态为最近一次夜间汇总时的状态。"),
    Figure("assessment_sla", "评估时限达标率", THEME, Chart.LINE, AUDIENCES, sla_by_month, DIMS,
           "每月作出结论的申请中，在受理后 30 个工作日内作出结论的占比（全部及各评估机构）：自受理日次日起至结论作出日"
           "（第二位专家确认之日）止，按工作日历（法定节假日、调休及管理员调整）计算，"
           "不超过 30 个工作日；复评期间暂停计时。"),
    Figure("assessment_objections", "异议及复评结果", THEME, Chart.STACKED_BAR, AUDIENCES, objections_by_outcome, DIMS,
           "每月提出的异议数（按复评启动日期），按复评结果分列：复评中、维持原等级、等级上调、等级下调、撤回异议、已取消；"
           "计入原结论所在评估机构。"),
    Figure("assessment_agency_levels", "各评估机构 4–5级结论占比", THEME, Chart.BAR, AUDIENCES, levels_table,
           LEVEL_DIMS, LEVELS_DESCRIPTION),
)
