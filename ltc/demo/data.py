"""The demo city: organisations, users and insured persons (idempotent)."""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from ltc.auth.models import User
from ltc.auth.services import create_user
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.periods import add_period
from ltc.orgs.models import AgreementPeriod, Organisation, OrgStatusPeriod
from ltc.orgs.models import District
from ltc.orgs.contracts import add_contract
from ltc.orgs.services import add_district
from ltc.providers.models import (ProviderBedsPeriod, ProviderCareTypePeriod, ProviderDistrictPeriod,
                                  ProviderGradePeriod, ProviderPricePeriod)

DISTRICTS = ("东城区", "西城区", "南湖区", "北山区", "新港区", "青溪县")
DISTRICT_CODES = {"东城区": "330102", "西城区": "330103", "南湖区": "330104", "北山区": "330105",
                  "新港区": "330106", "青溪县": "330127"}
START = date(2024, 1, 1)
#: demo agreements and expert certificates run this many years past the load date's year, so a
#: fresh demo never lists an agreement or certificate that ends soon, whenever it is loaded
AGREEMENT_YEARS, CERTIFICATE_YEARS = 2, 3


def years_ahead(now: datetime, years: int) -> date:
    """The 1st of January ``years`` years after the year of the load date (local)."""
    return date(local_today(now).year + years, 1, 1)


@dataclass(frozen=True)
class OrgSpec:
    key: str
    kind: str
    name: str
    districts: tuple[str, ...] = ()
    grade: str | None = None
    care_types: tuple[str, ...] = ()
    beds: int | None = None
    daily_price: str | None = None


ORGS = (
    OrgSpec("mia", "mia", "市医疗保障事务中心"),
    OrgSpec("insurer", "insurer", "泰康长护承办中心", DISTRICTS),
    OrgSpec("agency", "agency", "康评失能评估中心"),
    OrgSpec("agency2", "agency", "仁和评估服务有限公司"),
    OrgSpec("provider", "provider", "安康居家护理服务中心", grade="home_care", care_types=("home",)),
    OrgSpec("provider2", "provider", "颐年养老院", grade="nursing_home", care_types=("institution",),
            beds=60, daily_price="58.00"),
    OrgSpec("provider3", "provider", "市第二人民医院医疗专护病区", grade="hospital_2",
            care_types=("special",), beds=20),
    # a provider without beneficiaries or settlements: the MIA's low stars of it set off the ratings' effects
    OrgSpec("provider4", "provider", "康乐居家照护站", grade="home_care"),
)

USERS = (  # username, org key, full name, roles
    ("mia", "mia", "王医保", ("admin", "reviewer")),
    ("insurer", "insurer", "李承办", ("admin", "operator", "reviewer")),
    ("agency", "agency", "赵评估", ("admin", "reviewer")),
    ("assessor1", "agency", "钱评估员", ("assessor",)),
    ("assessor2", "agency", "孙评估员", ("assessor",)),
    ("assessor3", "agency", "周评估员", ("assessor",)),
    ("agency2", "agency2", "吴评估", ("admin", "reviewer")),
    ("assessor4", "agency2", "郑评估员", ("assessor",)),
    ("assessor5", "agency2", "冯评估员", ("assessor",)),
    ("assessor6", "agency2", "陈评估员", ("assessor",)),
    ("provider", "provider", "褚居家", ("admin", "operator", "reviewer")),
    ("carer", "provider", "卫护理员", ("carer",)),
    ("provider2", "provider2", "蒋养老", ("admin", "operator", "reviewer")),
    ("provider3", "provider3", "沈专护", ("admin", "operator", "reviewer")),
)


def demo_uscc(n: int) -> str:
    base = f"91330100MA2{n:06d}"[:17]
    return base + uscc.calc_check_digit(base)


def load_districts(session: Session, *, now: datetime) -> None:
    """The six demo districts in the MIA's list; records name them by these codes."""
    existing = set(session.scalars(select(District.code)))
    for n, name in enumerate(DISTRICTS, start=1):
        if name not in existing:
            add_district(session, actor=SYSTEM, now=now, code=name, name=name, sort_order=10 * n)


def home_district(n: int) -> str:
    """The district of the n-th demo organisation's address (and, for a provider, its district)."""
    return DISTRICTS[n % len(DISTRICTS)]


def load_orgs(session: Session, *, now: datetime) -> dict[str, Organisation]:
    """The demo organisations with their periods (and the district list their records name)."""
    load_districts(session, now=now)
    orgs = {}
    for n, spec in enumerate(ORGS, start=1):
        code = demo_uscc(n)
        org = session.scalars(select(Organisation).where(Organisation.uscc == code)).first()
        if org is None:
            org = Organisation(kind=spec.kind, name=spec.name, uscc=code,
                               address=f"示范市{home_district(n)}民生路{n * 10}号")
            session.add(org)
            session.flush()
            _periods(session, org, spec, n, agreement_to=years_ahead(now, AGREEMENT_YEARS))
            _contracts(session, org, spec, n, now=now)
        orgs[spec.key] = org
    return orgs


def _periods(session: Session, org: Organisation, spec: OrgSpec, n: int, *, agreement_to: date) -> None:
    add_period(session, OrgStatusPeriod, org_id=org.id, status="active", valid_from=START)
    add_period(session, AgreementPeriod, org_id=org.id, agreement_no=f"CZ-{START.year}-{n:03d}",
               valid_from=START, valid_to=agreement_to)
    if spec.grade:
        add_period(session, ProviderGradePeriod, org_id=org.id, grade=spec.grade, valid_from=START)
    for care_type in spec.care_types:
        add_period(session, ProviderCareTypePeriod, org_id=org.id, care_type=care_type, valid_from=START)
    if spec.beds is not None:
        add_period(session, ProviderBedsPeriod, org_id=org.id, beds=spec.beds, valid_from=START)
    if spec.daily_price is not None:
        add_period(session, ProviderPricePeriod, org_id=org.id, daily_price=Decimal(spec.daily_price),
                   valid_from=START)
    if spec.kind == "provider":  # from its agreement start, like its other attributes
        add_period(session, ProviderDistrictPeriod, org_id=org.id, district=home_district(n), valid_from=START)


#: the demo district whose contract ends soon after the load date (a reminder on the home page of
#: the MIA admin and the insurer admin; the MIA re-tenders or extends it on the contracts page)
ENDING_DISTRICT = "青溪县"
ENDING_AFTER_DAYS = 45


def contract_dates(today: date, district: str) -> tuple[date, date | None]:
    """A demo contract's ``[from, to)`` relative to the load date: from 1 January two years before,
    open-ended, except ``ENDING_DISTRICT``'s, which ends ``ENDING_AFTER_DAYS`` days after the load date."""
    start = date(today.year - 2, 1, 1)
    return start, today + timedelta(days=ENDING_AFTER_DAYS) if district == ENDING_DISTRICT else None


def _contracts(session: Session, org: Organisation, spec: OrgSpec, n: int, *, now: datetime) -> None:
    for district in spec.districts:
        valid_from, valid_to = contract_dates(local_today(now), district)
        add_contract(session, actor=SYSTEM, now=now, insurer_id=org.id, district=district, valid_from=valid_from,
                     valid_to=valid_to, contract_no=f"CB-{valid_from.year}-{n:02d}-{DISTRICT_CODES[district]}")


def load_users(session: Session, orgs: dict[str, Organisation], password: str, now: datetime) -> list[User]:
    users = []
    for username, org_key, full_name, roles in USERS:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = create_user(session, actor=SYSTEM, org=orgs[org_key], username=username,
                               full_name=full_name, password=password, roles=set(roles), now=now,
                               check_strength=False)
        users.append(user)
    return users


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "秀英桂兰玉珍凤英淑珍建国建华志强文华海燕德明春梅国庆永福金凤秀兰玉兰美华桂芳德华"


def demo_id_number(rng: random.Random, district: str) -> str:
    birth = date(rng.randint(1930, 1965), rng.randint(1, 12), rng.randint(1, 28))
    body = f"{DISTRICT_CODES[district]}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def person_rows(count: int = 200, seed: int = 20260101) -> list[dict]:
    """Deterministic demo persons: districts, both categories, some tags."""
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < count:
        district = DISTRICTS[len(rows) % len(DISTRICTS)]
        id_number = demo_id_number(rng, district)
        if id_number in seen:
            continue
        seen.add(id_number)
        tags = []
        if rng.random() < 0.12:
            tags.append("medical_assistance")
        if rng.random() < 0.08:
            tags.append("severe_disability_cert")
        if rng.random() < 0.10:
            tags.append("chronic_class_a")
        rows.append({
            "id_number": id_number,
            "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "address": f"示范市{district}幸福路{rng.randint(1, 300)}号",
            "district": district,
            "township": f"{district[:2]}街道",
            "village": f"第{rng.randint(1, 9)}社区",
            "category": "employee" if rng.random() < 0.55 else "resident",
            "tags": tags,
        })
    return rows


def load_persons(session: Session, rows: list[dict], *, now: datetime) -> int:
    """Create the demo persons that do not exist yet (by ID number); returns how many."""
    from ltc.people.models import InsuredPerson
    from ltc.people.services import create_person

    ids = [row["id_number"] for row in rows]
    existing = set(session.scalars(select(InsuredPerson.id_number).where(InsuredPerson.id_number.in_(ids))))
    created = 0
    for row in rows:
        if row["id_number"] in existing:
            continue
        values = {k: v for k, v in row.items() if k not in ("category", "tags")}
        create_person(session, values, actor=SYSTEM, now=now, category=row["category"],
                      tags=row["tags"], valid_from=START)
        created += 1
    return created


EXPERTS = ("assessor1", "assessor2", "assessor4", "assessor5", "assessor6")


def load_expert_certificates(session: Session, users: list[User], *, now: datetime) -> None:
    """Demo certificates (评估专家证书) for assessor1, 2, 4, 5 and 6, valid from 2024 to the 1st of
    January ``CERTIFICATE_YEARS`` years after the load date's year."""
    from ltc.assessment.experts.models import ExpertCertificate
    from ltc.assessment.experts.services import add_certificate

    by_name = {u.username: u for u in users}
    for n, username in enumerate(EXPERTS, start=1):
        user = by_name[username]
        if session.scalar(select(ExpertCertificate.id).where(ExpertCertificate.user_id == user.id)):
            continue
        add_certificate(session, user=user, certificate_no=f"PGZJ-2024-{n:04d}", valid_from=START,
                        valid_to=years_ahead(now, CERTIFICATE_YEARS), actor=SYSTEM, now=now, issued_by="市医疗保障局")
