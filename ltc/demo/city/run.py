"""Generate the synthetic city into the session's database and return its truth (one transaction:
the caller commits). Reproducible: the same options and seed on the same first free ids give the
same rows and the same truth."""
import random
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.policy import BillingPolicy
from ltc.core.errors import DomainError
from ltc.core.months import add_months
from ltc.demo.city import rows, rules, seeds, truth, visit_seeds, visits, world
from ltc.demo.city.facts import Item, Options, World
from ltc.demo.city.writer import Writer
from ltc.orgs.models import District, Organisation
from ltc.policy.services import policy_on
from ltc.providers.catalogue.models import ServiceItem, ServiceItemCareType, ServiceItemStaffType

ASSUMPTIONS = [
    "Keys: bed-day stay:ID:DATE, visit visit:ID, family package package:PERSON:PROVIDER:YYYY-MM.",
    "The later of V04/V06 is the later check-in (a bed-day counts from 00:00), ties by id; a V10 duplicate "
    "(the later entry) is not also a V04 overlap of its original.",
    "A record after the day of death breaches E07 and also E03 (status deceased) and E01 (entitlement ended).",
    "A visit of another provider on a day the person already had one (V06) also breaches E01.",
    "S01 flags every visit that shares the photo hash or GPS point; S02 flags the carer's visits that end "
    "within 2 minutes of 90 % of the planned minutes when they are at least 80 % of the carer's month.",
    "V07 (home): per person and provider month, planned minutes of visits not rejected, in check-in order; "
    "the visit crossing the cap is paid for the minutes left.",
    "Payable = not rejected by any REJECT rule (FLAG records are paid, held).",
]


class CityExists(DomainError):
    pass


def load_items(session: Session) -> list[Item]:
    staff, cares = {}, {}
    for item_id, kind in session.execute(select(ServiceItemStaffType.item_id, ServiceItemStaffType.staff_type)):
        staff.setdefault(item_id, set()).add(kind)
    for item_id, care in session.execute(select(ServiceItemCareType.item_id, ServiceItemCareType.care_type)):
        cares.setdefault(item_id, set()).add(care)
    return [Item(i, cls, frozenset(staff.get(i, ())), frozenset(cares.get(i, ())))
            for i, cls in session.execute(select(ServiceItem.id, ServiceItem.item_class).order_by(ServiceItem.id))]


def plan_world(options: Options, bases: dict[str, int], items: list[Item]) -> tuple[World, random.Random]:
    rng = random.Random(options.seed)
    city = world.build(options, bases, items, rng)
    seeds.seed_world(city, rng)
    return city, rng


def plan_month(city: World, rng: random.Random, month: date, items: list[Item], policy: BillingPolicy):
    """The month's visits (seeded) and the truth of the month."""
    caps = {int(level): hours for level, hours in policy.home.hours_cap_per_month.items()}
    persons = {p.id: p for p in city.persons}
    batch = visit_seeds.seed_visits(city, rng, month, visits.scheduled(city, rng, month, persons), items, caps)
    facts = rules.Facts(city, month, {i.id: i.staff_types for i in items})
    evaluation = rules.evaluate(facts, batch, caps)
    return batch, truth.month_truth(facts, evaluation, batch, policy)


def write_world(session: Session, writer: Writer, city: World, now: datetime) -> None:
    start_time = writer.has_column("care_plan_visit_types", "start_time")
    known = set(session.scalars(select(District.code)))
    city.districts_new = [code for code in city.districts if code not in known]
    for group in (rows.organisations(city, now), rows.persons(city, now), rows.entitlements(city, now),
                  rows.plans(city, now, start_time), rows.carers(city, now), rows.stays(city, now)):
        for name, columns, data in group:
            writer.write(name, columns, data)


def generate(session: Session, options: Options, *, now: datetime,
             advance: Callable[[str], None] = lambda label: None) -> dict:
    """Write the city and its months; the truth as a JSON-able dict."""
    if session.scalar(select(Organisation.id).where(Organisation.name.like(f"{world.NAME_PREFIX}%")).limit(1)):
        raise CityExists("a synthetic city is already loaded in this database")
    writer, items = Writer(session, now), load_items(session)
    bases = writer.bases()
    city, rng = plan_world(options, bases, items)
    advance("world planned")
    write_world(session, writer, city, now)
    advance("world written")
    months = {}
    for k in range(options.months):
        month = add_months(options.start, k)
        policy = policy_on(session, month).section(BillingPolicy)
        batch, months[f"{month:%Y-%m}"] = plan_month(city, rng, month, items, policy)
        advance(f"{month:%Y-%m} planned")
        for name, columns, data in rows.visits(batch):
            writer.write(name, columns, data)
        advance(f"{month:%Y-%m} written")
    writer.finish()
    return {"generator": "flask --app ltc demo city", "seed": options.seed, "beneficiaries": options.beneficiaries,
            "providers": options.providers, "from": f"{options.start:%Y-%m}", "months": options.months,
            "id_bases": bases, "rows": writer.written, "assumptions": ASSUMPTIONS,
            "intended": {rule: sorted(subjects) for rule, subjects in sorted(city.intended.items())},
            "by_month": months}
