"""Visit-level breaches of a month (pure), each on clean visits of home and outreach care.

Family-care visits take none (their package must keep its visits; F01 is seeded by removing
visits), nor do the visits of S02 carers (whose pattern must stay intact).
"""
import dataclasses
import math
import random
from datetime import date, time, timedelta

from ltc.core.months import days, first_of_next_month
from ltc.demo.city.facts import Item, Visit, VisitType, World
from ltc.demo.city.seeds import count, note
from ltc.demo.city.visits import in_records, make_visit, point

#: rule → share of the month's home and outreach visits
SHARE = {"V01": 0.008, "V03": 0.008, "V09": 0.006, "V12": 0.006, "V13": 0.005, "S01": 0.003, "V10": 0.005,
         "V04": 0.006, "V06": 0.005}
S02_CARERS, V07_PERSONS, F01_PERSONS = 0.012, 0.05, 0.015
V07_AT, V06_AT = time(20, 0), time(21, 30)


class Month:
    """What the month's seeding needs to look up."""

    def __init__(self, world: World, rng: random.Random, month: date, visits: list[Visit],
                 items: list[Item], caps: dict[int, int]) -> None:
        self.world, self.rng, self.month, self.visits = world, rng, month, visits
        self.persons = {p.id: p for p in world.persons}
        self.carers = {c.id: c for c in world.carers}
        self.items, self.caps = items, caps
        self.used: set[int] = set()
        self.evenings: set[tuple[int, date, time]] = set()

    def seed(self, rule: str, visit: Visit) -> None:
        self.used.add(visit.id)
        note(self.world, rule, f"visit:{visit.id}")


def seed_s02(m: Month) -> set[int]:
    """S02: a few home carers whose visits all end within 2 minutes of 90 % of the planned minutes."""
    home = sorted({v.carer_id for v in m.visits if v.care_type == "home"})
    chosen = set(m.rng.sample(home, count(S02_CARERS, len(home)))) if home else set()
    for visit in m.visits:
        if visit.carer_id in chosen:
            visit.actual = math.ceil(0.9 * visit.planned) + m.rng.randrange(0, 2)
            visit.check_out = visit.check_in + timedelta(minutes=visit.actual)
    for carer_id in chosen:
        note(m.world, "S02", f"carer:{carer_id}")
    return chosen


def far(m: Month, v: Visit) -> None:
    v.in_lat, v.in_lon = point(m.rng, m.persons[v.person_id], far=True)


def short(m: Month, v: Visit) -> None:
    v.actual = int(v.planned * m.rng.uniform(0.4, 0.85))
    v.check_out = v.check_in + timedelta(minutes=v.actual)


def extra_item(m: Month, v: Visit) -> None:
    staff = m.carers[v.carer_id].staff_type
    wanted = "medical" if v.care_type == "outreach" else "life"
    spare = [i.id for i in m.items if i.item_class == wanted and v.care_type in i.care_types
             and staff in i.staff_types and i.id not in v.items]
    v.items = tuple(sorted((*v.items, m.rng.choice(spare))))


def late_upload(m: Month, v: Visit) -> None:
    v.uploaded = v.check_in + timedelta(minutes=m.rng.randrange(73 * 60, 150 * 60))
    v.source = "offline"


def left_open(m: Month, v: Visit) -> None:
    v.check_out = v.actual = v.out_lat = v.out_lon = None


SIMPLE = (("V01", far), ("V03", short), ("V09", extra_item), ("V12", late_upload), ("V13", left_open))


def shared_photo(m: Month, pool: list[Visit], n: int) -> None:
    """S01: a photo hash used again on a visit to another person."""
    for first, second in zip(pool[0:2 * n:2], pool[1:2 * n:2], strict=True):
        if first.person_id != second.person_id:
            second.photo = first.photo
            m.seed("S01", first)
            m.seed("S01", second)


def duplicate(m: Month, v: Visit) -> Visit:
    """V10: the same beneficiary, carer and check-in entered again with another note (the later entry)."""
    m.seed("V10", v)
    copy = dataclasses.replace(v, id=m.world.ids.take("visits"), notes="补录", source="web",
                               uploaded=v.uploaded + timedelta(hours=1))
    note(m.world, "V10", f"visit:{copy.id}")
    return copy


def overlap(m: Month, v: Visit, by_slot: dict[tuple[int, date], list[Visit]]) -> bool:
    """V04: the carer checks in 20 minutes before the end of their previous visit that day."""
    earlier = [w for w in by_slot.get((v.carer_id, v.day), ()) if w.check_in < v.check_in]
    if not earlier or earlier[-1].id in m.used or earlier[-1].check_out is None:
        return False
    m.used.add(earlier[-1].id)
    v.check_in = earlier[-1].check_out - timedelta(minutes=20)
    v.check_out = v.check_in + timedelta(minutes=v.actual)
    m.seed("V04", v)
    return True


def evening_visit(m: Month, person_id: int, day: date, avoid: int, spares: dict[int, list[int]]) -> Visit | None:
    """V06 (and E01): another home provider's spare carer visits the person that evening."""
    others = [pid for pid in spares if pid != avoid]
    if not others:
        return None
    provider_id = m.rng.choice(others)
    carer_id = spares[provider_id][0]
    if (carer_id, day, V06_AT) in m.evenings:
        return None
    m.evenings.add((carer_id, day, V06_AT))
    person = m.persons[person_id]
    vt = VisitType(id=0, plan_id=0, person_id=person.id, provider_id=provider_id, care_type="home", weekdays=(),
                   start=V06_AT, minutes=45, items=(), medical=False, carer_id=carer_id, effective_from=day)
    extra = make_visit(m.world, m.rng, vt, person, day, V06_AT, planned=False)
    m.seed("V06", extra)
    note(m.world, "E01", f"visit:{extra.id}")
    return extra


def in_bed_visits(m: Month, n: int, spares: dict[int, list[int]]) -> list[Visit]:
    """V06 (and E01): a home provider visits a person on one of their bed-days."""
    end = first_of_next_month(m.month)
    stays = [s for s in m.world.stays if s.admitted < m.month and (s.discharged is None or s.discharged > end)]
    added = []
    for stay in m.rng.sample(stays, min(n, len(stays))):
        day = m.month + timedelta(days=m.rng.randrange((end - m.month).days))
        if visit := evening_visit(m, stay.person_id, day, stay.provider_id, spares):
            added.append(visit)
    return added


def over_cap(m: Month, vt: VisitType, mine: list[Visit]) -> list[Visit]:
    """V07: extra evening visits of the same visit type until the month's hours cap is crossed."""
    person = m.persons[vt.person_id]
    cap, used = m.caps[person.level] * 60, sum(v.planned for v in mine)
    taken = {v.day for v in mine}
    extras: list[Visit] = []
    open_days = [d for d in _month_days(m.month)
                 if in_records(person, d) and (vt.carer_id, d, V07_AT) not in m.evenings]
    free = [d for d in open_days if d not in taken] + [d for d in open_days if d in taken]
    for day in free:
        if used > cap + vt.minutes:
            break
        m.evenings.add((vt.carer_id, day, V07_AT))
        extras.append(make_visit(m.world, m.rng, vt, person, day, V07_AT))
        used += vt.minutes
    note(m.world, "V07", f"person:{person.id}")
    return extras


def _month_days(month: date) -> list[date]:
    return list(days(month, first_of_next_month(month)))


class Pool:
    """The month's clean candidates in a seeded order; ``take`` skips visits another seed used."""

    def __init__(self, m: Month, visits: list[Visit]) -> None:
        self.m, self.visits, self.at = m, visits, 0

    def take(self, n: int) -> list[Visit]:
        chosen: list[Visit] = []
        while len(chosen) < n and self.at < len(self.visits):
            visit = self.visits[self.at]
            self.at += 1
            if visit.id not in self.m.used:
                chosen.append(visit)
        return chosen


def _spares(world: World) -> dict[int, list[int]]:
    visiting = {vt.carer_id for vt in world.visit_types}
    home = {p.id for p in world.providers if "home" in p.care_types}
    spares: dict[int, list[int]] = {}
    for carer in world.carers:
        if carer.provider_id in home and carer.id not in visiting and carer.staff_type == "assistant":
            spares.setdefault(carer.provider_id, []).append(carer.id)
    return spares


def _by_slot(visits: list[Visit]) -> dict[tuple[int, date], list[Visit]]:
    index: dict[tuple[int, date], list[Visit]] = {}
    for visit in sorted(visits, key=lambda v: v.check_in):
        index.setdefault((visit.carer_id, visit.day), []).append(visit)
    return index


def _seed_pairs(m: Month, pool: Pool, n: dict[str, int], visits: list[Visit]) -> list[Visit]:
    shared_photo(m, pool.take(2 * n["S01"]), n["S01"])
    added = [duplicate(m, v) for v in pool.take(n["V10"])]
    by_slot, done = _by_slot(visits), 0
    for visit in pool.take(4 * n["V04"]):
        if done < n["V04"] and visit.id not in m.used and overlap(m, visit, by_slot):
            done += 1
    spares = _spares(m.world)
    added += [x for v in pool.take(n["V06"] - n["V06"] // 2) if v.care_type == "home"
              and (x := evening_visit(m, v.person_id, v.day, v.provider_id, spares))]
    added += in_bed_visits(m, n["V06"] // 2, spares)
    return added


def _seed_caps(m: Month, visits: list[Visit], s02: set[int]) -> list[Visit]:
    by_type: dict[int, list[Visit]] = {}
    for visit in visits:
        if visit.visit_type_id is not None:
            by_type.setdefault(visit.visit_type_id, []).append(visit)
    candidates = [vt for vt in m.world.visit_types if vt.care_type == "home" and vt.id in by_type
                  and vt.carer_id not in s02 and not m.persons[vt.person_id].first
                  and not m.persons[vt.person_id].last]
    extras: list[Visit] = []
    for vt in m.rng.sample(candidates, count(V07_PERSONS, len(candidates))):
        extras += over_cap(m, vt, by_type[vt.id])
    return extras


def _seed_packages(m: Month, visits: list[Visit]) -> set[int]:
    """F01: a few family-care packages left with two visits in the month."""
    by_person: dict[int, list[Visit]] = {}
    for visit in visits:
        if visit.care_type == "family":
            by_person.setdefault(visit.person_id, []).append(visit)
    removed: set[int] = set()
    for person_id in m.rng.sample(sorted(by_person), count(F01_PERSONS, len(by_person))):
        removed |= {v.id for v in sorted(by_person[person_id], key=lambda v: v.check_in)[2:]}
        note(m.world, "F01", f"person:{person_id}")
    return removed


def seed_visits(world: World, rng: random.Random, month: date, visits: list[Visit], items: list[Item],
                caps: dict[int, int]) -> list[Visit]:
    """The month's visits with their seeded breaches (some added, a few family visits removed)."""
    m = Month(world, rng, month, visits, items, caps)
    s02 = seed_s02(m)
    candidates = [v for v in visits if v.care_type != "family" and v.carer_id not in s02 and v.plan_id is not None]
    rng.shuffle(candidates)
    pool = Pool(m, candidates)
    n = {rule: count(share, len(candidates)) for rule, share in SHARE.items()}
    for rule, change in SIMPLE:
        for visit in pool.take(n[rule]):
            change(m, visit)
            m.seed(rule, visit)
    added = _seed_pairs(m, pool, n, visits)
    added += _seed_caps(m, visits, s02)
    removed = _seed_packages(m, visits)
    return [v for v in visits if v.id not in removed] + added
