"""The truth file (pure): per month, the breaches per rule (count, rate, record keys) and the
expected payable units, billable and fund per care type by SPEC §7.1–7.2 (Decimal, ROUND_HALF_UP
per rate row: the sum of a row's units is rounded once, then its fund share once).

One entitlement per person and one policy version give one segment per line, so every monthly
cap is the full cap. A line is a beneficiary × care type × month; its rate rows are:
special / institution — one (quota + tag supplement, or min(price, cap), never changing here);
home — the 65 and 80 rows (visits without and with a medical item, planned minutes paid up to
the V07 cap); outreach — one, fund capped; family — the allowance (entitled days alive, insured,
not inpatient) and the package (300 × entitled days ÷ days in month, only without F01).
"""
from collections import defaultdict
from decimal import Decimal

from ltc.billing.policy import BillingPolicy
from ltc.core.money import to_money
from ltc.core.months import days
from ltc.demo.city.facts import Person, Visit
from ltc.demo.city.rules import FLAG, REJECT, Evaluation, Facts, within, entitled_days

ZERO = Decimal("0.00")
BED_RULES = ("D02", "V11")
VISIT_RULES = ("P02", "V06", "V01", "V03", "V04", "V07", "V09", "V10", "V12", "V13", "S01", "S02")
ALL_RULES = ("E01", "E02", "E03", "E07", "E08", "P01", "P02", "V01", "V03", "V04", "V06", "V07", "V09", "V10",
             "V11", "V12", "V13", "D02", "F01", "S01", "S02")


class Totals:
    def __init__(self) -> None:
        self.lines = self.units = 0
        self.billable = self.fund = ZERO

    def add(self, units: int, billable: Decimal, fund: Decimal) -> None:
        self.lines += 1
        self.units += units
        self.billable += billable
        self.fund += fund

    def as_json(self, unit: str) -> dict:
        return {"lines": self.lines, "unit": unit, "payable_units": self.units, "billable": str(self.billable),
                "fund": str(self.fund)}


def row(amount: Decimal, ratio: Decimal) -> tuple[Decimal, Decimal]:
    billable = to_money(amount)
    return billable, to_money(billable * ratio)


def bed_lines(facts: Facts, ev: Evaluation, policy: BillingPolicy, totals: dict[str, Totals]) -> None:
    per_person: dict[int, int] = defaultdict(int)
    for bd in ev.bed:
        if not bd.rules & REJECT:
            per_person[bd.person_id] += 1
    for person_id, count in sorted(per_person.items()):
        person, ent = facts.persons[person_id], facts.ents[person_id]
        provider = facts.providers[ent.provider_id]
        if ent.care_type == "special":
            rates = policy.special
            unit = rates.quota(provider.grade, ent.level) + sum(
                (rates.tag_supplement_per_day.get(tag, ZERO) for tag in person.tags), ZERO)
        else:
            unit = min(provider.price, policy.institution.cap_per_day[str(ent.level)])
        ratio = policy.ratio(ent.care_type, person.category, person.tags)
        totals[ent.care_type].add(count, *row(unit * count, ratio))


def visit_lines(facts: Facts, ev: Evaluation, visits: list[Visit], policy: BillingPolicy,
                totals: dict[str, Totals]) -> None:
    minutes: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])   # life, medical, visits
    for visit in visits:
        paid = ev.payable[visit.id]
        if paid and visit.care_type in ("home", "outreach"):
            entry = minutes[(visit.person_id, visit.care_type)]
            entry[1 if visit.medical else 0] += paid
            entry[2] += 1
    for (person_id, care), (life, medical, count) in sorted(minutes.items()):
        person = facts.persons[person_id]
        ratio = policy.ratio(care, person.category, person.tags)
        if care == "home":
            rows = [row(policy.home.hourly_rate_life * life / 60, ratio),
                    row(policy.home.hourly_rate_medical * medical / 60, ratio)]
            totals[care].add(life + medical, sum(r[0] for r in rows), sum(r[1] for r in rows))
        else:
            billable, fund = row(policy.outreach.price_per_visit * count, ratio)
            totals[care].add(count, billable, min(fund, policy.outreach.fund_cap_per_month[str(person.level)]))


def allowance_days(facts: Facts, person: Person) -> int:
    ent = facts.ents[person.id]
    start, end = max(ent.valid_from, facts.month), min(ent.valid_to, facts.end)
    return sum(1 for d in days(start, end) if not within(person.suspended, d) and not within(person.inpatient, d)
               and not (person.death and d > person.death))


def family_lines(facts: Facts, ev: Evaluation, policy: BillingPolicy, totals: dict[str, Totals]) -> None:
    rates, dim = policy.family, (facts.end - facts.month).days
    for _key, (person_id, _provider, rules) in sorted(ev.packages.items()):
        person = facts.persons[person_id]
        ratio = policy.ratio("family", person.category, person.tags)
        allowed = allowance_days(facts, person)
        allowance = row(rates.allowance_per_day[str(person.level)] * allowed, ratio)
        package = (ZERO, ZERO) if rules else row(rates.package_per_month * entitled_days(facts, person_id) / dim, ratio)
        totals["family"].add(allowed, allowance[0] + package[0], allowance[1] + package[1])
        totals["family_allowance"].add(allowed, *allowance)
        totals["family_package"].add(0 if rules else 1, *package)


UNITS = {"special": "bed_day", "institution": "bed_day", "home": "minute", "outreach": "visit",
         "family": "allowance_day", "family_allowance": "allowance_day", "family_package": "package"}


def pricing(facts: Facts, ev: Evaluation, visits: list[Visit], policy: BillingPolicy) -> dict:
    totals = {care: Totals() for care in UNITS}
    bed_lines(facts, ev, policy, totals)
    visit_lines(facts, ev, visits, policy, totals)
    family_lines(facts, ev, policy, totals)
    result = {care: t.as_json(UNITS[care]) for care, t in totals.items()}
    main = [totals[c] for c in ("special", "institution", "home", "outreach", "family")]
    result["total"] = {"billable": str(sum((t.billable for t in main), ZERO)),
                       "fund": str(sum((t.fund for t in main), ZERO))}
    return result


def breaches(ev: Evaluation) -> dict[str, list[str]]:
    """Rule → the keys of the records it finds (sorted)."""
    keys: dict[str, list[str]] = defaultdict(list)
    for bd in ev.bed:
        for rule in bd.rules:
            keys[rule].append(bd.key)
    for visit_id, rules in ev.visits.items():
        for rule in rules:
            keys[rule].append(f"visit:{visit_id}")
    for key, (_person, _provider, rules) in ev.packages.items():
        for rule in rules:
            keys[rule].append(key)
    return {rule: sorted(found) for rule, found in keys.items()}


def _denominator(rule: str, records: dict[str, int]) -> str:
    if rule == "F01":
        return "packages"
    if rule in BED_RULES:
        return "bed_days"
    return "visits" if rule in VISIT_RULES else "records"


def month_truth(facts: Facts, ev: Evaluation, visits: list[Visit], policy: BillingPolicy) -> dict:
    records = {"visits": len(visits), "bed_days": len(ev.bed), "packages": len(ev.packages)}
    records["records"] = records["visits"] + records["bed_days"]
    found = breaches(ev)
    rules = {}
    for rule in ALL_RULES:
        keys, of = found.get(rule, []), _denominator(rule, records)
        rules[rule] = {"severity": "FLAG" if rule in FLAG else "REJECT", "count": len(keys), "of": of,
                       "rate": round(len(keys) / records[of], 5) if records[of] else 0.0, "keys": keys}
    rules["V07"]["minutes_over"] = {f"visit:{v.id}": v.planned - ev.payable[v.id] for v in visits
                                    if "V07" in ev.visits[v.id]}
    return {"records": records, "rules": rules, "pricing": pricing(facts, ev, visits, policy)}
