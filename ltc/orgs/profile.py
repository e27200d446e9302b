"""An organisation's facts as of a date, as plain values for pages and PDFs.

The provider attributes (care types, grade, beds, price, district) are filled by the providers
domain through ``add_profile_filler`` (called from ``ltc.providers.wire``): organisations know
nothing of providers."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.periods import covering_filter, period_on
from ltc.orgs.models import AgreementPeriod, InsurerContract, Organisation, OrgStatusPeriod


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


ProfileFiller = Callable[[Session, Organisation, date, OrgProfile], None]
PROFILE_FILLERS: list[ProfileFiller] = []


def add_profile_filler(fill: ProfileFiller) -> None:
    if fill not in PROFILE_FILLERS:
        PROFILE_FILLERS.append(fill)


def contract_districts_on(session: Session, org: Organisation, day: date) -> list[str]:
    """The districts an insurer's contracts cover on ``day`` (codes, sorted)."""
    return sorted(session.scalars(select(InsurerContract.district).where(
        InsurerContract.insurer_id == org.id, covering_filter(InsurerContract, day))))


def org_profile(session: Session, org: Organisation, day: date) -> OrgProfile:
    status = period_on(session, OrgStatusPeriod, day, org_id=org.id)
    agreement = period_on(session, AgreementPeriod, day, org_id=org.id)
    profile = OrgProfile(id=org.id, name=org.name, kind=org.kind, uscc=org.uscc, address=org.address,
                         districts=contract_districts_on(session, org, day),
                         status=status.status if status else None)
    if agreement:
        profile.agreement_no = agreement.agreement_no
        profile.agreement_from, profile.agreement_to = agreement.valid_from, agreement.valid_to
    for fill in PROFILE_FILLERS:
        fill(session, org, day, profile)
    return profile
