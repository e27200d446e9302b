"""An organisation's facts as of a date, as plain values for pages and PDFs."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.periods import covering_filter, period_on
from ltc.orgs.models import AgreementPeriod, District, Organisation, OrgStatusPeriod
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderDistrictPeriod,
                                  ProviderGradePeriod, ProviderPricePeriod)


@dataclass
class OrgProfile:
    id: int
    name: str
    kind: str
    uscc: str
    address: str | None
    districts: list[str]
    status: str | None
    agreement_no: str | None = None
    agreement_from: date | None = None
    agreement_to: date | None = None
    care_types: list[str] = field(default_factory=list)
    grade: str | None = None
    beds: int | None = None
    daily_price: Decimal | None = None
    district: str | None = None  # code
    district_name: str | None = None


def org_profile(session: Session, org: Organisation, day: date) -> OrgProfile:
    status = period_on(session, OrgStatusPeriod, day, org_id=org.id)
    agreement = period_on(session, AgreementPeriod, day, org_id=org.id)
    profile = OrgProfile(id=org.id, name=org.name, kind=org.kind, uscc=org.uscc, address=org.address,
                         districts=list(org.districts or []), status=status.status if status else None)
    if agreement:
        profile.agreement_no = agreement.agreement_no
        profile.agreement_from, profile.agreement_to = agreement.valid_from, agreement.valid_to
    if org.kind == "provider":
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
    return profile
