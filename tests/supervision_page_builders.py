"""Small supervision figures for the dashboard tests (registered by monkeypatching the registry, so the
pages' tests depend on no theme) and their monthly facts, written directly."""
from datetime import date, datetime, timezone
from decimal import Decimal

from ltc.supervision import figures as registry
from ltc.supervision.facts import fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, ValueKind, register_figure
from ltc.supervision.models import FactRefresh, MonthlyFact

METRIC = "test_people"
REFRESHED = datetime(2026, 6, 2, 21, 0, tzinfo=timezone.utc)
MONTHS = (date(2026, 4, 1), date(2026, 5, 1))
ARGS = {"from": "2026-04", "to": "2026-05"}
CITY_AND_ORGS = frozenset({Audience.MIA, Audience.INSURER, Audience.PROVIDER, Audience.AGENCY})


def by_level(session, viewer, filters) -> FigureData:
    """Beneficiary-months by level: a count, an amount (the count × 1 000.25) and the share of all; a note
    (any msgid with a param)."""
    found = fact_rows(session, METRIC, viewer, filters, by=("level",), dims=BY_LEVEL.dims)
    total = sum(v for _, v in found) or Decimal(1)
    return FigureData(columns=(Column("失能等级", ValueKind.TEXT, "level"), Column("数量"),
                               Column("金额", ValueKind.MONEY), Column("基金比例", ValueKind.SHARE)),
                      rows=tuple((lv, int(v), v * Decimal("1000.25"), v / total) for lv, v in found),
                      x=0, series=(1,), notes=({"detail": "已审批 %(n)s 份结算", "params": {"n": int(total)}},))


def by_month(session, viewer, filters) -> FigureData:
    found = fact_rows(session, METRIC, viewer, filters, by=("month",), dims=BY_MONTH.dims)
    return FigureData(columns=(Column("月份", ValueKind.MONTH), Column("金额", ValueKind.MONEY)),
                      rows=tuple(found), x=0, series=(1,))


def by_care_type(session, viewer, filters) -> FigureData:
    found = fact_rows(session, METRIC, viewer, filters, by=("care_type",), dims=BY_CARE_TYPE.dims)
    return FigureData(columns=(Column("服务形式", ValueKind.TEXT, "care_type"), Column("数量")),
                      rows=tuple((c, int(v)) for c, v in found), x=0, series=(1,))


BY_LEVEL = Figure("test_by_level", "失能等级", "beneficiaries", Chart.BAR, CITY_AND_ORGS, by_level,
                  dims=frozenset({Dim.MONTH, Dim.DISTRICT, Dim.LEVEL}), description="金额")
BY_MONTH = Figure("test_mia_only", "月份", "fund", Chart.LINE, frozenset({Audience.MIA}), by_month)
BY_CARE_TYPE = Figure("test_table", "服务形式", "fund", Chart.TABLE, frozenset({Audience.MIA, Audience.INSURER}),
                      by_care_type)
FIGURES = (BY_LEVEL, BY_MONTH, BY_CARE_TYPE)


def install_figures(monkeypatch, figures=FIGURES) -> None:
    """The registry holds ``figures`` only for the test."""
    monkeypatch.setattr(registry, "_FIGURES", {})
    for figure in figures:
        register_figure(figure)


def add_facts(session, world, *, refreshed_at=REFRESHED) -> None:
    """April and May: level 4 at home in 东城区 (the insurer's, the provider's), level 2 in 南城区 (no
    contract of the insurer), and their refresh marks."""
    p = world.provider.id
    for month, district, care, level, provider, value in (
            (MONTHS[0], "东城区", "home", 4, p, "3"), (MONTHS[1], "东城区", "home", 4, p, "1"),
            (MONTHS[1], "南城区", "institution", 2, world.provider2.id, "4")):
        session.add(MonthlyFact(month=month, metric=METRIC, district=district, care_type=care, level=level,
                                provider_id=provider, value=Decimal(value)))
    for month in MONTHS:
        session.add(FactRefresh(month=month, metric=METRIC, refreshed_at=refreshed_at, rows=2))
    session.flush()
