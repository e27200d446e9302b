"""Demo care records (SPEC §5.4, §6), made by the real services so their findings are real.

The previous calendar month and the current month to date (relative to the load date): the
beneficiaries of the three demo providers come in through the go-live import (home, outreach and
family at the home-care provider, institution at the nursing home, special care at the hospital
ward); the home-care provider's carers get a suspension; stays and leaves are entered for the
bed-based beneficiaries, hospital stays imported from the medical-insurance system; the visit
schedule is generated from the care plans and the visits logged (``ltc.demo.visits``). Some
records break a rule on purpose, so every code of SPEC §6 has a finding; then the nightly scan
runs over both months. Persons after the outcomes demo's are used.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.clock import LOCAL_TZ, local_today
from ltc.core.months import add_months, first_of_month
from ltc.core.periods import add_period
from ltc.demo.reviews import _persons
from ltc.entitlements import imports as migration_import
from ltc.orgs.models import Organisation
from ltc.people.hospital.services import StayInput, upsert_stays
from ltc.people.models import InsuredPerson
from ltc.people.services import record_death, set_status, update_person
from ltc.providers.care_plans.services import VisitTypeInput, finalize_plan, save_plan
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services import dated
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.models import ProviderCareTypePeriod
from ltc.providers.records import stays
from ltc.providers.records.models import Stay, Visit

log = logging.getLogger(__name__)

PERSON_OFFSET = 62
#: key, care type, provider user, level; the order is the persons' order after ``PERSON_OFFSET``
BENEFICIARIES = (
    ("regular", "home", "provider", 4), ("capped", "home", "provider", 4), ("expiring", "home", "provider", 4),
    ("deceased", "home", "provider", 4), ("suspended", "home", "provider", 4), ("hospital", "home", "provider", 4),
    ("late_start", "home", "provider", 4), ("outreach", "outreach", "provider", 4),
    ("family", "family", "provider", 4), ("resident", "institution", "provider2", 4),
    ("newcomer", "institution", "provider2", 4), ("ward", "special", "provider3", 5),
    ("ward_unmatched", "special", "provider3", 5), ("family2", "family", "provider", 3),
)
USERNAMES = ("provider", "provider2", "provider3", "insurer", "mia", "carer")
HOME_POINT = (Decimal("30.250000"), Decimal("120.160000"))


@dataclass
class Month:
    """The demo's two months: ``last`` (the previous calendar month) and ``this`` (to ``today``)."""

    today: date
    last: date = field(init=False)
    this: date = field(init=False)

    def __post_init__(self):
        self.this = first_of_month(self.today)
        self.last = add_months(self.this, -1)

    def day(self, n: int) -> date:
        """The n-th day of the previous month."""
        return self.last + timedelta(days=n - 1)


@dataclass
class Scene:
    session: Session
    now: datetime
    month: Month
    users: dict[str, User]
    persons: dict[str, InsuredPerson]
    carers: dict[str, Carer] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        return actor_of(self.users[username])

    def org(self, username: str) -> Organisation:
        return self.users[username].org

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def demo_scene(session: Session, *, now: datetime) -> Scene | None:
    """The demo's users and beneficiaries by key (None when the demo city is not there)."""
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(USERNAMES)))}
    people = _persons(session, PERSON_OFFSET, len(BENEFICIARIES))
    if len(users) < len(USERNAMES) or len(people) < len(BENEFICIARIES):
        return None
    keyed = {spec[0]: person for spec, person in zip(BENEFICIARIES, people, strict=True)}
    return Scene(session, now, Month(local_today(now)), users, keyed)


def load_records(session: Session, *, now: datetime) -> int:
    """The demo records, unless any visit or stay exists (idempotent). Returns the visits made."""
    from ltc.demo.visits import load_visits, scan

    if session.scalar(select(Visit.id).limit(1)) or session.scalar(select(Stay.id).limit(1)):
        return 0
    scene = demo_scene(session, now=now)
    if scene is None:
        log.warning("demo records skipped: demo users or persons %d–%d are missing",
                    PERSON_OFFSET, PERSON_OFFSET + len(BENEFICIARIES))
        return 0
    catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=now)
    _care_types(scene)
    if not _entitlements(scene):
        return 0
    _plans(scene)
    _carers(scene)
    _facts(scene)
    _stays(scene)
    made = load_visits(scene)
    scan(scene)
    return made


def _care_types(s: Scene) -> None:
    """The home-care provider also runs outreach rounds and family packages; its outreach agreement
    lapsed for two days last month (P01 on a visit then)."""
    provider, gap = s.org("provider").id, s.month.day(16)
    add_period(s.session, ProviderCareTypePeriod, org_id=provider, care_type="family", valid_from=date(2024, 1, 1))
    add_period(s.session, ProviderCareTypePeriod, org_id=provider, care_type="outreach", valid_from=date(2024, 1, 1),
               valid_to=gap)
    add_period(s.session, ProviderCareTypePeriod, org_id=provider, care_type="outreach",
               valid_from=gap + timedelta(days=2))


def _entitlements(s: Scene) -> bool:
    """Every demo beneficiary through the go-live import: from half a year back; ``expiring``'s
    conclusion ended on the 15th of last month (E02 after it); ``late_start``'s entitlement began
    on the 10th of last month (E01 before it)."""
    start = add_months(s.month.last, -6)
    lines = ["身份证号,失能等级,评估结论日期,有效期至,服务形式,服务机构,待遇开始日期"]
    for key, care_type, username, level in BENEFICIARIES:
        until = s.month.day(15) if key == "expiring" else ""
        concluded = add_months(s.month.day(16), -24) if key == "expiring" else start - timedelta(days=20)
        valid_from = s.month.day(10) if key == "late_start" else start
        lines.append(f"{s.persons[key].id_number},{level},{concluded},{until},{care_type},"
                     f"{s.org(username).uscc},{valid_from}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    result = migration_import.preview(s.session, data, "demo-beneficiaries.csv", today=s.month.today,
                                      go_live=s.month.today)
    if not result.ok:
        log.warning("demo records skipped: %s %s", result.header_errors,
                    [(r.line, r.errors) for r in result.error_rows[:3]])
        return False
    migration_import.apply(s.session, result, actor=s.actor("mia"), now=s.now)
    return True


def _visit_types(n: int, key: str, care_type: str) -> list[VisitTypeInput]:
    """Each home beneficiary's visits start at another hour, so one carer can serve several;
    ``late_start`` is visited every day (the demo carer has a visit today, whatever the weekday)."""
    start = time(8 + 2 * (n % 4))
    if key == "late_start":
        return [VisitTypeInput("每日照护", 7, "week", 30, ("SH01", "SH04"), weekdays=tuple(range(1, 8)),
                               start_time=start)]
    if care_type == "family":
        return [VisitTypeInput("亲情照护上门指导", 1, "week", 60, ("SH01", "SH02"), weekdays=(4,), start_time=time(10))]
    if care_type == "outreach":
        return [VisitTypeInput("巡护", 1, "week", 45, ("SH32",), weekdays=(2,), start_time=time(15))]
    return [VisitTypeInput("生活照料", 3, "week", 60, ("SH01", "SH02", "SH05"), weekdays=(1, 3, 5), start_time=start),
            VisitTypeInput("助浴", 1, "week", 45, ("SH02",), weekdays=(6,), start_time=start)]


def _plans(s: Scene) -> None:
    """The visit-based beneficiaries' final care plans, in force from their entitlement's start."""
    from ltc.entitlements.models import Entitlement

    for n, (key, care_type, username, level) in enumerate(BENEFICIARIES):
        if care_type not in ("home", "outreach", "family"):
            continue
        entitlement = s.session.scalar(select(Entitlement).where(Entitlement.person_id == s.persons[key].id))
        plan = save_plan(s.session, person_id=s.persons[key].id, provider_id=s.org(username).id, care_type=care_type,
                         level=level, visit_types=_visit_types(n, key, care_type), actor=s.actor(username),
                         now=s.now, note="上线前的护理计划")
        finalize_plan(s.session, plan, actor=s.actor(username), now=s.now, entitlement_id=entitlement.id,
                      effective_from=entitlement.valid_from)


def _carers(s: Scene) -> None:
    """The home-care provider's carers by name; 秦建军 was suspended for three days last month (P02)."""
    s.carers = {c.name: c for c in s.session.scalars(select(Carer).where(Carer.provider_id == s.org("provider").id))}
    dated.suspend_carer(s.session, s.carers["秦建军"], valid_from=s.month.day(12), valid_to=s.month.day(15),
                        reason="服务对象投诉，暂停执业待查", actor=s.actor("provider"), now=s.at(s.month.day(12), 9))


def _facts(s: Scene) -> None:
    """Addresses located, a death, a suspended insurance and hospital stays (E03, E07, E08, V11)."""
    for n, key in enumerate(("regular", "capped", "outreach", "family")):
        update_person(s.session, s.persons[key], {"latitude": HOME_POINT[0] + Decimal("0.01") * n,
                                                  "longitude": HOME_POINT[1]}, actor=s.actor("insurer"), now=s.now)
    record_death(s.session, s.persons["deceased"], death_date=s.month.day(20), actor=s.actor("mia"),
                 now=s.at(s.month.day(23), 10))
    set_status(s.session, s.persons["suspended"], status="suspended", valid_from=s.month.day(18),
               actor=s.actor("insurer"), now=s.at(s.month.day(18), 10))
    d = s.month.day
    upsert_stays(s.session, [
        StayInput(s.persons["hospital"].id, "市第一人民医院", "inpatient", d(5), d(9)),
        StayInput(s.persons["resident"].id, "市第一人民医院", "inpatient", d(21), d(23)),
        StayInput(s.persons["ward"].id, "市第二人民医院", "ltc_special", add_months(d(1), -2), None),
    ], actor=s.actor("insurer"), now=s.now, source="demo")


def _stays(s: Scene) -> None:
    """The nursing home's two residents and the ward's two patients: a leave of 4 days (D02) and one
    of 2 with a hospital stay inside (E08); a ward stay the medical-insurance system does not show
    (V11); and a home-care beneficiary's respite week at the nursing home (V06 with the visit)."""
    d, now = s.month.day, s.now
    home2, ward = s.org("provider2").id, s.org("provider3").id
    resident = stays.admit(s.session, provider_id=home2, person_id=s.persons["resident"].id, care_type="institution",
                           admitted_on=add_months(d(1), -3), actor=s.actor("provider2"), now=now).record
    for out_on, back_on, why in ((d(6), d(10), "回家探亲"), (d(21), d(23), "家属接回过节")):
        leave = stays.open_leave(s.session, resident, out_on=out_on, reason=why, actor=s.actor("provider2"),
                                 now=s.at(out_on, 9)).record
        stays.close_leave(s.session, leave, back_on=back_on, actor=s.actor("provider2"), now=s.at(back_on, 17))
    stays.admit(s.session, provider_id=home2, person_id=s.persons["newcomer"].id, care_type="institution",
                admitted_on=d(12), actor=s.actor("provider2"), now=s.at(d(12), 10))
    stays.admit(s.session, provider_id=ward, person_id=s.persons["ward"].id, care_type="special",
                admitted_on=add_months(d(1), -2), actor=s.actor("provider3"), now=now)
    stays.admit(s.session, provider_id=ward, person_id=s.persons["ward_unmatched"].id, care_type="special",
                admitted_on=d(3), discharged_on=d(25), actor=s.actor("provider3"), now=s.at(d(25), 10))
    save_plan(s.session, person_id=s.persons["regular"].id, provider_id=home2, care_type="institution", level=4,
              visit_types=[VisitTypeInput("托养照护", 1, "week", 60, ("SH01",), start_time=time(9))],
              actor=s.actor("provider2"), now=now, note="短期托养评估")
    stays.admit(s.session, provider_id=home2, person_id=s.persons["regular"].id, care_type="institution",
                admitted_on=d(24), discharged_on=d(26), note="短期托养", actor=s.actor("provider2"),
                now=s.at(d(26), 10))
