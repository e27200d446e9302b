"""A month's visits (pure): the plan's schedule as carried out, then visit-level breaches.

Clean visits start within −5/+10 minutes of their slot, last 0–8 minutes longer than planned,
check in and out within ~160 m of the person's address on points only that person's visits use
(each person's micro-degree residue), carry a fresh photo hash and reach the server within 30
minutes. Seeded visits are noted in ``world.intended`` as ``visit:ID`` (``person:ID`` for V07 and
F01, ``carer:ID`` for S02).
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from ltc.core.months import days, first_of_next_month
from ltc.demo.city.facts import Person, Visit, VisitType, World

CST = timezone(timedelta(hours=8))
LATTICE = 256
NEAR = 800          # micro-degrees around the address for clean points (≤ ~160 m)


def local(day: date, at: time, minutes: int = 0) -> datetime:
    moment = datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=CST) + timedelta(minutes=minutes)
    return moment.astimezone(timezone.utc)


def point(rng: random.Random, person: Person, spread: int = NEAR, far: bool = False) -> tuple[int, int]:
    """A GPS point on the person's own lattice (so no other person's visit can share it, S01)."""
    residue = person.index % (LATTICE * LATTICE)
    dlat, dlon = rng.randrange(-spread, spread), rng.randrange(-spread, spread)
    if far:   # 500–1 400 m away (V01)
        dlat = rng.choice((-1, 1)) * rng.randrange(4_600, 12_000)
    lat = (person.lat + dlat) // LATTICE * LATTICE + residue // LATTICE
    lon = (person.lon + dlon) // LATTICE * LATTICE + residue % LATTICE
    return lat, lon


def in_records(person: Person, day: date) -> bool:
    if (person.first and day < person.first) or (person.last and day >= person.last):
        return False
    return not any(a <= day < b for a, b in person.away)


def make_visit(world: World, rng: random.Random, vt: VisitType, person: Person, day: date, at: time,
               planned: bool = True) -> Visit:
    check_in = local(day, at, rng.randrange(-5, 11))
    actual = vt.minutes + rng.randrange(0, 9)
    in_lat, in_lon = point(rng, person)
    out_lat, out_lon = point(rng, person)
    return Visit(id=world.ids.take("visits"), provider_id=vt.provider_id, person_id=person.id, carer_id=vt.carer_id,
                 care_type=vt.care_type, plan_id=vt.plan_id if planned else None,
                 visit_type_id=vt.id if planned else None, scheduled=local(day, at), check_in=check_in,
                 check_out=check_in + timedelta(minutes=actual), day=day, planned=vt.minutes, actual=actual,
                 in_lat=in_lat, in_lon=in_lon, out_lat=out_lat, out_lon=out_lon, photo=f"{rng.getrandbits(128):032x}",
                 uploaded=check_in + timedelta(seconds=rng.randrange(5, 1800)), items=vt.items if planned else (),
                 medical=vt.medical and planned)


def scheduled(world: World, rng: random.Random, month: date, persons: dict[int, Person]) -> list[Visit]:
    """The month's visits from every visit type, on its weekdays, within the person's record window;
    a day before the entitlement (a joiner) gives an unplanned visit without items."""
    end = first_of_next_month(month)
    result = []
    for vt in world.visit_types:
        person = persons[vt.person_id]
        for day in days(month, end):
            if day.isoweekday() in vt.weekdays and in_records(person, day):
                result.append(make_visit(world, rng, vt, person, day, vt.start, planned=day >= vt.effective_from))
    return result
