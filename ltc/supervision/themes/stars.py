"""Provider stars (星级评定, SPEC §8; issue 13 point 1): how many providers hold ★1 … ★5 in each month,
and the movers — the providers whose star rose or fell against the month before.

The star of a month is the provider's **monthly star in force on its 1st** (the star rated for the month
before, in force from the 1st of the next). Fact ``provider_stars``: one row per provider with a star in
force, ``dim`` = its stars, the district the provider's on that day.
"""
from datetime import date

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from ltc.billing.stars.models import ProviderMonthlyStar
from ltc.core.months import add_months
from ltc.core.periods import covering_filter
from ltc.orgs.models import Organisation
from ltc.providers.models import ProviderDistrictPeriod
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import (Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind,
                                     Viewer)
from ltc.supervision.themes.care_tables import monthly_figure, provider_district_on

SUPERVISORS = frozenset({Audience.MIA, Audience.INSURER})
STAR_DIMS = frozenset({Dim.MONTH, Dim.DISTRICT})
STARS = ("1", "2", "3", "4", "5")
STAR_TITLES = {"1": "一星", "2": "二星", "3": "三星", "4": "四星", "5": "五星"}


def stars_in_force(month: date) -> Select:
    star = ProviderMonthlyStar
    return (select(ProviderDistrictPeriod.district.label("district"), star.org_id.label("provider_id"),
                   cast(star.stars, String).label("dim"), func.count().label("value"))
            .outerjoin(ProviderDistrictPeriod, provider_district_on(star.org_id, month))
            .where(covering_filter(star, month))
            .group_by(ProviderDistrictPeriod.district, star.org_id, star.stars))


FACT_SOURCES = (
    FactSource("provider_stars", stars_in_force, "providers by the monthly star in force on the 1st (dim)"),
)


def star_history(session: Session, viewer: Viewer, filters: Filters, *, since: date | None = None) -> dict:
    """{(month, provider id): stars} of the monthly stars in force from ``since`` (default: the filters')."""
    window = Filters(since or filters.month_from, filters.month_to, district=filters.district)
    return {(month, provider): int(stars) for month, provider, stars, _ in
            fact_rows(session, "provider_stars", viewer, window, by=("month", "provider_id", "dim"),
                      dims=STAR_DIMS)}


def distribution(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """The months down, the number of providers at each star across."""
    rows = fact_rows(session, "provider_stars", viewer, filters, by=("month", "dim"), dims=STAR_DIMS)
    return monthly_figure(rows, filters.months, [(s, STAR_TITLES[s]) for s in STARS])


def movers(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Each provider whose star in a filtered month differs from its star the month before: month,
    provider, from, to (latest month first, then the largest fall first)."""
    stars = star_history(session, viewer, filters, since=add_months(filters.month_from, -1))
    moved = [(month, provider, stars[(add_months(month, -1), provider)], now)
             for (month, provider), now in stars.items()
             if month >= filters.month_from and stars.get((add_months(month, -1), provider), now) != now]
    names = dict(session.execute(select(Organisation.id, Organisation.name)
                                 .where(Organisation.id.in_({m[1] for m in moved}))).all())
    moved.sort(key=lambda m: (-m[0].toordinal(), m[3] - m[2], names[m[1]]))
    rows = tuple((month, names[provider], before, after) for month, provider, before, after in moved)
    return FigureData(columns=(Column("月份", ValueKind.MONTH), Column("护理机构", ValueKind.TEXT),
                               Column("原星级"), Column("新星级")), rows=rows, x=1, series=(3,))


def _figure(key, title, chart, compute, description) -> Figure:
    return Figure(key=key, title=title, theme="stars", chart=chart, audiences=SUPERVISORS, compute=compute,
                  dims=STAR_DIMS, description=description)


FIGURES = (
    _figure("stars_distribution", "护理机构星级分布", Chart.STACKED_BAR, distribution,
            "每月1日生效的机构月度星级，各星级的机构数"),
    _figure("stars_movers", "星级升降的护理机构", Chart.TABLE, movers,
            "月度星级较上月升高或降低的护理机构"),
)
