"""The city before any breach is seeded (pure): organisations, persons, entitlements, care plans,
carers and stays, each row with its final id (``Ids`` counts from the first free id per table).

Clean by construction: every person lives at a distinct address near its provider; every visit
person has one visit type on fixed weekdays at its carer's slot (slots 90 minutes apart, so a
carer's visits never overlap), within the level's monthly cap in any calendar month (SPEC §5.3).
"""
import random
from datetime import date, time, timedelta
from decimal import Decimal

from ltc.core.months import add_months, first_of_month, first_of_next_month
from ltc.demo.city.facts import (Carer, Entitlement, Item, Options, Person, Provider, Stay, VisitType,
                                 World)
from ltc.demo.city.ids import IdMaker

#: care type → share of beneficiaries (issue 10: 40 % bed-based, 45 % home, 10 % outreach, 5 % family)
MIX = {"special": 0.10, "institution": 0.30, "home": 0.45, "outreach": 0.10, "family": 0.05}
#: provider kind → (share of providers, grades, care types in the agreement)
KINDS = {
    "special": (0.08, ("hospital_1", "hospital_2", "hospital_3", "nursing_hospital"), ("special",)),
    "institution": (0.30, ("nursing_home",), ("institution",)),
    "home": (0.37, ("home_care",), ("home", "family")),
    "outreach": (0.25, ("clinic",), ("outreach",)),
}
KIND_OF = {"special": "special", "institution": "institution", "home": "home", "family": "home",
           "outreach": "outreach"}
#: care type, level → (visits per week, planned minutes); worst calendar month stays within the cap
SCHEDULE = {("home", 3): (3, 50), ("home", 4): (5, 45), ("home", 5): (6, 60),
            ("outreach", 3): (1, 40), ("outreach", 4): (1, 40), ("outreach", 5): (1, 40),
            ("family", 3): (2, 60), ("family", 4): (2, 60), ("family", 5): (2, 60)}
PRICES = tuple(Decimal(p) for p in ("40", "45", "50", "55", "58", "60", "65", "70"))
NAME_PREFIX = "合成"
SLOTS = 8                 # persons per carer; slot i starts at 07:30 + 90 min × i
DISTRICTS = 10
TAG_SHARE = {"medical_assistance": 0.06, "severe_disability_cert": 0.05, "chronic_class_a": 0.10}
M_PER_E6_LAT = 0.111      # metres per micro-degree of latitude


class Ids:
    def __init__(self, bases: dict[str, int]) -> None:
        self.next = dict(bases)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def slot_time(slot: int) -> time:
    minutes = 7 * 60 + 30 + 90 * slot
    return time(minutes // 60, minutes % 60)


def providers(rng: random.Random, ids: Ids, maker: IdMaker, count: int, districts: list[str]) -> list[Provider]:
    kinds = list(KINDS)
    counts = {kind: max(1, round(KINDS[kind][0] * count)) for kind in kinds}
    counts["institution"] += count - sum(counts.values())
    result = []
    for kind in kinds:
        for n in range(max(1, counts[kind])):
            pid = ids.take("organisations")
            district = districts[n % len(districts)]
            result.append(Provider(
                id=pid, name=f"{NAME_PREFIX}{kind}护理机构{pid}", uscc=maker.uscc(), grade=rng.choice(KINDS[kind][1]),
                care_types=KINDS[kind][2], district=district, lat=30_000_000 + rng.randrange(600_000),
                lon=120_000_000 + rng.randrange(600_000),
                price=rng.choice(PRICES) if kind == "institution" else None))
    return result


def _person(rng: random.Random, ids: Ids, maker: IdMaker, index: int, care: str, provider: Provider) -> Person:
    sex = rng.choice("MF")
    birth = date(rng.randrange(1930, 1960), rng.randrange(1, 13), rng.randrange(1, 29))
    tags = tuple(tag for tag, share in TAG_SHARE.items() if rng.random() < share)
    level = rng.choice((4, 5)) if care == "special" else rng.choice((3, 4, 4, 5))
    return Person(id=ids.take("insured_persons"), index=index, id_number=maker.id_number(birth, sex),
                  name=maker.name(), sex=sex, birth=birth, district=provider.district,
                  lat=provider.lat + rng.randrange(-40_000, 40_000), lon=provider.lon + rng.randrange(-40_000, 40_000),
                  category="employee" if rng.random() < 0.55 else "resident", tags=tags, care_type=care, level=level,
                  provider_id=provider.id)


def persons(rng: random.Random, ids: Ids, maker: IdMaker, count: int, orgs: list[Provider]) -> list[Person]:
    by_kind = {kind: [p for p in orgs if KINDS[kind][2][0] == p.care_types[0]] for kind in KINDS}
    cares, weights = list(MIX), list(MIX.values())
    result = []
    for index in range(count):
        care = rng.choices(cares, weights)[0]
        result.append(_person(rng, ids, maker, index, care, rng.choice(by_kind[KIND_OF[care]])))
    return result


def entitlement(rng: random.Random, ids: Ids, person: Person, provider_id: int, start: date) -> Entitlement:
    concluded = start - timedelta(days=rng.randrange(30, 360))
    bed = person.care_type in ("special", "institution")
    valid_from = first_of_month(concluded) if bed else first_of_next_month(concluded)
    ent_id = ids.take("entitlements")
    valid_to = add_months(concluded, 24)
    return Entitlement(id=ent_id, app_id=ids.take("applications"), person_id=person.id, provider_id=provider_id,
                       care_type=person.care_type, level=person.level, concluded_on=concluded,
                       conclusion_valid_to=valid_to, valid_from=valid_from, valid_to=valid_to,
                       plan_id=ids.take("care_plans"))


def build(options: Options, bases: dict[str, int], items: list[Item], rng: random.Random) -> World:
    """The clean city: organisations, persons with entitlements and plans, carers and open stays."""
    ids, maker = Ids(bases), IdMaker(rng)
    districts = [f"SYN{n:02d}" for n in range(1, min(DISTRICTS, max(1, options.providers // 4)) + 1)]
    insurer_id = ids.take("organisations")
    agency_ids = [ids.take("organisations") for _ in range(2)]
    orgs = providers(rng, ids, maker, options.providers, districts)
    people = persons(rng, ids, maker, options.beneficiaries, orgs)
    ents = [entitlement(rng, ids, p, p.provider_id, options.start) for p in people]
    world = World(options=options, districts=districts, districts_new=districts, insurer_id=insurer_id,
                  agency_ids=agency_ids,
                  providers=orgs, persons=people, entitlements=ents, carers=[], visit_types=[], stays=[], leaves=[],
                  hospital_stays=[], intended={}, ids=ids, maker=maker,
                  others=[(insurer_id, "insurer", "合成市长护险承办公司", maker.uscc())]
                  + [(a, "agency", f"合成市第{n + 1}评估中心", maker.uscc()) for n, a in enumerate(agency_ids)])
    _carers_and_plans(world, rng, items)
    _stays(world, rng)
    _beds(world)
    return world


def _items(rng: random.Random, items: list[Item], care: str) -> tuple[tuple[int, ...], bool]:
    life = [i.id for i in items if i.item_class == "life" and care in i.care_types]
    medical = [i.id for i in items if i.item_class == "medical" and care in i.care_types]
    if care == "outreach":
        return tuple(sorted(rng.sample(medical, 2))), True
    chosen = rng.sample(life, rng.choice((2, 3)))
    if care == "home" and rng.random() < 0.25:
        chosen.append(rng.choice(medical))
        return tuple(sorted(chosen)), True
    return tuple(sorted(chosen)), False


def _carer(world: World, rng: random.Random, provider_id: int, staff_type: str) -> Carer:
    sex = rng.choice("MF")
    birth = date(rng.randrange(1965, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
    carer = Carer(id=world.ids.take("carers"), provider_id=provider_id, staff_type=staff_type,
                  id_number=world.maker.id_number(birth, sex), name=world.maker.name(), birth=birth, sex=sex)
    start = world.options.start
    qualified_from = date(rng.randrange(2015, 2025), rng.randrange(1, 13), 1)
    roll = rng.random()
    if roll < 0.05:   # expires within 60 days after the last generated month (the reminder shows it)
        end = add_months(start, world.options.months)
        carer.qualified.append((qualified_from, end + timedelta(days=rng.randrange(1, 60))))
    else:
        carer.qualified.append((qualified_from, None))
    if roll > 0.97:   # a suspension served before the generated months
        carer.suspended.append((start - timedelta(days=200), start - timedelta(days=170)))
    world.carers.append(carer)
    return carer


def _staff(rng: random.Random, care: str, medical: bool) -> str:
    if care == "outreach":
        return "clinical"
    return "nurse" if medical else "assistant"


def _carers_and_plans(world: World, rng: random.Random, items: list[Item]) -> None:
    """Visit persons grouped by provider and staff type, eight to a carer, each at its own slot."""
    groups: dict[tuple[int, str], list[tuple[Person, Entitlement, tuple[int, ...], bool]]] = {}
    for person, ent in zip(world.persons, world.entitlements, strict=True):
        if person.care_type in ("special", "institution"):
            continue
        chosen, medical = _items(rng, items, person.care_type)
        groups.setdefault((ent.provider_id, _staff(rng, person.care_type, medical)), []).append(
            (person, ent, chosen, medical))
    for (provider_id, staff), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
        for at in range(0, len(members), SLOTS):
            kind = rng.choice(("nurse", "doctor", "village_doctor")) if staff == "clinical" else staff
            carer = _carer(world, rng, provider_id, kind)
            for slot, (person, ent, chosen, medical) in enumerate(members[at:at + SLOTS]):
                world.visit_types.append(_visit_type(world, rng, person, ent, chosen, medical, carer, slot))
    for org in world.providers:   # a spare carer per home provider; nurses and an assistant in bed-based ones
        kinds = ("assistant",) if "home" in org.care_types else ()
        kinds += ("nurse", "nurse", "assistant") if org.care_types[0] in ("special", "institution") else ()
        for kind in kinds:
            _carer(world, rng, org.id, kind)


def _visit_type(world: World, rng: random.Random, person: Person, ent: Entitlement, chosen: tuple[int, ...],
                medical: bool, carer: Carer, slot: int) -> VisitType:
    per_week, minutes = SCHEDULE[(person.care_type, person.level)]
    return VisitType(id=world.ids.take("care_plan_visit_types"), plan_id=ent.plan_id, person_id=person.id,
                     provider_id=ent.provider_id, care_type=person.care_type,
                     weekdays=tuple(sorted(rng.sample(range(1, 8), per_week))), start=slot_time(slot),
                     minutes=minutes, items=chosen, medical=medical, carer_id=carer.id,
                     effective_from=ent.valid_from)


def _stays(world: World, rng: random.Random) -> None:
    for person, ent in zip(world.persons, world.entitlements, strict=True):
        if person.care_type in ("special", "institution"):
            admitted = max(ent.valid_from, world.options.start - timedelta(days=rng.randrange(1, 400)))
            world.stays.append(Stay(id=world.ids.take("stays"), provider_id=ent.provider_id, person_id=person.id,
                                    care_type=person.care_type, admitted=admitted, discharged=None))


def _beds(world: World) -> None:
    count: dict[int, int] = {}
    for stay in world.stays:
        count[stay.provider_id] = count.get(stay.provider_id, 0) + 1
    for org in world.providers:
        org.beds = count.get(org.id, 0) + 5 if org.care_types[0] in ("special", "institution") else 0
