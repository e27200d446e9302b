"""The truth file (pure): per month, the breaches per rule (count, rate, record keys), and the
money the month should settle (``money``: SPEC §7.1 REF amounts, §7.2 rate rows rounded half-up
once each): ``pricing`` per kind of rate row, ``settlement`` the provider settlements' city total,
per care type and per provider, with the family allowance beside them.
"""
from collections import defaultdict

from ltc.billing.policy import BillingPolicy
from ltc.demo.city import money
from ltc.demo.city.facts import Visit
from ltc.demo.city.rules import FLAG, Evaluation, Facts

BED_RULES = ("D02", "V11")
VISIT_RULES = ("P02", "V06", "V01", "V03", "V04", "V07", "V09", "V10", "V12", "V13", "S01", "S02")
ALL_RULES = ("E01", "E02", "E03", "E07", "E08", "P01", "P02", "V01", "V03", "V04", "V06", "V07", "V09", "V10",
             "V11", "V12", "V13", "D02", "F01", "S01", "S02")


def pricing(rows: list[money.RateRow]) -> dict:
    """Per kind of rate row (care types, the family package and allowance): lines, units, billable
    and fund; ``total`` is everything priced, the allowance included."""
    sums: dict[str, money.Sum] = {kind: money.Sum() for kind in money.UNITS}
    total = money.Sum()
    for row in rows:
        sums[row.kind].add(row)
        total.add(row)
    return {**{kind: s.full(money.UNITS[kind]) for kind, s in sums.items()}, "total": total.money()}


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
    money.check_ref(policy)
    rows = money.rate_rows(facts, ev, visits)
    usccs = {p.id: p.uscc for p in facts.world.providers}
    return {"records": records, "rules": rules, "pricing": pricing(rows), "settlement": money.summary(rows, usccs)}
