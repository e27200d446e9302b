"""Every rule of SPEC §6 as pure functions over plain facts (``ltc.compliance.facts``).

``evaluate(facts, policy, now=…)`` runs the whole set over one scan's facts and returns the
findings of every record in them: first the rules on each record by itself, then the rules
across records (V04, V06, V10, S01, S02), then the ones that count valid visits (V07, F01).
"""
from datetime import datetime

from ltc.compliance.kinds import RuleCode, Severity
from ltc.compliance.facts import BedDay, Facts, Finding, Visit
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.beds import long_leave, special_cross_check
from ltc.compliance.rules.caps import caps, family_packages
from ltc.compliance.rules.eligibility import eligibility
from ltc.compliance.rules.overlaps import duplicates, overlaps, same_day
from ltc.compliance.rules.parties import carer_rule, provider_rule
from ltc.compliance.rules.patterns import bunched_durations, reused_evidence
from ltc.compliance.rules.visits import single_visit
from ltc.core.clock import local_today
from ltc.core.months import first_of_next_month

__all__ = ["evaluate", "visit_rules", "bed_day_rules"]


def visit_rules(visit: Visit, facts: Facts, policy: CompliancePolicy, now: datetime) -> list[Finding]:
    """The rules on one checked-in visit by itself."""
    return [*eligibility(visit, facts.persons.get(visit.beneficiary_id), policy),
            *provider_rule(visit, facts.providers.get(visit.provider_id), policy),
            *carer_rule(visit, facts.carers.get(visit.carer_id), policy),
            *single_visit(visit, policy, now)]


def bed_day_rules(bed_day: BedDay, facts: Facts, policy: CompliancePolicy) -> list[Finding]:
    """The rules on one bed-day; E08 wins over D02 (a hospital day inside a short leave is E08,
    inside a long one E08 and not D02)."""
    person = facts.persons.get(bed_day.beneficiary_id)
    found = [*eligibility(bed_day, person, policy),
             *provider_rule(bed_day, facts.providers.get(bed_day.provider_id), policy),
             *special_cross_check(bed_day, person, policy)]
    if not any(f.rule == RuleCode.E08 for f in found):
        found += long_leave(bed_day, policy)
    return found


def evaluate(facts: Facts, policy: CompliancePolicy, *, now: datetime) -> list[Finding]:
    """Every rule over ``facts``. F01 only once ``facts.month`` is over (at ``now``)."""
    visits = [v for v in facts.visits if v.check_in is not None]   # scheduled, not delivered: no findings
    found: list[Finding] = []
    for visit in visits:
        found += visit_rules(visit, facts, policy, now)
    for bed_day in facts.bed_days:
        found += bed_day_rules(bed_day, facts, policy)
    found += [*duplicates(visits, policy), *overlaps(visits, policy), *same_day(visits, facts.bed_days, policy),
              *reused_evidence(visits, policy), *bunched_durations(visits, facts.month, policy)]
    rejected = {(f.record, f.service_date) for f in found if f.severity == Severity.REJECT}
    counted = [v for v in visits if (v.ref, v.service_date) not in rejected and not v.refused]
    over = caps(facts.caps, counted, policy)
    found += over
    if local_today(now) >= first_of_next_month(facts.month):
        spent = {f.record for f in over if f.severity == Severity.REJECT and f.minutes_over
                 and f.minutes_over >= _planned(counted, f.record.id)}
        found += family_packages(facts.persons, [v for v in counted if v.ref not in spent], facts.month, policy)
    return found


def _planned(visits: list[Visit], visit_id: int) -> int:
    return next(v.planned_minutes for v in visits if v.id == visit_id)
