"""The money a generated month should settle (pure): SPEC §7.1 REF amounts and §7.2 arithmetic,
written out here from the generator's own facts — never through ``ltc.billing`` — so that a
settlement run can be checked against it to the cent.

A **line** is a beneficiary × provider × care type × month; the generator gives every person one
entitlement and one provider and keeps categories, tags, levels and prices constant, so a line is
one segment (full monthly caps) and its **rate rows** are: special — quota by facility grade and
level (+ the ``chronic_class_a`` supplement); institution — min(daily price, level cap); home — the
65 and 80 rows (visits without / with a medical item, payable minutes after V07); outreach — one
row, its fund capped per month; family — the package (300 × entitled days ÷ days in month, 0 under
F01) on the provider's settlement, and the allowance (entitled days alive, insured and not
inpatient) on the beneficiaries' payment list, never on the provider's. Each rate row rounds its
billable once (``ROUND_HALF_UP`` to 0.01) and then its fund once; totals are sums of rounded rows.
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ltc.core.months import days
from ltc.demo.city.rules import REJECT, Evaluation, Facts, entitled_days, within

CENT, ZERO = Decimal("0.01"), Decimal("0.00")
D = Decimal
#: SPEC §7.1 REF: special-care quota per bed-day by facility grade and level
QUOTA = {("hospital_2", 4): D(190), ("hospital_2", 5): D(210), ("hospital_3", 4): D(190), ("hospital_3", 5): D(210),
         ("hospital_1", 4): D(150), ("hospital_1", 5): D(170), ("nursing_hospital", 4): D(150),
         ("nursing_hospital", 5): D(170)}
SUPPLEMENT = {"chronic_class_a": D(10)}
INSTITUTION_CAP = {3: D(50), 4: D(55), 5: D(60)}
HOURLY = {False: D(65), True: D(80)}                  # home care: visit without / with a medical item
HOURS_CAP = {3: 13, 4: 21, 5: 30}
VISIT_PRICE, OUTREACH_FUND_CAP = D(120), {3: D(600), 4: D(800), 5: D(1000)}
ALLOWANCE, PACKAGE = {3: D(10), 4: D(15), 5: D(20)}, D(300)
RATIO = {"special": (D("0.90"), D("0.80")), "institution": (D("0.75"), D("0.65")), "home": (D("0.90"), D("0.80")),
         "outreach": (D("0.90"), D("0.80")), "family": (D("1.00"), D("1.00"))}
UPLIFT_TAGS, UPLIFT, RATIO_CAP = frozenset({"medical_assistance", "severe_disability_cert"}), D("0.05"), D("1.00")
#: what each kind of row counts
UNITS = {"special": "day", "institution": "day", "home": "minute", "outreach": "visit", "family_package": "package",
         "family_allowance": "day"}
SETTLED = ("special", "institution", "home", "outreach", "family_package")


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(care_type: str, category: str, tags: tuple[str, ...]) -> Decimal:
    """Base ratio of the category, + 5 points with an uplift tag, at most 100 %."""
    employee, resident = RATIO[care_type]
    base = employee if category == "employee" else resident
    return min(RATIO_CAP, base + (UPLIFT if UPLIFT_TAGS & set(tags) else ZERO))


@dataclass(frozen=True, slots=True)
class RateRow:
    provider_id: int
    person_id: int
    kind: str              # a care type, or family_package / family_allowance
    rate: Decimal          # per day, per hour (home), per visit, or the prorated package
    units: int
    billable: Decimal
    fund: Decimal


def priced(provider_id: int, person_id: int, kind: str, rate: Decimal, units: int, amount: Decimal,
           share: Decimal, fund_cap: Decimal | None = None) -> RateRow:
    billable = half_up(amount)
    fund = half_up(billable * share)
    if fund_cap is not None:
        fund = min(fund, fund_cap)
    return RateRow(provider_id, person_id, kind, rate, units, billable, fund)


def bed_rows(facts: Facts, ev: Evaluation) -> list[RateRow]:
    count: dict[tuple[int, int], int] = defaultdict(int)
    for bd in ev.bed:
        if not bd.rules & REJECT:
            count[(bd.provider_id, bd.person_id)] += 1
    rows = []
    for (provider_id, person_id), units in sorted(count.items()):
        person, provider = facts.persons[person_id], facts.providers[provider_id]
        care, level = facts.ents[person_id].care_type, facts.ents[person_id].level
        if care == "special":
            rate = QUOTA[(provider.grade, level)] + sum((SUPPLEMENT.get(t, ZERO) for t in person.tags), ZERO)
        else:
            rate = min(provider.price, INSTITUTION_CAP[level])
        rows.append(priced(provider_id, person_id, care, rate, units, rate * units,
                           ratio(care, person.category, person.tags)))
    return rows


def visit_rows(facts: Facts, ev: Evaluation, visits) -> list[RateRow]:
    """Home: one row per hourly rate over the payable minutes; outreach: one row, fund capped."""
    units: dict[tuple[int, int, str, bool], int] = defaultdict(int)
    for visit in visits:
        paid = ev.payable[visit.id]
        if paid and visit.care_type == "home":
            units[(visit.provider_id, visit.person_id, "home", visit.medical)] += paid
        elif paid and visit.care_type == "outreach":
            units[(visit.provider_id, visit.person_id, "outreach", False)] += 1
    rows = []
    for (provider_id, person_id, care, medical), n in sorted(units.items()):
        person = facts.persons[person_id]
        share = ratio(care, person.category, person.tags)
        if care == "home":
            rows.append(priced(provider_id, person_id, care, HOURLY[medical], n, HOURLY[medical] * n / 60, share))
        else:
            rows.append(priced(provider_id, person_id, care, VISIT_PRICE, n, VISIT_PRICE * n, share,
                               OUTREACH_FUND_CAP[facts.ents[person_id].level]))
    return rows


def allowance_days(facts: Facts, person_id: int) -> int:
    person, ent = facts.persons[person_id], facts.ents[person_id]
    start, end = max(ent.valid_from, facts.month), min(ent.valid_to, facts.end)
    return sum(1 for d in days(start, end) if not within(person.suspended, d) and not within(person.inpatient, d)
               and not (person.death and d > person.death))


def family_rows(facts: Facts, ev: Evaluation) -> list[RateRow]:
    rows, dim = [], (facts.end - facts.month).days
    for _key, (person_id, provider_id, rules) in sorted(ev.packages.items()):
        person, level = facts.persons[person_id], facts.ents[person_id].level
        share = ratio("family", person.category, person.tags)
        package = PACKAGE * entitled_days(facts, person_id) / dim
        paid = not rules & {"F01"}
        rows.append(priced(provider_id, person_id, "family_package", half_up(package), int(paid),
                           package if paid else ZERO, share))
        allowed = allowance_days(facts, person_id)
        rows.append(priced(provider_id, person_id, "family_allowance", ALLOWANCE[level], allowed,
                           ALLOWANCE[level] * allowed, share))
    return rows


def rate_rows(facts: Facts, ev: Evaluation, visits) -> list[RateRow]:
    return bed_rows(facts, ev) + visit_rows(facts, ev, visits) + family_rows(facts, ev)


class Sum:
    """Units, billable and fund of a group of rate rows, and its lines (provider × person)."""

    def __init__(self) -> None:
        self.units, self.billable, self.fund, self.lines = 0, ZERO, ZERO, set()

    def add(self, row: RateRow) -> None:
        self.units += row.units
        self.billable += row.billable
        self.fund += row.fund
        self.lines.add((row.provider_id, row.person_id))

    def money(self) -> dict:
        return {"billable": str(self.billable), "fund": str(self.fund)}

    def full(self, unit: str) -> dict:
        return {"lines": len(self.lines), "unit": unit, "payable_units": self.units, **self.money()}


def summary(rows: list[RateRow], usccs: dict[int, str]) -> dict:
    """The month's expected settlements: city total, per care type, per provider (and its care
    types) — the provider lines only — and the family allowance beside them."""
    kinds: dict[str, Sum] = defaultdict(Sum)
    providers: dict[int, dict[str, Sum]] = defaultdict(lambda: defaultdict(Sum))
    settled, allowance = Sum(), Sum()
    for row in rows:
        kinds[row.kind].add(row)
        if row.kind in SETTLED:
            settled.add(row)
            providers[row.provider_id]["total"].add(row)
            providers[row.provider_id][row.kind].add(row)
        else:
            allowance.add(row)
    return {
        "total": {**settled.money(), "lines": len(settled.lines)},
        "by_care_type": {kind: kinds[kind].full(UNITS[kind]) for kind in SETTLED},
        "allowance": allowance.full(UNITS["family_allowance"]),
        "providers": {str(pid): {"uscc": usccs[pid], **sums["total"].money(),
                                 "by_care_type": {k: s.money() for k, s in sorted(sums.items()) if k != "total"}}
                      for pid, sums in sorted(providers.items())},
    }


class NotRef(ValueError):
    """The billing policy in force is not the REF policy these amounts are written from."""


def check_ref(policy) -> None:
    """Refuse a policy whose amounts differ from REF (the truth would be wrong). ``policy`` is the
    parsed billing section; only its data is read, none of its arithmetic."""
    found = {
        "special": {(g, level): group.per_day.get(str(level))
                    for i, group in enumerate(policy.special.quota_groups) for g in group.grades for level in (4, 5)},
        "supplement": {t: v for t, v in policy.special.tag_supplement_per_day.items() if v},
        "institution": {int(k): v for k, v in policy.institution.cap_per_day.items() if int(k) >= 3},
        "hourly": {False: policy.home.hourly_rate_life, True: policy.home.hourly_rate_medical},
        "hours": {int(k): v for k, v in policy.home.hours_cap_per_month.items() if int(k) >= 3},
        "outreach": (policy.outreach.price_per_visit, {int(k): v for k, v in
                                                       policy.outreach.fund_cap_per_month.items() if int(k) >= 3}),
        "family": ({int(k): v for k, v in policy.family.allowance_per_day.items() if int(k) >= 3},
                   policy.family.package_per_month),
        "ratio": {c: (policy.rates(c).fund_ratio["employee"], policy.rates(c).fund_ratio["resident"]) for c in RATIO},
        "uplift": (frozenset(policy.uplift_tags), policy.uplift, policy.ratio_cap),
    }
    expected = {"special": QUOTA, "supplement": SUPPLEMENT, "institution": INSTITUTION_CAP, "hourly": HOURLY,
                "hours": HOURS_CAP, "outreach": (VISIT_PRICE, OUTREACH_FUND_CAP), "family": (ALLOWANCE, PACKAGE),
                "ratio": RATIO, "uplift": (UPLIFT_TAGS, UPLIFT, RATIO_CAP)}
    differ = sorted(name for name in expected if found[name] != expected[name])
    if differ:
        raise NotRef(f"the billing policy in force differs from REF in: {', '.join(differ)}")
