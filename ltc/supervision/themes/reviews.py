"""The review SLA theme (审核时效; issue 13 point 1, SPEC §4.1) for the MIA and the insurers: per party
(the org kind owning the step) and step, the share of stages decided by their due date, by month of entry.

A stage is a case's stay at a step, due at the step's SLA rule applied to its entry date (stored on the
stage and kept in step with the working-day calendar while it is open). It is on time when decided on or
before its due date (overdue from the day after, SPEC §0.1); stages not yet decided (or closed without a
decision) are not counted. A stage belongs to the district of the case's person, or, for a case without a
person (a settlement, a rating appeal), to the district of its provider on the entry date: an insurer sees
the stages of the districts its contracts covered in the month of entry.
"""
from collections.abc import Callable
from datetime import date

from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ltc.orgs.kinds import ORG_KIND_LABELS, OrgKind
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.models import ProviderDistrictPeriod
from ltc.reviews.models import ReviewCase, ReviewParty, ReviewStage
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes.assessment import share
from ltc.supervision.themes.assessment_facts import in_month

THEME = "reviews"
DECIDED, ON_TIME = "review_stages_decided", "review_stages_on_time"
SEPARATOR = ":"
DIMS = frozenset({Dim.DISTRICT, Dim.MONTH})
PARTY_ORDER = tuple(kind.value for kind in (OrgKind.PROVIDER, OrgKind.AGENCY, OrgKind.INSURER, OrgKind.MIA))


def _district(stage=ReviewStage, case_=ReviewCase):
    """The person's district, else the district of the case's provider on the stage's entry date."""
    p = ProviderDistrictPeriod
    provider_district = (
        select(func.min(p.district)).select_from(ReviewParty)
        .join(Organisation, Organisation.id == ReviewParty.org_id)
        .join(p, p.org_id == ReviewParty.org_id)
        .where(ReviewParty.case_id == case_.id, Organisation.kind == OrgKind.PROVIDER.value,
               p.valid_from <= stage.entered_on, or_(p.valid_to.is_(None), p.valid_to > stage.entered_on))
        .scalar_subquery())
    return func.coalesce(InsuredPerson.district, provider_district)


def _stages(value) -> Callable[[date], Select]:
    def select_month(month: date) -> Select:
        s = ReviewStage
        columns = [_district().label("district"), (s.owner_kind + literal(SEPARATOR) + s.step_code).label("dim")]
        return (select(*columns, value.label("value")).select_from(s)
                .join(ReviewCase, ReviewCase.id == s.case_id)
                .outerjoin(InsuredPerson, InsuredPerson.id == ReviewCase.person_id)
                .where(s.decision.is_not(None), *in_month(s.entered_on, month))
                .group_by(*(c.element for c in columns)))
    return select_month


FACT_SOURCES = (
    FactSource(DECIDED, _stages(func.count()), "已作出决定的审核步骤（按进入月份、办理方与步骤）"),
    FactSource(ON_TIME, _stages(func.sum(case((ReviewStage.left_on <= ReviewStage.due_on, 1), else_=0))),
               "在到期日或之前作出决定的审核步骤"),
)


def _by_step(session: Session, metric: str, viewer: Viewer, filters: Filters) -> dict[str, int]:
    return {dim: int(value) for dim, value in fact_rows(session, metric, viewer, filters, by=("dim",), dims=DIMS)}


def _order(dim: str) -> tuple:
    kind, step = dim.split(SEPARATOR, 1)
    return (PARTY_ORDER.index(kind) if kind in PARTY_ORDER else len(PARTY_ORDER), kind, step)


COLUMNS = (Column("办理方", ValueKind.TEXT, labels="org_kind"),
           Column("审核步骤", ValueKind.TEXT, labels="review_step"),
           Column("已决定步骤数"), Column("按时决定数"), Column("按时率", ValueKind.SHARE))


def review_sla(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """A row per (party, step) over the filtered months: decided, on time, share. Chart: the shares by step."""
    decided = _by_step(session, DECIDED, viewer, filters)
    on_time = _by_step(session, ON_TIME, viewer, filters)
    rows = []
    for dim in sorted(decided, key=_order):
        kind, step = dim.split(SEPARATOR, 1)
        rows.append((kind, step, decided[dim], on_time.get(dim, 0), share(on_time.get(dim, 0), decided[dim])))
    return FigureData(COLUMNS, tuple(rows), x=1, series=(4,))


def review_sla_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """A row per month of entry, a share column per party (org kind)."""
    counts: dict[tuple[date, str], list[int]] = {}
    for index, metric in enumerate((DECIDED, ON_TIME)):
        for month, dim, value in fact_rows(session, metric, viewer, filters, by=("month", "dim"), dims=DIMS):
            counts.setdefault((month, dim.split(SEPARATOR, 1)[0]), [0, 0])[index] += int(value)
    parties = sorted({kind for _, kind in counts}, key=lambda k: _order(k + SEPARATOR))
    rows = tuple((month, *(share(counts[month, k][1], counts[month, k][0]) if (month, k) in counts else None
                           for k in parties)) for month in filters.months)
    columns = (Column("进入月份", ValueKind.MONTH),
               *(Column(ORG_KIND_LABELS.get(k, k), ValueKind.SHARE) for k in parties))
    return FigureData(columns, rows, x=0, series=tuple(range(1, len(columns))))


AUDIENCES = frozenset({Audience.MIA, Audience.INSURER})
DESCRIPTION = ("按办理方（机构类型）和审核步骤统计：所选月份内进入该步骤且已作出决定的审核环节中，"
               "在到期日当天或之前作出决定的占比；"
               "到期日按步骤时限规则（工作日或每月固定日）自进入日期起算，次日起为逾期；尚未决定的环节不计入。")
FIGURES = (
    Figure("review_sla_by_step", "审核时效（按办理方与步骤）", THEME, Chart.BAR, AUDIENCES, review_sla, DIMS,
           DESCRIPTION),
    Figure("review_sla_by_month", "审核按时率（按进入月份）", THEME, Chart.LINE, AUDIENCES, review_sla_by_month, DIMS,
           DESCRIPTION),
)
