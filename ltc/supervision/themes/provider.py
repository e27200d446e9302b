"""The provider's own dashboard (本机构概况, issue 13 point 4): the numbers a nursing-home director checks
every morning — today's census and visits first (indexed queries on the provider's own records), then
per month its beneficiaries by care type and level, occupied beds at month end, visits done against
scheduled, the findings trend, the settlements' status and its monthly stars.

"Today" is the business date of the dashboard: today, or the last day of the filters' last month when
that month is over. Every figure reads the viewer's own organisation only (a provider sees nothing else).

Facts (one grouped SELECT per month; the district is the person's):

* ``provider_beneficiaries``: persons with a live entitlement in the month by care type, level, provider;
* ``census``: stays in force on the month's last day (occupied beds) by care type and provider;
* ``visits``: the month's visits by status (``dim``: scheduled, in progress, done, cancelled).
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement
from ltc.billing.review.models import SettlementAudit
from ltc.core.clock import local_today
from ltc.core.months import first_of_next_month, last_of_month
from ltc.core.periods import covering_filter, overlap_filter
from ltc.entitlements.models import LEVEL_NAMES, Entitlement
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import VisitStatus
from ltc.providers.models import ProviderBedsPeriod
from ltc.providers.records.models import Stay, Visit
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import (Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind,
                                     Viewer)
from ltc.supervision.themes.care_tables import CENT, in_month, monthly_figure, present_keys
from ltc.supervision.themes.findings import severity_by_month
from ltc.supervision.themes.stars import star_history

OWN = frozenset({Audience.PROVIDER})
ALL_DIMS = frozenset(Dim)
CARE_DIMS = frozenset({Dim.MONTH, Dim.CARE_TYPE})
MONTHS_ONLY = frozenset({Dim.MONTH})
NOT_CANCELLED = (VisitStatus.SCHEDULED.value, VisitStatus.IN_PROGRESS.value, VisitStatus.DONE.value)


# --- facts ------------------------------------------------------------------------------------

def beneficiaries(month: date) -> Select:
    ent = Entitlement
    return (select(InsuredPerson.district.label("district"), ent.care_type.label("care_type"),
                   ent.level.label("level"), ent.provider_id.label("provider_id"),
                   func.count(func.distinct(ent.person_id)).label("value"))
            .join(InsuredPerson, InsuredPerson.id == ent.person_id)
            .where(overlap_filter(ent, month, first_of_next_month(month)))
            .group_by(InsuredPerson.district, ent.care_type, ent.level, ent.provider_id))


def _stays_on(day: date):
    """Stays holding a bed on ``day`` (a same-day stay holds it that day)."""
    return and_(Stay.admitted_on <= day, or_(Stay.discharged_on.is_(None), Stay.discharged_on > day,
                                             and_(Stay.discharged_on == day, Stay.admitted_on == day)))


def census(month: date) -> Select:
    day = last_of_month(month)
    return (select(InsuredPerson.district.label("district"), Stay.care_type.label("care_type"),
                   Stay.provider_id.label("provider_id"), func.count().label("value"))
            .join(InsuredPerson, InsuredPerson.id == Stay.person_id)
            .where(_stays_on(day))
            .group_by(InsuredPerson.district, Stay.care_type, Stay.provider_id))


def visits(month: date) -> Select:
    return (select(InsuredPerson.district.label("district"), Visit.care_type.label("care_type"),
                   Visit.provider_id.label("provider_id"), Visit.status.label("dim"), func.count().label("value"))
            .join(InsuredPerson, InsuredPerson.id == Visit.person_id)
            .where(in_month(Visit.service_date, month))
            .group_by(InsuredPerson.district, Visit.care_type, Visit.provider_id, Visit.status))


FACT_SOURCES = (
    FactSource("provider_beneficiaries", beneficiaries, "persons with a live entitlement by care type, level"),
    FactSource("census", census, "stays holding a bed on the month's last day by care type"),
    FactSource("visits", visits, "the month's visits by status (dim)"),
)


# --- today ------------------------------------------------------------------------------------

def business_day(filters: Filters, today: date | None = None) -> date:
    """Today, or the last day of the filters' last month when that month is over."""
    return min(today or local_today(), last_of_month(filters.month_to))


def _as_of(day: date) -> tuple:
    return ({"detail": "截至 %(day)s", "params": {"day": day.isoformat()}},)


def _own(viewer: Viewer) -> int | None:
    return viewer.org_id if viewer.audience == Audience.PROVIDER else None


def census_today(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Occupied beds today by care type, next to the provider's beds."""
    day, org = business_day(filters), _own(viewer)
    occupied = session.execute(
        select(Stay.care_type, func.count()).where(Stay.provider_id == org, _stays_on(day))
        .group_by(Stay.care_type).order_by(Stay.care_type)).all()
    beds = session.scalar(select(ProviderBedsPeriod.beds).where(ProviderBedsPeriod.org_id == org,
                                                                covering_filter(ProviderBedsPeriod, day)))
    rows = tuple((care_type, n, beds) for care_type, n in occupied)
    return FigureData(columns=(Column("服务形式", ValueKind.TEXT, "care_type"), Column("在院人数"),
                               Column("床位数")), rows=rows, x=0, series=(1, 2), notes=_as_of(day))


def visits_today(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Today's visits by care type: done against scheduled (every visit of the day not cancelled)."""
    day, org = business_day(filters), _own(viewer)
    done = func.sum(case((Visit.status == VisitStatus.DONE.value, 1), else_=0))
    counted = session.execute(
        select(Visit.care_type, done, func.count())
        .where(Visit.provider_id == org, Visit.service_date == day, Visit.status.in_(NOT_CANCELLED))
        .group_by(Visit.care_type).order_by(Visit.care_type)).all()
    rows = tuple((care_type, int(n_done or 0), n) for care_type, n_done, n in counted)
    return FigureData(columns=(Column("服务形式", ValueKind.TEXT, "care_type"), Column("已完成"),
                               Column("计划")), rows=rows, x=0, series=(1, 2), notes=_as_of(day))


# --- months -----------------------------------------------------------------------------------

def _by_month(session, viewer, filters, metric: str, key: str, dims) -> list[tuple]:
    return fact_rows(session, metric, viewer, filters, by=("month", key), dims=dims)


def beneficiaries_by_level(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    rows = _by_month(session, viewer, filters, "provider_beneficiaries", "level", ALL_DIMS)
    levels = present_keys(rows, sorted(LEVEL_NAMES))
    return monthly_figure(rows, filters.months, [(lv, LEVEL_NAMES[lv]) for lv in levels])


def beneficiaries_by_care_type(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    rows = _by_month(session, viewer, filters, "provider_beneficiaries", "care_type", ALL_DIMS)
    types = present_keys(rows, list(CareType))
    return monthly_figure(rows, filters.months, [(t, CARE_TYPE_LABELS[CareType(t)]) for t in types])


def census_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    rows = _by_month(session, viewer, filters, "census", "care_type", CARE_DIMS)
    types = present_keys(rows, list(CareType))
    return monthly_figure(rows, filters.months, [(t, CARE_TYPE_LABELS[CareType(t)]) for t in types])


def visits_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Per month: visits done, and scheduled (every visit of the month not cancelled)."""
    rows = _by_month(session, viewer, filters, "visits", "dim", CARE_DIMS)
    done = [(m, "done", v) for m, status, v in rows if status == VisitStatus.DONE.value]
    planned = [(m, "planned", v) for m, status, v in rows if status in NOT_CANCELLED]
    return monthly_figure(done + planned, filters.months, [("done", "已完成"), ("planned", "计划")])


def settlements(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Its settlements of the filtered service months: status, fund, the audit's deductions, net."""
    stmt = (select(Settlement.month, Settlement.status, Settlement.billable, Settlement.fund,
                   func.coalesce(SettlementAudit.deducted_fund, 0), Settlement.net)
            .outerjoin(SettlementAudit, SettlementAudit.settlement_id == Settlement.id)
            .where(Settlement.provider_id == _own(viewer), Settlement.month >= filters.month_from,
                   Settlement.month <= filters.month_to).order_by(Settlement.month))
    rows = tuple((month, status, billable, fund, Decimal(str(deducted)).quantize(CENT), net)
                 for month, status, billable, fund, deducted, net in session.execute(stmt))
    return FigureData(columns=(Column("服务月份", ValueKind.MONTH), Column("状态", ValueKind.TEXT, "settlement_status"),
                               Column("费用总额", ValueKind.MONEY), Column("基金支付", ValueKind.MONEY),
                               Column("审核扣减基金", ValueKind.MONEY), Column("实付金额", ValueKind.MONEY)),
                      rows=rows, x=0, series=(3, 5))


def stars(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Its monthly star in force on each month's 1st."""
    history = star_history(session, viewer, filters)
    rows = tuple((month, history.get((month, viewer.org_id))) for month in filters.months)
    return FigureData(columns=(Column("月份", ValueKind.MONTH), Column("月度星级")), rows=rows, x=0, series=(1,))


def _figure(key, title, chart, compute, description, dims=ALL_DIMS) -> Figure:
    return Figure(key=key, title=title, theme="provider", chart=chart, audiences=OWN, compute=compute, dims=dims,
                  description=description)


FIGURES = (
    _figure("provider_census_today", "今日在院", Chart.BAR, census_today,
            "今日（所选月份已结束时为该月最后一天）在院的人数与床位数", MONTHS_ONLY),
    _figure("provider_visits_today", "今日上门服务", Chart.BAR, visits_today,
            "今日计划的上门服务（未取消）与已完成的服务", MONTHS_ONLY),
    _figure("provider_beneficiaries_level", "服务对象（按失能等级）", Chart.STACKED_BAR, beneficiaries_by_level,
            "每月有有效待遇的本机构服务对象，按失能等级"),
    _figure("provider_beneficiaries_care_type", "服务对象（按服务形式）", Chart.STACKED_BAR,
            beneficiaries_by_care_type, "每月有有效待遇的本机构服务对象，按服务形式"),
    _figure("provider_census", "月末在院人数", Chart.LINE, census_by_month, "每月最后一天在院的人数", CARE_DIMS),
    _figure("provider_visits", "上门服务完成情况", Chart.BAR, visits_by_month,
            "每月计划的上门服务（未取消）与已完成的服务", CARE_DIMS),
    _figure("provider_findings", "规则检查问题趋势", Chart.STACKED_BAR, severity_by_month,
            "每月仍有效的规则检查问题，按严重程度", frozenset({Dim.MONTH, Dim.CARE_TYPE})),
    _figure("provider_settlements", "月度结算状态", Chart.BAR, settlements,
            "各服务月份本机构结算的状态、基金支付、审核扣减与实付金额", MONTHS_ONLY),
    _figure("provider_stars", "月度星级", Chart.LINE, stars, "每月1日生效的本机构月度星级", MONTHS_ONLY),
)
