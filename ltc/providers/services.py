"""A care provider's dated agreement attributes (SPEC §0.2, §1): care types, facility grade,
beds, daily nursing price and district, each "from date D on". Audited; flush, never commit.
"""
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.money import to_money
from ltc.core.periods import add_period, covering_filter, period_on, periods_of, periods_overlapping
from ltc.orgs.kinds import CareType, FacilityGrade, OrgKind, OrgStatus
from ltc.orgs.models import District, Organisation, OrgStatusPeriod
from ltc.orgs.profile import OrgProfile
from ltc.orgs.services import ENTITY, OrgHistory, active_district, change_from
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderDistrictPeriod,
                                  ProviderGradePeriod, ProviderPricePeriod)

MAX_PRICE = Decimal("100000")


def _require_provider(org: Organisation) -> None:
    if org.kind != OrgKind.PROVIDER:
        raise ValidationFailed("只有定点护理服务机构登记服务形式、等级、床位、价格和区县")


def care_types_on(session: Session, org_id: int, day: date) -> set[str]:
    """The care types in the provider's agreement on ``day``."""
    return set(session.scalars(select(ProviderCareTypePeriod.care_type).where(
        ProviderCareTypePeriod.org_id == org_id, covering_filter(ProviderCareTypePeriod, day))))


def set_care_types(session: Session, org: Organisation, *, actor: Actor, now: datetime,
                   care_types: Iterable[str], valid_from: date) -> set[str]:
    """From ``valid_from`` on, the agreement covers exactly ``care_types``.

    Removed types end at ``valid_from`` (a period starting that very day is dropped); new ones
    start there, open-ended. Raises ValidationFailed (not a provider, unknown type, no change)
    or Conflict (a changed type already has a period starting after ``valid_from``).
    """
    _require_provider(org)
    wanted = set(care_types)
    if unknown := wanted - set(CareType):
        raise ValidationFailed("服务形式无效：%(values)s", {"care_types": "invalid"},
                               params={"values": sorted(unknown)})
    periods = periods_of(session, ProviderCareTypePeriod, org_id=org.id)
    current = {p.care_type: p for p in periods if p.covers(valid_from)}
    changed = wanted ^ set(current)
    if not changed:
        raise ValidationFailed("%(day)s 当日的服务形式已是如此，无需变更", {"care_types": "unchanged"},
                               params={"day": valid_from.isoformat()})
    later = sorted(p.valid_from for p in periods if p.care_type in changed and p.valid_from > valid_from)
    if later:
        raise Conflict("%(later)s 起已有服务形式登记，不能从 %(day)s 起变更", {"valid_from": "later period exists"},
                       params={"later": later[0].isoformat(), "day": valid_from.isoformat()})
    for care_type in set(current) - wanted:
        period = current[care_type]
        if period.valid_from == valid_from:
            session.delete(period)
        else:
            period.valid_to = valid_from
    session.flush()
    for care_type in sorted(wanted - set(current)):
        add_period(session, ProviderCareTypePeriod, org_id=org.id, care_type=care_type,
                   valid_from=valid_from)
    audit.record(session, actor, "set_care_types", ENTITY, org.id, now=now,
                 before={"care_types": sorted(current), "on": valid_from},
                 after={"care_types": sorted(wanted), "valid_from": valid_from})
    return wanted


def set_grade(session: Session, org: Organisation, *, actor: Actor, now: datetime, grade: str,
              valid_from: date) -> ProviderGradePeriod:
    """From ``valid_from`` on, the provider's facility grade is ``grade``."""
    _require_provider(org)
    if grade not in set(FacilityGrade):
        raise ValidationFailed("机构等级无效", {"grade": "invalid"})
    return change_from(session, org, ProviderGradePeriod, "grade", grade, valid_from,
                       actor=actor, now=now, action="set_grade")


def set_beds(session: Session, org: Organisation, *, actor: Actor, now: datetime, beds: int,
             valid_from: date) -> ProviderBedsPeriod:
    """From ``valid_from`` on, the provider has ``beds`` beds (≥ 0)."""
    _require_provider(org)
    if isinstance(beds, bool) or not isinstance(beds, int) or beds < 0:
        raise ValidationFailed("床位数应为不小于 0 的整数", {"beds": "invalid"})
    return change_from(session, org, ProviderBedsPeriod, "beds", beds, valid_from,
                       actor=actor, now=now, action="set_beds")


def set_daily_price(session: Session, org: Organisation, *, actor: Actor, now: datetime,
                    daily_price: Decimal | str, valid_from: date) -> ProviderPricePeriod:
    """From ``valid_from`` on, the provider's daily nursing price is ``daily_price`` (Decimal, ≥ 0,
    rounded half-up to 0.01; floats are refused)."""
    _require_provider(org)
    try:
        price = to_money(daily_price)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed("日护理价格应为金额", {"daily_price": "invalid"}) from None
    if price < 0:
        raise ValidationFailed("日护理价格不能为负数", {"daily_price": "negative"})
    if price >= MAX_PRICE:
        raise ValidationFailed("日护理价格应小于 %(max)s", {"daily_price": "too large"}, params={"max": str(MAX_PRICE)})
    return change_from(session, org, ProviderPricePeriod, "daily_price", price, valid_from,
                       actor=actor, now=now, action="set_daily_price")


# --- reading several providers at once -----------------------------------------------------------

def care_type_periods(session: Session, org_ids: Iterable[int], start: date,
                      end: date | None) -> dict[int, list[ProviderCareTypePeriod]]:
    """Each provider's agreement care-type periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, ProviderCareTypePeriod, org_ids, start, end)


def grade_periods(session: Session, org_ids: Iterable[int], start: date,
                  end: date | None) -> dict[int, list[ProviderGradePeriod]]:
    return periods_overlapping(session, ProviderGradePeriod, org_ids, start, end)


def beds_periods(session: Session, org_ids: Iterable[int], start: date,
                 end: date | None) -> dict[int, list[ProviderBedsPeriod]]:
    return periods_overlapping(session, ProviderBedsPeriod, org_ids, start, end)


def price_periods(session: Session, org_ids: Iterable[int], start: date,
                  end: date | None) -> dict[int, list[ProviderPricePeriod]]:
    """Each provider's daily nursing price periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, ProviderPricePeriod, org_ids, start, end)
def district_on(session: Session, provider_id: int, day: date) -> str | None:
    """The code of the provider's district on ``day``, or None when none is recorded."""
    period = period_on(session, ProviderDistrictPeriod, day, org_id=provider_id)
    return period.district if period is not None else None


def set_district(session: Session, org: Organisation, *, actor: Actor, now: datetime, district: str,
                 valid_from: date) -> ProviderDistrictPeriod:
    """From ``valid_from`` on, the provider belongs to ``district`` (a code of the district list).

    Raises ValidationFailed (not a provider; the district unknown, deactivated or already the
    provider's on that day) or Conflict (a later or closed period would overlap).
    """
    _require_provider(org)
    code = active_district(session, district).code
    return change_from(session, org, ProviderDistrictPeriod, "district", code, valid_from,
                       actor=actor, now=now, action="set_district")


# --- the organisation pages: what a provider adds to them (registered by ``ltc.providers.wire``) ---

def fill_profile(session: Session, org: Organisation, day: date, profile: OrgProfile) -> None:
    """A provider's attributes on ``day``, added to its organisation profile."""
    if org.kind != OrgKind.PROVIDER:
        return
    profile.care_types = list(session.scalars(
        select(ProviderCareTypePeriod.care_type).where(
            ProviderCareTypePeriod.org_id == org.id, covering_filter(ProviderCareTypePeriod, day))
        .order_by(ProviderCareTypePeriod.care_type)))
    grade = period_on(session, ProviderGradePeriod, day, org_id=org.id)
    beds = period_on(session, ProviderBedsPeriod, day, org_id=org.id)
    price = period_on(session, ProviderPricePeriod, day, org_id=org.id)
    profile.grade = grade.grade if grade else None
    profile.beds = beds.beds if beds else None
    profile.daily_price = price.daily_price if price else None
    district = period_on(session, ProviderDistrictPeriod, day, org_id=org.id)
    if district:
        profile.district = district.district
        profile.district_name = session.scalar(select(District.name).where(District.code == district.district))


def fill_history(session: Session, org: Organisation, history: OrgHistory) -> None:
    """A provider's attribute periods, oldest first, added to its organisation's history."""
    if org.kind != OrgKind.PROVIDER:
        return
    history.care_types = sorted(periods_of(session, ProviderCareTypePeriod, org_id=org.id),
                                key=lambda p: (p.valid_from, p.care_type))
    history.grades = periods_of(session, ProviderGradePeriod, org_id=org.id)
    history.beds = periods_of(session, ProviderBedsPeriod, org_id=org.id)
    history.prices = periods_of(session, ProviderPricePeriod, org_id=org.id)
    history.district_periods = periods_of(session, ProviderDistrictPeriod, org_id=org.id)


def districts_in_use(session: Session) -> set[str]:
    """The district codes some provider's district period names (they may not be deleted)."""
    return set(session.scalars(select(ProviderDistrictPeriod.district).distinct()))


# --- choosing a provider ----------------------------------------------------------------------

def active_providers(session: Session, day: date) -> list[tuple[int, str, list[str]]]:
    """(id, name, care types) of the providers active on ``day`` with at least one care type."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, ProviderCareTypePeriod.care_type)
        .join(OrgStatusPeriod, OrgStatusPeriod.org_id == Organisation.id)
        .join(ProviderCareTypePeriod, ProviderCareTypePeriod.org_id == Organisation.id)
        .where(Organisation.kind == OrgKind.PROVIDER, OrgStatusPeriod.status == OrgStatus.ACTIVE,
               covering_filter(OrgStatusPeriod, day), covering_filter(ProviderCareTypePeriod, day))
        .order_by(Organisation.name, Organisation.id, ProviderCareTypePeriod.care_type))
    providers: dict[int, tuple[int, str, list[str]]] = {}
    for org_id, name, care_type in rows:
        providers.setdefault(org_id, (org_id, name, []))[2].append(care_type)
    return list(providers.values())
