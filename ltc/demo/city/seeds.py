"""Dated facts that breach rules on purpose (pure), month by month, each in a share of records.

Every seeded subject is noted in ``world.intended`` (rule → ``person:ID`` / ``carer:ID`` /
``provider:ID``); a person takes at most one of these seeds a month, family-care persons none
(their package must keep its visits, F01 is seeded on its own). Clean look-alikes are seeded too:
deaths after which the provider stops, hospital stays the provider knew of (visits paused, stay
split), leaves of at most 3 days, qualifications expiring after the last month.
"""
import random
from datetime import date, timedelta

from ltc.core.months import add_months, days_in_month
from ltc.demo.city.facts import HospitalStay, Leave, Person, Stay, World

BED = ("special", "institution")
#: rule → share of the eligible subjects seeded each month
SHARE = {"E01": 0.03, "E07": 0.02, "E02": 0.02, "E03": 0.03, "E08": 0.04, "D02": 0.025, "short_leave": 0.03,
         "P01": 0.02, "P02": 0.035, "V11": 0.015}


def count(share: float, population: int) -> int:
    return max(1, round(share * population)) if population else 0


def note(world: World, rule: str, subject: str) -> None:
    world.intended.setdefault(rule, set()).add(subject)


def window(rng: random.Random, month: date, length: int) -> tuple[date, date]:
    """``[a, a + length)`` inside the month, at least 2 days from its start and 10 from its end."""
    a = month + timedelta(days=rng.randrange(2, days_in_month(month) - length - 10))
    return a, a + timedelta(days=length)


def stay_over(world: World, person: Person, a: date, b: date) -> Stay | None:
    for stay in world.stays_by_person.get(person.id, ()):
        if stay.admitted < a and (stay.discharged is None or stay.discharged > b):
            return stay
    return None


def seed_joiners(world: World, rng: random.Random) -> set[int]:
    """E01: persons concluded in a generated month whose entitlement starts a week or so later,
    while the provider records from the day after the conclusion."""
    pool = [p for p in world.persons if p.care_type != "family"]
    ents = {e.person_id: e for e in world.entitlements}
    joiners: set[int] = set()
    for k in range(world.options.months):
        month = add_months(world.options.start, k)
        for person in rng.sample([p for p in pool if p.id not in joiners], count(SHARE["E01"], len(pool))):
            joiners.add(person.id)
            concluded = month + timedelta(days=rng.randrange(0, 8))
            ent = ents[person.id]
            ent.concluded_on, ent.valid_from = concluded, concluded + timedelta(days=rng.randrange(6, 12))
            ent.conclusion_valid_to = ent.valid_to = add_months(concluded, 24)
            person.first = concluded + timedelta(days=1)
            for stay in world.stays_by_person.get(person.id, ()):
                stay.admitted = person.first
            note(world, "E01", f"person:{person.id}")
    return joiners


def seed_death(world: World, rng: random.Random, person: Person, month: date) -> None:
    """Dies on day d: entitlement ends the next day. Three in four providers go on recording for
    5–9 days (E07, and E03 and E01 with it); the others stop (clean)."""
    day, _ = window(rng, month, 1)
    late = rng.randrange(5, 10) if rng.random() < 0.75 else 0
    person.death, person.last = day, day + timedelta(days=late + 1)
    ent = world.ent_by_person[person.id]
    ent.valid_to, ent.end_reason = day + timedelta(days=1), "death"
    stay = stay_over(world, person, day, day)
    if stay is not None:
        stay.discharged = day + timedelta(days=late)
    if late:
        for rule in ("E07", "E03", "E01"):
            note(world, rule, f"person:{person.id}")


def seed_lapse(world: World, rng: random.Random, person: Person, month: date) -> None:
    """E02: the conclusion ends on day x; the entitlement row runs 10 days longer and so do the records."""
    day, end = window(rng, month, 10)
    ent = world.ent_by_person[person.id]
    ent.conclusion_valid_to, ent.valid_to = day, end
    person.last = end
    stay = stay_over(world, person, day, day)
    if stay is not None:
        stay.discharged = end
    note(world, "E02", f"person:{person.id}")


def seed_suspension(world: World, rng: random.Random, person: Person, month: date) -> None:
    person.suspended.append(window(rng, month, rng.randrange(3, 8)))
    note(world, "E03", f"person:{person.id}")


def seed_inpatient(world: World, rng: random.Random, person: Person, month: date) -> None:
    """An inpatient stay: half the providers go on recording (E08); the others pause visits or
    discharge the person on the admission day and admit them again on the hospital discharge day."""
    a, b = window(rng, month, rng.randrange(3, 9))
    person.inpatient.append((a, b))
    if rng.random() < 0.5:
        note(world, "E08", f"person:{person.id}")
    elif person.care_type in BED:
        stay = stay_over(world, person, a, b)
        if stay is not None:
            again = Stay(id=world.ids.take("stays"), provider_id=stay.provider_id, person_id=person.id,
                         care_type=stay.care_type, admitted=b, discharged=stay.discharged, unmatched=stay.unmatched)
            stay.discharged = a
            world.stays.append(again)
            world.stays_by_person[person.id].append(again)
    else:
        person.away.append((a, b))


def seed_leave(world: World, rng: random.Random, person: Person, month: date, long: bool) -> None:
    out, back = window(rng, month, rng.randrange(4, 7) if long else rng.randrange(1, 4))
    stay = stay_over(world, person, out, back)
    if stay is None:
        return
    world.leaves.append(Leave(id=world.ids.take("leaves"), stay_id=stay.id, provider_id=stay.provider_id,
                              person_id=person.id, out=out, back=back))
    if long:
        note(world, "D02", f"person:{person.id}")


PERSON_SEEDS = (("E07", seed_death), ("E02", seed_lapse), ("E03", seed_suspension), ("E08", seed_inpatient))


def seed_persons(world: World, rng: random.Random, month: date, excluded: set[int]) -> None:
    """This month's person seeds, each on persons no other seed touched this month; the dead and
    the lapsed take no later seed (``excluded`` grows)."""
    pool = [p for p in world.persons if p.id not in excluded and p.care_type != "family"]
    rng.shuffle(pool)
    at = 0
    for rule, seed in PERSON_SEEDS:
        n = count(SHARE[rule], len(pool))
        for person in pool[at:at + n]:
            seed(world, rng, person, month)
            if rule in ("E07", "E02"):
                excluded.add(person.id)
        at += n
    beds = [p for p in pool[at:] if p.care_type in BED]
    long_n, short_n = count(SHARE["D02"], len(beds)), count(SHARE["short_leave"], len(beds))
    for i, person in enumerate(beds[:long_n + short_n]):
        seed_leave(world, rng, person, month, long=i < long_n)


def seed_providers(world: World, rng: random.Random, month: date) -> None:
    """P01: providers suspended for 2–5 days, until about 0.5 % of the month's records fall in them
    (a record a day per bed-based beneficiary, about 0.7 per visit beneficiary)."""
    load: dict[int, float] = {}
    for ent in world.entitlements:
        load[ent.provider_id] = load.get(ent.provider_id, 0) + (1.0 if ent.care_type in BED else 0.7)
    target, reached = 0.005 * 20 * len(world.persons), 0.0
    for org in rng.sample(world.providers, len(world.providers)):
        if reached >= target:
            break
        a, b = window(rng, month, rng.randrange(2, 6))
        org.suspended.append((a, b))
        reached += load.get(org.id, 0) * (b - a).days
        note(world, "P01", f"provider:{org.id}")


def seed_carers(world: World, rng: random.Random, month: date, family_carers: set[int]) -> None:
    """P02: carers who visit for 3–7 days while suspended, or between two qualification periods."""
    visiting = sorted({vt.carer_id for vt in world.visit_types} - family_carers)
    carers = {c.id: c for c in world.carers}
    for carer_id in rng.sample(visiting, count(SHARE["P02"], len(visiting))):
        carer = carers[carer_id]
        a, b = window(rng, month, rng.randrange(3, 8))
        since, until = carer.qualified[-1]
        if rng.random() < 0.5 and until is None and since < a:
            carer.qualified[-1] = (since, a)
            carer.qualified.append((b, None))
        else:
            carer.suspended.append((a, b))
        note(world, "P02", f"carer:{carer.id}")


def hospital_stays(world: World, rng: random.Random) -> None:
    """Inpatient stays of the persons, and the ``ltc_special`` stays that mirror every special-care
    stay except those of the V11 persons (the medical-insurance system shows none for them)."""
    special = sorted({s.person_id for s in world.stays if s.care_type == "special"})
    unmatched = set(rng.sample(special, count(SHARE["V11"], len(special))))
    for person_id in unmatched:
        note(world, "V11", f"person:{person_id}")
    for stay in sorted(world.stays, key=lambda s: s.id):
        if stay.care_type == "special" and stay.person_id not in unmatched:
            world.hospital_stays.append(HospitalStay(
                id=world.ids.take("hospital_stays"), person_id=stay.person_id,
                hospital=world.provider_names[stay.provider_id], category="ltc_special",
                admitted=stay.admitted, discharged=stay.discharged))
        stay.unmatched = stay.person_id in unmatched
    for person in world.persons:
        for a, b in person.inpatient:
            world.hospital_stays.append(HospitalStay(
                id=world.ids.take("hospital_stays"), person_id=person.id,
                hospital=f"合成市第{person.id % 7 + 1}人民医院", category="inpatient", admitted=a, discharged=b))


def seed_world(world: World, rng: random.Random) -> None:
    """Every world-level seed of every generated month, then the hospital stays."""
    world.stays_by_person = {}
    for stay in world.stays:
        world.stays_by_person.setdefault(stay.person_id, []).append(stay)
    world.ent_by_person = {e.person_id: e for e in world.entitlements}
    world.provider_names = {p.id: p.name for p in world.providers}
    family_carers = {vt.carer_id for vt in world.visit_types if vt.care_type == "family"}
    excluded = seed_joiners(world, rng)
    for vt in world.visit_types:
        vt.effective_from = world.ent_by_person[vt.person_id].valid_from
    for k in range(world.options.months):
        month = add_months(world.options.start, k)
        seed_persons(world, rng, month, excluded)
        seed_providers(world, rng, month)
        seed_carers(world, rng, month, family_carers)
    hospital_stays(world, rng)
