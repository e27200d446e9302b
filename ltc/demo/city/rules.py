"""SPEC §6 re-evaluated over the generated facts (pure): the truth the rule engine must reproduce.

A bed-day is keyed ``stay:ID:YYYY-MM-DD``, a visit ``visit:ID``, a family package
``package:PERSON:PROVIDER:YYYY-MM``. REF parameters: 300 m, 90 %, overlap > 5 min, leave > 3 days,
72 h, ±1 day (V11), ⌈4 × entitled days / days in month⌉ (F01), 80 % within 2 min (S02). "The
later" (V04, V06) is the later check-in, a bed-day counting from 00:00, ties by id; a V10
duplicate is the later entry (id) and is not also a V04 overlap of its original.
"""
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ltc.core.months import days, first_of_next_month
from ltc.demo.city.facts import Person, Stay, Visit, World

REJECT = frozenset({"E01", "E02", "E03", "E07", "E08", "P01", "P02", "V03", "V04", "V06", "V09", "V10", "D02"})
FLAG = frozenset({"V01", "V11", "S01", "V12", "V13", "S02"})
RADIUS_M, DURATION, OVERLAP, LEAVE_DAYS, UPLOAD = 300, 0.9, timedelta(minutes=5), 3, timedelta(hours=72)
M_PER_E6 = 0.1111949


@dataclass(slots=True)
class BedDay:
    key: str
    person_id: int
    provider_id: int
    day: date
    rules: set[str] = field(default_factory=set)


class Facts:
    """Look-ups over the world for one month."""

    def __init__(self, world: World, month: date, items: dict[int, frozenset[str]]) -> None:
        self.world, self.month, self.end = world, month, first_of_next_month(month)
        self.persons = {p.id: p for p in world.persons}
        self.ents = {e.person_id: e for e in world.entitlements}
        self.providers = {p.id: p for p in world.providers}
        self.carers = {c.id: c for c in world.carers}
        self.types = {vt.id: vt for vt in world.visit_types}
        self.item_staff = items
        self.special: dict[int, list] = defaultdict(list)
        for hs in world.hospital_stays:
            if hs.category == "ltc_special":
                self.special[hs.person_id].append(hs)

    def common(self, person: Person, provider_id: int, care_type: str, day: date) -> set[str]:
        ent, found = self.ents[person.id], set()
        if not (ent.provider_id == provider_id and ent.care_type == care_type and ent.valid_from <= day < ent.valid_to):
            found.add("E01")
        if day >= ent.conclusion_valid_to:
            found.add("E02")
        if within(person.suspended, day) or (person.death and day > person.death):
            found.add("E03")
        if person.death and day > person.death:
            found.add("E07")
        if within(person.inpatient, day):
            found.add("E08")
        if within(self.providers[provider_id].suspended, day):
            found.add("P01")
        return found

    def carer_barred(self, visit: Visit) -> bool:
        carer = self.carers[visit.carer_id]
        qualified = any(a <= visit.day and (b is None or visit.day < b) for a, b in carer.qualified)
        allowed = all(carer.staff_type in self.item_staff[i] for i in visit.items)
        return not qualified or not allowed or within(carer.suspended, visit.day)


def within(windows: list[tuple[date, date]], day: date) -> bool:
    for a, b in windows:
        if a <= day < b:
            return True
    return False


def metres(person: Person, lat: int, lon: int) -> float:
    dy = (lat - person.lat) * M_PER_E6
    dx = (lon - person.lon) * M_PER_E6 * math.cos(math.radians(person.lat / 1e6))
    return math.hypot(dx, dy)


def stay_days(stay: Stay, person: Person, month: date, end: date) -> list[date]:
    """算入不算出 within the month: the admission day counts, the discharge day does not, except a
    same-day stay and the day of death."""
    last = stay.discharged or end
    counted = [d for d in days(max(stay.admitted, month), min(last, end))]
    extra = stay.discharged if stay.discharged in (stay.admitted, person.death) else None
    if extra is not None and month <= extra < end and extra not in counted:
        counted.append(extra)
    return counted


def bed_days(facts: Facts) -> list[BedDay]:
    leaves = defaultdict(list)
    for leave in facts.world.leaves:
        leaves[leave.stay_id].append(leave)
    result = []
    for stay in facts.world.stays:
        person = facts.persons[stay.person_id]
        for day in stay_days(stay, person, facts.month, facts.end):
            rules = facts.common(person, stay.provider_id, stay.care_type, day)
            if any(lv.out <= day < lv.back and (lv.back - lv.out).days > LEAVE_DAYS for lv in leaves[stay.id]):
                rules.add("D02")
            if stay.care_type == "special" and not _shown(facts.special[person.id], day):
                rules.add("V11")
            result.append(BedDay(f"stay:{stay.id}:{day.isoformat()}", person.id, stay.provider_id, day, rules))
    return result


def _shown(stays: list, day: date) -> bool:
    one = timedelta(days=1)
    return any(hs.admitted - one <= day and (hs.discharged is None or day < hs.discharged + one) for hs in stays)


def visit_rules(facts: Facts, visit: Visit) -> set[str]:
    person = facts.persons[visit.person_id]
    rules = facts.common(person, visit.provider_id, visit.care_type, visit.day)
    if facts.carer_barred(visit):
        rules.add("P02")
    points = [(visit.in_lat, visit.in_lon)] + ([(visit.out_lat, visit.out_lon)] if visit.out_lat else [])
    if any(metres(person, lat, lon) > RADIUS_M for lat, lon in points):
        rules.add("V01")
    if visit.actual is not None and visit.actual < DURATION * visit.planned:
        rules.add("V03")
    planned = facts.types[visit.visit_type_id].items if visit.visit_type_id else ()
    if not set(visit.items) <= set(planned):
        rules.add("V09")
    if visit.uploaded - visit.check_in > UPLOAD:
        rules.add("V12")
    if visit.check_out is None:
        rules.add("V13")
    return rules


def _end(visit: Visit) -> datetime:
    return visit.check_out or visit.check_in + timedelta(minutes=visit.planned)


def overlaps_and_duplicates(visits: list[Visit], found: dict[int, set[str]]) -> None:
    """V10 (same beneficiary, carer and check-in: the later entry) and V04 (the same carer's later
    check-in overlapping an earlier visit by more than 5 minutes)."""
    first: dict[tuple, int] = {}
    by_carer = defaultdict(list)
    for visit in sorted(visits, key=lambda v: v.id):
        key = (visit.person_id, visit.carer_id, visit.check_in)
        if key in first:
            found[visit.id].add("V10")
            continue
        first[key] = visit.id
        by_carer[visit.carer_id].append(visit)
    for mine in by_carer.values():
        mine.sort(key=lambda v: (v.check_in, v.id))
        latest = None
        for visit in mine:
            if latest is not None and min(_end(latest), _end(visit)) - visit.check_in > OVERLAP:
                found[visit.id].add("V04")
            if latest is None or _end(visit) > _end(latest):
                latest = visit


def two_places(bed: list[BedDay], visits: list[Visit], found: dict[int, set[str]]) -> None:
    """V06: on a person's day, a visit after a bed-day, or a record of another provider than the
    day's first record, is the later one."""
    beds = defaultdict(list)
    for bd in bed:
        beds[(bd.person_id, bd.day)].append(bd)
    seen: dict[tuple[int, date], int] = {}
    for visit in sorted(visits, key=lambda v: (v.check_in, v.id)):
        key = (visit.person_id, visit.day)
        if key in beds:
            found[visit.id].add("V06")
            continue
        first = seen.setdefault(key, visit.provider_id)
        if first != visit.provider_id:
            found[visit.id].add("V06")
    for same_day in beds.values():
        for bd in sorted(same_day, key=lambda b: b.key)[1:]:
            if bd.provider_id != same_day[0].provider_id:
                bd.rules.add("V06")


def reused(visits: list[Visit], found: dict[int, set[str]]) -> None:
    """S01: a photo hash or a 6-decimal GPS point shared by visits to different persons."""
    owners = defaultdict(set)
    for visit in visits:
        for mark in _marks(visit):
            owners[mark].add(visit.person_id)
    for visit in visits:
        if any(len(owners[mark]) > 1 for mark in _marks(visit)):
            found[visit.id].add("S01")


def _marks(visit: Visit) -> list:
    marks: list = [visit.photo, (visit.in_lat, visit.in_lon)]
    if visit.out_lat is not None:
        marks.append((visit.out_lat, visit.out_lon))
    return marks


def minimal(visits: list[Visit], found: dict[int, set[str]]) -> None:
    """S02: a carer ≥ 80 % of whose checked-out visits end within 2 minutes of the minimum duration."""
    by_carer = defaultdict(list)
    for visit in visits:
        if visit.actual is not None:
            by_carer[visit.carer_id].append(visit)
    for mine in by_carer.values():
        close = [v for v in mine if 0 <= v.actual - DURATION * v.planned <= 2]
        if len(close) >= 0.8 * len(mine):
            for visit in close:
                found[visit.id].add("S02")


def capped(facts: Facts, visits: list[Visit], found: dict[int, set[str]], caps: dict[int, int]) -> dict[int, int]:
    """V07 over home visits not rejected: each (person, provider) month's hours cap consumed in
    check-in order; returns the payable minutes of every visit (0 when rejected)."""
    payable, used = {}, defaultdict(int)
    for visit in sorted(visits, key=lambda v: (v.check_in, v.id)):
        if found[visit.id] & REJECT:
            payable[visit.id] = 0
            continue
        payable[visit.id] = visit.planned
        if visit.care_type == "home":
            key = (visit.person_id, visit.provider_id)
            left = max(0, caps[facts.persons[visit.person_id].level] * 60 - used[key])
            payable[visit.id] = min(visit.planned, left)
            used[key] += payable[visit.id]
            if payable[visit.id] < visit.planned:
                found[visit.id].add("V07")
    return payable


def entitled_days(facts: Facts, person_id: int) -> int:
    ent = facts.ents[person_id]
    return max(0, (min(ent.valid_to, facts.end) - max(ent.valid_from, facts.month)).days)


def packages(facts: Facts, visits: list[Visit], payable: dict[int, int]) -> dict[str, tuple[int, int, set[str]]]:
    """F01 per family-care beneficiary and provider month: fewer valid visits than
    ⌈4 × entitled days / days in month⌉."""
    valid = defaultdict(int)
    for visit in visits:
        if visit.care_type == "family" and payable[visit.id]:
            valid[visit.person_id] += 1
    result = {}
    dim = (facts.end - facts.month).days
    for ent in facts.world.entitlements:
        entitled = entitled_days(facts, ent.person_id) if ent.care_type == "family" else 0
        if entitled:
            rules = {"F01"} if valid[ent.person_id] < math.ceil(4 * entitled / dim) else set()
            result[f"package:{ent.person_id}:{ent.provider_id}:{facts.month:%Y-%m}"] = (ent.person_id,
                                                                                       ent.provider_id, rules)
    return result


@dataclass
class Evaluation:
    bed: list[BedDay]
    visits: dict[int, set[str]]
    payable: dict[int, int]
    packages: dict[str, tuple[int, int, set[str]]]


def evaluate(facts: Facts, visits: list[Visit], caps: dict[int, int]) -> Evaluation:
    bed = bed_days(facts)
    found = {v.id: visit_rules(facts, v) for v in visits}
    overlaps_and_duplicates(visits, found)
    two_places(bed, visits, found)
    reused(visits, found)
    minimal(visits, found)
    payable = capped(facts, visits, found, caps)
    return Evaluation(bed, found, payable, packages(facts, visits, payable))
