"""The synthetic city's planner, rules and pricing (pure, issue 10 point 7)."""
import csv
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from ltc.billing.policy import REF, BillingPolicy
from ltc.core.months import add_months
from ltc.demo.city import rules, truth
from ltc.demo.city.facts import (Carer, Entitlement, HospitalStay, Item, Options, Person, Provider, Stay, Visit,
                                 VisitType, World)
from ltc.demo.city.run import plan_month, plan_world
from ltc.demo.city.writer import ID_TABLES
from ltc.policy.schema import parse_as

POLICY = parse_as(BillingPolicy, REF, "billing")
JAN = date(2026, 1, 1)


def _items() -> list[Item]:
    path = Path(__file__).parents[2] / "ltc" / "data" / "service_items.csv"
    with path.open(encoding="utf-8") as handle:
        return [Item(n, row["class"], frozenset(row["allowed_staff"].split("|")),
                     frozenset(row["care_types"].split(";"))) for n, row in enumerate(csv.DictReader(handle), 1)]


@pytest.fixture(scope="module")
def planned():
    """2 000 beneficiaries, 40 providers, two months."""
    items = _items()
    city, rng = plan_world(Options(2000, 40, JAN, 2, seed=7), {t: 1 for t in ID_TABLES}, items)
    months = [plan_month(city, rng, add_months(JAN, k), items, POLICY) for k in range(2)]
    return city, months


def test_the_care_type_mix_is_about_40_45_10_5(planned):
    city, _ = planned
    mix = Counter(p.care_type for p in city.persons)
    share = {care: n / len(city.persons) for care, n in mix.items()}
    assert abs(share["special"] + share["institution"] - 0.40) < 0.03
    assert abs(share["home"] - 0.45) < 0.03
    assert abs(share["outreach"] - 0.10) < 0.02
    assert abs(share["family"] - 0.05) < 0.015
    assert {p.level for p in city.persons} == {3, 4, 5}


def test_a_month_has_about_twenty_records_per_beneficiary(planned):
    _, months = planned
    records = months[0][1]["records"]["records"]
    assert 18 * 2000 < records < 24 * 2000   # ~1 000 000 a month at 50 000 beneficiaries


@pytest.mark.parametrize("month", [0, 1])
def test_each_rule_breaches_between_0_2_and_2_percent(planned, month):
    found = planned[1][month][1]["rules"]
    outside = {rule: f["rate"] for rule, f in found.items() if not 0.002 <= f["rate"] <= 0.02}
    assert outside == {}


def _subjects(key: str, visits: dict[int, Visit], stays: dict[int, Stay]) -> set[str]:
    kind, ident = key.split(":")[:2]
    if kind == "visit":
        v = visits[int(ident)]
        return {key, f"person:{v.person_id}", f"carer:{v.carer_id}", f"provider:{v.provider_id}"}
    if kind == "stay":
        s = stays[int(ident)]
        return {f"person:{s.person_id}", f"provider:{s.provider_id}"}
    return {f"person:{ident}"}


def test_only_the_seeded_records_breach_a_rule(planned):
    """Every finding of the re-evaluation is on a record, person, carer or provider seeded for that rule."""
    city, months = planned
    stays = {s.id: s for s in city.stays}
    for batch, month in months:
        visits = {v.id: v for v in batch}
        stray = {rule: [k for k in f["keys"] if not _subjects(k, visits, stays) & city.intended.get(rule, set())]
                 for rule, f in month["rules"].items()}
        assert {rule: keys[:3] for rule, keys in stray.items() if keys} == {}


def test_clean_visits_keep_every_rule_margin(planned):
    city, months = planned
    batch, month = months[0]
    seeded = {k for f in month["rules"].values() for k in f["keys"]}
    persons = {p.id: p for p in city.persons}
    for visit in batch:
        if f"visit:{visit.id}" in seeded:
            continue
        assert rules.metres(persons[visit.person_id], visit.in_lat, visit.in_lon) < 200
        assert visit.actual >= visit.planned
        assert visit.uploaded - visit.check_in < timedelta(hours=1)


CST = timezone(timedelta(hours=8))


def _person(pid: int, care: str, level: int, category: str = "employee", tags: tuple = (), **extra) -> Person:
    return Person(id=pid, index=pid, id_number="", name="", sex="F", birth=date(1940, 1, 1), district="SYN01",
                  lat=30_000_000 + 10_000 * pid, lon=120_000_000, category=category, tags=tags, care_type=care,
                  level=level, provider_id=100 + pid, **extra)


def _entitlement(person: Person) -> Entitlement:
    return Entitlement(id=person.id, app_id=person.id, person_id=person.id, provider_id=person.provider_id,
                       care_type=person.care_type, level=person.level, concluded_on=date(2025, 6, 1),
                       conclusion_valid_to=date(2027, 6, 1), valid_from=date(2025, 7, 1), valid_to=date(2027, 6, 1))


def _visits(person: Person, count: int, minutes: int, short: int | None = None) -> list[Visit]:
    result = []
    for n in range(count):
        day = JAN + timedelta(days=n)
        start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=CST).astimezone(timezone.utc)
        actual = short if short is not None and n == 0 else minutes
        result.append(Visit(id=person.id * 100 + n, provider_id=person.provider_id, person_id=person.id,
                            carer_id=person.id, care_type=person.care_type, plan_id=person.id,
                            visit_type_id=person.id, scheduled=start, check_in=start,
                            check_out=start + timedelta(minutes=actual), day=day, planned=minutes, actual=actual,
                            in_lat=person.lat, in_lon=person.lon, out_lat=person.lat, out_lon=person.lon,
                            photo=f"p{person.id}-{n}", uploaded=start, items=(1,), medical=False))
    return result


def _world() -> tuple[World, list[Visit]]:
    """SPEC §7.2's worked examples 1–3, an institution resident with an uplift tag and a family
    beneficiary with two inpatient days, all January 2026 (31 days)."""
    special = _person(1, "special", 5, tags=("chronic_class_a",))
    home, outreach = _person(2, "home", 5), _person(3, "outreach", 5)
    institution = _person(4, "institution", 3, category="resident", tags=("medical_assistance",))
    family = _person(5, "family", 4, category="resident", inpatient=[(date(2026, 1, 10), date(2026, 1, 12))])
    people = [special, home, outreach, institution, family]
    providers = [Provider(101, "", "", "hospital_2", ("special",), "SYN01", 0, 0),
                 Provider(102, "", "", "home_care", ("home",), "SYN01", 0, 0),
                 Provider(103, "", "", "clinic", ("outreach",), "SYN01", 0, 0),
                 Provider(104, "", "", "nursing_home", ("institution",), "SYN01", 0, 0, price=Decimal("58")),
                 Provider(105, "", "", "home_care", ("family",), "SYN01", 0, 0)]
    carers = [Carer(p.id, p.provider_id, "nurse", "", "", date(1980, 1, 1), "F", qualified=[(date(2020, 1, 1), None)])
              for p in people]
    types = [VisitType(p.id, p.id, p.id, p.provider_id, p.care_type, (1,), time(9), 60, (1,), False, p.id,
                       date(2025, 7, 1)) for p in (home, outreach, family)]
    stays = [Stay(1, 101, 1, "special", date(2025, 12, 1), None),
             Stay(2, 104, 4, "institution", date(2025, 8, 1), None)]
    world = World(options=Options(5, 5, JAN, 1), districts=["SYN01"], districts_new=[], insurer_id=0, agency_ids=[],
                  providers=providers, persons=people, entitlements=[_entitlement(p) for p in people], carers=carers,
                  visit_types=types, stays=stays, leaves=[],
                  hospital_stays=[HospitalStay(1, 1, "", "ltc_special", date(2025, 12, 1), None)], intended={})
    visits = _visits(home, 30, 60, short=35) + _visits(outreach, 12, 40) + _visits(family, 5, 60)
    return world, visits


def test_the_truth_prices_the_worked_examples_by_hand():
    world, visits = _world()
    facts = rules.Facts(world, JAN, {1: frozenset({"nurse"})})
    evaluation = rules.evaluate(facts, visits, {3: 13, 4: 21, 5: 30})
    month = truth.month_truth(facts, evaluation, visits, POLICY)
    priced = {care: (f["payable_units"], f["billable"], f["fund"]) for care, f in month["pricing"].items()
              if care != "total"}
    assert priced["special"] == (31, "6820.00", "6138.00")          # (210 + 10) × 31; 90 %
    assert priced["home"] == (29 * 60, "1885.00", "1696.50")         # 29 h × 65 (one visit 35 of 60 min: V03)
    assert priced["outreach"] == (12, "1440.00", "1000.00")          # 12 × 120; 90 % = 1296 capped at 1000
    assert priced["institution"] == (31, "1550.00", "1085.00")       # min(58, 50) × 31; 65 % + 5 % uplift
    assert priced["family_allowance"] == (29, "435.00", "435.00")    # 15 × (31 − 2 inpatient days)
    assert priced["family_package"] == (1, "300.00", "300.00")       # 5 valid visits ≥ ⌈4 × 31 / 31⌉
    assert month["rules"]["V03"]["keys"] == ["visit:200"]
    assert {rule for rule, f in month["rules"].items() if f["count"]} == {"V03"}
    assert month["pricing"]["total"] == {"billable": "12430.00", "fund": "10654.50"}


def test_a_package_with_too_few_visits_is_not_paid_and_a_visit_over_the_cap_is_paid_in_part():
    world, visits = _world()
    home = world.persons[1]
    family_visits = [v for v in visits if v.care_type == "family"][:3]
    first, *others = _visits(home, 30, 60)
    first.planned = first.actual = 30                      # 30 + 29 × 60 = 1 770 of the 1 800 minutes
    first.check_out = first.check_in + timedelta(minutes=30)
    extra = _visits(home, 1, 60)[0]
    extra.id, extra.check_in = 999, extra.check_in + timedelta(days=30, hours=10)
    extra.day, extra.check_out = date(2026, 1, 31), extra.check_in + timedelta(minutes=60)
    batch = family_visits + [first, *others, extra]
    facts = rules.Facts(world, JAN, {1: frozenset({"nurse"})})
    evaluation = rules.evaluate(facts, batch, {3: 13, 4: 21, 5: 30})
    month = truth.month_truth(facts, evaluation, batch, POLICY)
    assert month["rules"]["F01"]["keys"] == ["package:5:105:2026-01"]   # 3 visits < ⌈4 × 31 / 31⌉
    assert month["pricing"]["family_package"]["billable"] == "0.00"
    assert month["rules"]["V07"]["keys"] == ["visit:999"]
    assert evaluation.payable[999] == 30                                 # the minutes left under the cap
    assert month["rules"]["V07"]["minutes_over"] == {"visit:999": 30}
    assert month["pricing"]["home"]["billable"] == "1950.00"             # 30 h × 65


def test_visit_type_start_times_are_written_only_where_the_column_exists(planned):
    from ltc.demo.city.rows import plans
    city, _ = planned
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    without = {name: (columns, next(data)) for name, columns, data in plans(city, now, start_time=False)}
    with_time = {name: (columns, next(data)) for name, columns, data in plans(city, now, start_time=True)}
    assert "start_time" not in without["care_plan_visit_types"][0]
    columns, first = with_time["care_plan_visit_types"]
    assert columns[-1] == "start_time" and first[-1] == city.visit_types[0].start == time(7, 30)
