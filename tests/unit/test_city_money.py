"""The synthetic city's money truth (issue 10 point 7, issue 11 Performance): SPEC §7.1 REF amounts
and §7.2 rate rows rounded half-up once each, per provider and care type, on a tiny hand-made city."""
import csv
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from ltc.billing.policy import REF, BillingPolicy
from ltc.demo.city import money, rules, truth
from ltc.demo.city.facts import (Carer, Entitlement, HospitalStay, Item, Options, Person, Provider, Stay, Visit,
                                 VisitType, World)
from ltc.demo.city.run import plan_month, plan_world
from ltc.demo.city.writer import ID_TABLES
from ltc.policy.schema import parse_as

POLICY = parse_as(BillingPolicy, REF, "billing")
JUNE = date(2026, 6, 1)
CAPS = {3: 13, 4: 21, 5: 30}
CST = timezone(timedelta(hours=8))
GRADES = {"special": "hospital_2", "institution": "nursing_home", "home": "home_care", "outreach": "clinic",
          "family": "home_care"}


def _provider(pid: int, care: str, grade: str | None = None, price: str | None = None) -> Provider:
    return Provider(pid, f"P{pid}", f"USCC{pid}", grade or GRADES[care], (care,), "SYN01", 0, 0,
                    price=Decimal(price) if price else None)


def _person(pid: int, provider: int, care: str, level: int, category: str = "employee", tags: tuple = ()) -> Person:
    return Person(id=pid, index=pid, id_number="", name="", sex="F", birth=date(1940, 1, 1), district="SYN01",
                  lat=30_000_000 + 10_000 * pid, lon=120_000_000, category=category, tags=tags, care_type=care,
                  level=level, provider_id=provider)


def _entitlement(person: Person) -> Entitlement:
    return Entitlement(id=person.id, app_id=person.id, person_id=person.id, provider_id=person.provider_id,
                       care_type=person.care_type, level=person.level, concluded_on=date(2025, 6, 1),
                       conclusion_valid_to=date(2027, 6, 1), valid_from=date(2025, 7, 1), valid_to=date(2027, 6, 1))


def _visit(person: Person, n: int, minutes: int, medical: bool = False, actual: int | None = None) -> Visit:
    day = JUNE + timedelta(days=n)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=CST).astimezone(timezone.utc)
    actual = minutes if actual is None else actual
    return Visit(id=person.id * 100 + n, provider_id=person.provider_id, person_id=person.id, carer_id=person.id,
                 care_type=person.care_type, plan_id=person.id, visit_type_id=person.id, scheduled=start,
                 check_in=start, check_out=start + timedelta(minutes=actual), day=day, planned=minutes,
                 actual=actual, in_lat=person.lat, in_lon=person.lon, out_lat=person.lat, out_lon=person.lon,
                 photo=f"p{person.id}-{n}", uploaded=start, items=(1,), medical=medical)


def _month(providers: list[Provider], people: list[Person], visits: list[Visit]) -> dict:
    carers = [Carer(p.id, p.provider_id, "nurse", "", "", date(1980, 1, 1), "F", qualified=[(date(2020, 1, 1), None)])
              for p in people]
    types = [VisitType(p.id, p.id, p.id, p.provider_id, p.care_type, (1,), time(9), 60, (1,), False, p.id,
                       date(2025, 7, 1)) for p in people if p.care_type in ("home", "outreach", "family")]
    stays = [Stay(p.id, p.provider_id, p.id, p.care_type, date(2025, 12, 1), None)
             for p in people if p.care_type in ("special", "institution")]
    world = World(options=Options(len(people), len(providers), JUNE, 1), districts=["SYN01"], districts_new=[],
                  insurer_id=0, agency_ids=[], providers=providers, persons=people,
                  entitlements=[_entitlement(p) for p in people], carers=carers, visit_types=types, stays=stays,
                  leaves=[], intended={},
                  hospital_stays=[HospitalStay(s.id, s.person_id, "", "ltc_special", s.admitted, None) for s in stays
                                  if s.care_type == "special"])
    facts = rules.Facts(world, JUNE, {1: frozenset({"nurse"})})
    evaluation = rules.evaluate(facts, visits, CAPS)
    return truth.month_truth(facts, evaluation, visits, POLICY)


def test_spec_worked_examples_and_the_rounding_example_per_provider():
    """SPEC §7.2 examples 1–3 (June has 30 days: example 1 is 220 × 30 here) and one 47-minute visit at 65/h."""
    special = _person(1, 11, "special", 5, tags=("chronic_class_a",))
    home, outreach, rounding = _person(2, 12, "home", 5), _person(3, 13, "outreach", 5), _person(4, 14, "home", 3)
    visits = ([_visit(home, n, 60, actual=35 if n == 0 else None) for n in range(30)]
              + [_visit(outreach, n, 40) for n in range(12)] + [_visit(rounding, 0, 47)])
    month = _month([_provider(11, "special"), _provider(12, "home"), _provider(13, "outreach"), _provider(14, "home")],
                   [special, home, outreach, rounding], visits)
    providers = {pid: (p["billable"], p["fund"]) for pid, p in month["settlement"]["providers"].items()}
    assert providers == {"11": ("6600.00", "5940.00"),     # (210 + 10) × 30; 90 %
                         "12": ("1885.00", "1696.50"),     # 29 h × 65 (the 35-minute visit fails V03)
                         "13": ("1440.00", "1000.00"),     # 12 × 120; 90 % = 1296 capped at 1000
                         "14": ("50.92", "45.83")}         # 47 × 65 / 60 = 50.916…; × 0.90 = 45.828
    assert month["settlement"]["total"] == {"billable": "9975.92", "fund": "8682.33", "lines": 4}
    assert month["settlement"]["providers"]["14"]["uscc"] == "USCC14"


def test_each_rate_row_is_rounded_on_its_own():
    """47 min at 65 → 50.92 and 47 min at 80 → 62.67: 113.59, not round(113.583…) = 113.58."""
    person = _person(1, 11, "home", 4, category="resident")
    month = _month([_provider(11, "home")], [person], [_visit(person, 0, 47), _visit(person, 1, 47, medical=True)])
    home = month["settlement"]["by_care_type"]["home"]
    assert (home["payable_units"], home["billable"], home["lines"]) == (94, "113.59", 1)
    assert home["fund"] == str(Decimal("40.74") + Decimal("50.14"))      # 80 % of each row, rounded each
    assert month["settlement"]["providers"]["11"]["by_care_type"] == {"home": {"billable": "113.59",
                                                                              "fund": "90.88"}}


def test_bed_days_take_the_grade_quota_or_the_price_up_to_the_cap_and_the_uplift_up_to_100_percent():
    people = [_person(1, 11, "special", 4, category="resident", tags=("medical_assistance",)),
              _person(2, 12, "institution", 4), _person(3, 13, "institution", 3, category="resident"),
              _person(4, 14, "family", 5, tags=("severe_disability_cert",))]
    providers = [_provider(11, "special", grade="hospital_1"), _provider(12, "institution", price="45"),
                 _provider(13, "institution", price="58"), _provider(14, "family")]
    visits = [_visit(people[3], n, 60) for n in range(4)]
    month = _month(providers, people, visits)
    got = {pid: (p["billable"], p["fund"]) for pid, p in month["settlement"]["providers"].items()}
    assert got == {"11": ("4500.00", "3825.00"),      # 150 × 30; 80 % + 5 %
                   "12": ("1350.00", "1012.50"),      # min(45, 55) × 30; 75 %
                   "13": ("1500.00", "975.00"),       # min(58, 50) × 30; 65 %
                   "14": ("300.00", "300.00")}        # the package; 100 % + 5 % stays 100 %
    allowance = month["settlement"]["allowance"]
    assert (allowance["payable_units"], allowance["billable"], allowance["fund"]) == (30, "600.00", "600.00")
    assert "family_allowance" not in month["settlement"]["providers"]["14"]["by_care_type"]
    assert month["pricing"]["total"] == {"billable": "8250.00", "fund": "6712.50"}   # settlements + allowance


def test_the_outreach_fund_cap_is_per_line_and_rejected_units_pay_nothing():
    a, b = _person(1, 11, "outreach", 3), _person(2, 11, "outreach", 3, category="resident")
    visits = [_visit(a, n, 40) for n in range(6)] + [_visit(b, n, 40, actual=20 if n < 2 else None) for n in range(5)]
    month = _month([_provider(11, "outreach")], [a, b], visits)
    outreach = month["settlement"]["by_care_type"]["outreach"]
    # a: 720 × 90 % = 648 capped at 600; b: 3 valid visits (two fail V03), 360 × 80 % = 288
    assert (outreach["payable_units"], outreach["billable"], outreach["fund"]) == (9, "1080.00", "888.00")


def test_a_city_with_another_billing_policy_refuses_to_write_a_truth():
    changed = parse_as(BillingPolicy, {**REF, "home": {**REF["home"], "hourly_rate_life": "66"}}, "billing")
    with pytest.raises(money.NotRef, match="hourly"):
        money.check_ref(changed)
    money.check_ref(POLICY)


def _items() -> list[Item]:
    path = Path(__file__).parents[2] / "ltc" / "data" / "service_items.csv"
    with path.open(encoding="utf-8") as handle:
        return [Item(n, row["class"], frozenset(row["allowed_staff"].split("|")),
                     frozenset(row["care_types"].split(";"))) for n, row in enumerate(csv.DictReader(handle), 1)]


def test_a_generated_month_adds_up_per_provider_care_type_and_city():
    items = _items()
    city, rng = plan_world(Options(300, 20, JUNE, 1, seed=5), {t: 1 for t in ID_TABLES}, items)
    _, month = plan_month(city, rng, JUNE, items, POLICY)
    settled = month["settlement"]
    by_provider = [(Decimal(p["billable"]), Decimal(p["fund"])) for p in settled["providers"].values()]
    by_care = [(Decimal(c["billable"]), Decimal(c["fund"])) for c in settled["by_care_type"].values()]
    total = (Decimal(settled["total"]["billable"]), Decimal(settled["total"]["fund"]))
    assert tuple(map(sum, zip(*by_provider, strict=True))) == total == tuple(map(sum, zip(*by_care, strict=True)))
    assert set(settled["by_care_type"]) == {"special", "institution", "home", "outreach", "family_package"}
    assert all(Decimal(c["fund"]) <= Decimal(c["billable"]) for c in settled["by_care_type"].values())
    assert total[0] > 0 and Decimal(settled["allowance"]["billable"]) > 0


def test_the_money_truth_does_not_use_the_billing_code():
    """Computed independently: neither the truth's money nor the truth module calls ``ltc.billing``
    (the truth reads the billing policy only to refuse one that is not REF)."""
    import ast
    import inspect

    def imported(module) -> set[str]:
        tree = ast.parse(inspect.getsource(module))
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}

    assert not {m for m in imported(money) if m.startswith("ltc.billing")}
    assert {m for m in imported(truth) if m.startswith("ltc.billing")} == {"ltc.billing.policy"}
