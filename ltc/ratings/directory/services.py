"""The public provider directory (SPEC §8, issue 12 point 9): what a family uses to choose a provider.

Only organisation facts are read — name, address, telephone, district, grade, agreement care types, beds,
daily price, stars and the components of the latest computed monthly rating — never a person. A provider
is listed while it is active and holds an agreement on the day. Every read is a handful of indexed
queries per page, whatever the number of providers.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from ltc.billing.stars.models import ProviderAnnualStar, ProviderMonthlyStar
from ltc.core.errors import NotFound
from ltc.core.pagination import Page, paginate
from ltc.core.periods import covering_filter
from ltc.orgs.kinds import OrgKind, OrgStatus
from ltc.orgs.models import AgreementPeriod, District, Organisation, OrgStatusPeriod
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderDistrictPeriod,
                                  ProviderGradePeriod, ProviderPricePeriod)
from ltc.ratings.run.models import ProviderRating, RatingComponent, RatingRun

MONTHS_SHOWN = 12


@dataclass
class Listing:
    id: int
    name: str
    address: str | None
    district: str | None
    beds: int | None
    monthly: int | None
    monthly_month: date | None
    care_types: list[str] = field(default_factory=list)
    grade: str | None = None
    annual: int | None = None
    annual_year: int | None = None


@dataclass(frozen=True)
class Component:
    name: str
    n: int
    adjusted: Decimal | None
    scheme_mean: Decimal | None
    weight: Decimal


def _covering(model, day: date):
    return and_(model.org_id == Organisation.id, covering_filter(model, day))


def _listed(day: date) -> Select:
    """The providers active with an agreement on ``day``, with their district, beds and monthly star."""
    return (select(Organisation.id, Organisation.name, Organisation.address, District.name,
                   ProviderBedsPeriod.beds, ProviderMonthlyStar.stars, ProviderMonthlyStar.month)
            .join(OrgStatusPeriod, and_(_covering(OrgStatusPeriod, day), OrgStatusPeriod.status == OrgStatus.ACTIVE))
            .join(AgreementPeriod, _covering(AgreementPeriod, day))
            .outerjoin(ProviderDistrictPeriod, _covering(ProviderDistrictPeriod, day))
            .outerjoin(District, District.code == ProviderDistrictPeriod.district)
            .outerjoin(ProviderBedsPeriod, _covering(ProviderBedsPeriod, day))
            .outerjoin(ProviderMonthlyStar, _covering(ProviderMonthlyStar, day))
            .where(Organisation.kind == OrgKind.PROVIDER))


def search(session: Session, *, day: date, district: str | None = None, care_type: str | None = None,
           page: int = 1, per_page: int = 25) -> tuple[Page, list[Listing]]:
    """One page of listed providers (best monthly star first, then by name), optionally in one district
    and offering one care type."""
    stmt = _listed(day)
    if district:
        stmt = stmt.where(ProviderDistrictPeriod.district == district)
    if care_type:
        stmt = stmt.where(exists().where(ProviderCareTypePeriod.org_id == Organisation.id,
                                         ProviderCareTypePeriod.care_type == care_type,
                                         covering_filter(ProviderCareTypePeriod, day)))
    stmt = stmt.order_by(ProviderMonthlyStar.stars.desc().nulls_last(), Organisation.name, Organisation.id)
    found = paginate(session, stmt, page=page, per_page=per_page, scalars=False)
    rows = [Listing(*row) for row in found.items]
    _complete(session, rows, day)
    return found, rows


def _complete(session: Session, rows: list[Listing], day: date) -> None:
    """Care types, grade and latest annual star of the listed providers: three queries for the page."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    for org_id, care_type in session.execute(
            select(ProviderCareTypePeriod.org_id, ProviderCareTypePeriod.care_type)
            .where(ProviderCareTypePeriod.org_id.in_(by_id), covering_filter(ProviderCareTypePeriod, day))
            .order_by(ProviderCareTypePeriod.care_type)):
        by_id[org_id].care_types.append(care_type)
    for org_id, grade in session.execute(select(ProviderGradePeriod.org_id, ProviderGradePeriod.grade).where(
            ProviderGradePeriod.org_id.in_(by_id), covering_filter(ProviderGradePeriod, day))):
        by_id[org_id].grade = grade
    for org_id, year, stars in session.execute(
            select(ProviderAnnualStar.org_id, ProviderAnnualStar.year, ProviderAnnualStar.stars)
            .where(ProviderAnnualStar.org_id.in_(by_id), ProviderAnnualStar.year < day.year)
            .order_by(ProviderAnnualStar.year)):
        by_id[org_id].annual, by_id[org_id].annual_year = stars, year


def listing(session: Session, provider_id: int, *, day: date) -> Listing:
    """One listed provider; NotFound (404) for anything that is not a provider listed on ``day``."""
    row = session.execute(_listed(day).where(Organisation.id == provider_id)).first()
    if row is None:
        raise NotFound("该护理机构不在名录中")
    found = Listing(*row)
    _complete(session, [found], day)
    return found


def contact(session: Session, provider_id: int, day: date) -> tuple[str | None, Decimal | None]:
    """The provider's public telephone and its daily nursing price on ``day`` (institutions)."""
    phone = session.scalar(select(Organisation.phone).where(Organisation.id == provider_id))
    price = session.scalar(select(ProviderPricePeriod.daily_price).where(
        ProviderPricePeriod.org_id == provider_id, covering_filter(ProviderPricePeriod, day)))
    return phone, price


def monthly_history(session: Session, provider_id: int, *, day: date) -> list[tuple[date, int]]:
    """(month, stars) of the provider's last monthly stars in force by ``day``, newest first."""
    return [tuple(r) for r in session.execute(
        select(ProviderMonthlyStar.month, ProviderMonthlyStar.stars)
        .where(ProviderMonthlyStar.org_id == provider_id, ProviderMonthlyStar.valid_from <= day)
        .order_by(ProviderMonthlyStar.month.desc()).limit(MONTHS_SHOWN))]


def components(session: Session, provider_id: int, month: date | None) -> list[Component]:
    """The components of the provider's computed monthly rating of ``month`` (empty when the star was
    entered by hand or there is none)."""
    if month is None:
        return []
    rows = session.execute(
        select(RatingComponent.component, RatingComponent.n, RatingComponent.adjusted, RatingComponent.scheme_mean,
               RatingComponent.weight)
        .join(ProviderRating, ProviderRating.id == RatingComponent.rating_id)
        .join(RatingRun, RatingRun.id == ProviderRating.run_id)
        .where(RatingRun.kind == "monthly", RatingRun.period == month, ProviderRating.provider_id == provider_id)
        .order_by(RatingComponent.weight.desc(), RatingComponent.component))
    return [Component(*row) for row in rows]


def districts(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the active districts, for the filter."""
    return [tuple(r) for r in session.execute(select(District.code, District.name).where(District.active)
                                              .order_by(District.sort_order, District.name))]
