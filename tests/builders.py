"""Small explicit builders for test data."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.services import create_user
from ltc.core.audit import SYSTEM
from ltc.core.periods import add_period
from ltc.orgs.models import AgreementPeriod, District, InsurerContract, Organisation, OrgStatusPeriod
from ltc.providers.models import ProviderBedsPeriod, ProviderCareTypePeriod, ProviderGradePeriod

PASSWORD = "test-pass-123"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
def uscc(n: int) -> str:
    from stdnum.cn import uscc as mod

    base = f"9111000{n:010d}"[:17]
    return base + mod.calc_check_digit(base)


def org(session, kind: str, name: str, n: int, *, districts=None, start=date(2025, 1, 1)) -> Organisation:
    """An active organisation with an agreement from ``start``; an insurer's ``districts`` become
    open-ended contracts from ``start`` (each district added to the list when missing)."""
    o = Organisation(kind=kind, name=name, uscc=uscc(n))
    session.add(o)
    session.flush()
    add_period(session, OrgStatusPeriod, org_id=o.id, status="active", valid_from=start)
    add_period(session, AgreementPeriod, org_id=o.id, agreement_no=f"XY-{n:04d}", valid_from=start,
               valid_to=date(2028, 1, 1))
    for code in districts or ():
        contract(session, o, code, start)
    return o


def district(session, code: str) -> District:
    """The district ``code`` of the list (added, named by its code, when missing)."""
    from ltc.orgs.services import add_district

    found = session.scalar(select(District).where(District.code == code))
    return found if found is not None else add_district(session, actor=SYSTEM, now=T0, code=code, name=code)


def contract(session, insurer: Organisation, code: str, valid_from: date, valid_to: date | None = None,
             *, now=T0) -> InsurerContract:
    """A contract (承办合同) of ``insurer`` for district ``code``, through the service."""
    from ltc.orgs.contracts import add_contract

    district(session, code)
    return add_contract(session, actor=SYSTEM, now=now, insurer_id=insurer.id, district=code,
                        valid_from=valid_from, valid_to=valid_to)


def user(session, o: Organisation, username: str, *roles: str) -> User:
    return create_user(session, actor=SYSTEM, org=o, username=username, full_name=username,
                       password=PASSWORD, roles=set(roles), now=T0, check_strength=False)


@dataclass
class World:
    mia: Organisation
    insurer: Organisation
    agency: Organisation
    provider: Organisation
    provider2: Organisation
    users: dict[str, User] = field(default_factory=dict)


def world(session) -> World:
    w = World(
        mia=org(session, "mia", "市医保中心", 1),
        insurer=org(session, "insurer", "承办保险公司", 2, districts=["东城区", "西城区"]),
        agency=org(session, "agency", "评估机构甲", 3),
        provider=org(session, "provider", "居家护理甲", 4),
        provider2=org(session, "provider", "养老院乙", 5),
    )
    for p, grade, care in ((w.provider, "home_care", "home"), (w.provider2, "nursing_home", "institution")):
        add_period(session, ProviderGradePeriod, org_id=p.id, grade=grade, valid_from=date(2025, 1, 1))
        add_period(session, ProviderCareTypePeriod, org_id=p.id, care_type=care, valid_from=date(2025, 1, 1))
    add_period(session, ProviderBedsPeriod, org_id=w.provider2.id, beds=60, valid_from=date(2025, 1, 1))
    for name, o, roles in (
        ("mia_admin", w.mia, ("admin",)), ("mia_op", w.mia, ("operator",)), ("mia_rev", w.mia, ("reviewer",)),
        ("ins_admin", w.insurer, ("admin",)), ("ins_op", w.insurer, ("operator",)),
        ("ins_rev", w.insurer, ("reviewer",)),
        ("ag_admin", w.agency, ("admin",)), ("ag_assessor", w.agency, ("assessor",)),
        ("pr_admin", w.provider, ("admin",)), ("pr_op", w.provider, ("operator",)),
        ("pr_carer", w.provider, ("carer",)), ("pr2_admin", w.provider2, ("admin",)),
        ("pr2_op", w.provider2, ("operator",)),
    ):
        w.users[name] = user(session, o, name, *roles)
    session.flush()
    return w
