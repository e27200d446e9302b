"""A trial calculation (试算, issue 11 point 2), pure: a beneficiary-month scenario (``TrialIn``)
turned into the same plain facts the settlement reader builds, checked by the same rules
(``ltc.compliance.rules.evaluate``) and priced by the same function (``price_month``). Writes nothing.

The scenario's person is id 1 and its provider id 1; stays, visits and leaves are numbered from 1 in
body order, carers by their labels. A visit without ``end`` is closed at its planned minutes and
flagged V13, as the nightly scan does; without a ``plan`` every item counts as planned (no V09). The
month is judged as over (F01 applies). Rules that need other people's or providers' records, or
upload times, are not evaluated (``NOT_EVALUATED``) and their findings are left out.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from ltc.billing.pricing import BillingTimeline, PersonTerms, Pricing, PricingInput, ProviderTerms, price_month
from ltc.billing.pricing.model import DatedValue
from ltc.billing.pricing.segments import cap_segments
from ltc.billing.trial.schemas import TrialIn, TrialVisitIn
from ltc.compliance.beddays import bed_days
from ltc.compliance.facts import (Carer, CareTypePeriod, EntitlementFact, Facts, Finding, HospitalStay, Item, Leave,
                                  Period, Person, Point, Provider, Qualification, Stay, StatusPeriod, Visit)
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules import evaluate
from ltc.core.clock import LOCAL_TZ
from ltc.core.errors import DomainError
from ltc.core.months import first_of_next_month

PERSON, PROVIDER = 1, 1
NOT_EVALUATED = ("V06", "S01", "S02", "V12")
BED_CARE_TYPES, VISIT_CARE_TYPES = ("special", "institution"), ("home", "outreach", "family")
ALWAYS = date(1900, 1, 1)
# why a scenario cannot be priced as given (msgids; a field reason in the user's language)
STAY_WITHOUT_BEDS = "场景没有医疗专护或机构护理待遇，不能有在院记录"
VISIT_WITHOUT_VISITS = "场景没有居家、巡护或亲情照护待遇，不能有上门服务"
BEFORE_ADMISSION = "不得早于入院日期"
BACK_NOT_AFTER_OUT = "须晚于离院日期"
LEAVE_OUTSIDE_STAYS = "不在任何一次在院期间"
CARER_STAFF_TYPE = "同一护理人员已填写另一种人员类别"
UNKNOWN_ITEM = "服务项目目录中没有该项目"
OUTSIDE_MONTH = "服务日期不在试算月份内"
END_BEFORE_START = "签退时间早于签到时间"
EMPTY_ENTITLEMENT = "须晚于待遇起始日期"
OVERLAPPING_ENTITLEMENT = "与同一服务形式的另一项待遇重叠"


class ScenarioRefused(DomainError):
    """The scenario cannot be priced as given (422): the message names what, ``fields`` the field."""

    status = 422


@dataclass(frozen=True)
class TrialResult:
    pricing: Pricing
    findings: tuple[Finding, ...]


def run(body: TrialIn, *, catalogue: Mapping[str, Item], timeline: BillingTimeline,
        compliance: CompliancePolicy) -> TrialResult:
    """Check and price the scenario. Raises ScenarioRefused naming a field the scenario cannot have."""
    facts = build_facts(body, catalogue, timeline)
    month_over = datetime.combine(first_of_next_month(body.month), datetime.min.time(), LOCAL_TZ)
    findings = tuple(f for f in evaluate(facts, compliance, now=month_over) if f.rule.value not in NOT_EVALUATED)
    inputs = PricingInput(facts=facts, findings=findings, persons={PERSON: person_terms(body)},
                          providers={PROVIDER: provider_terms(body)}, timeline=timeline, compliance=compliance)
    return TrialResult(price_month(inputs), findings)


def _refuse(field: str, problem: str) -> ScenarioRefused:
    return ScenarioRefused("试算场景无效：%(field)s %(problem)s", {field: problem},
                           params={"field": field, "problem": problem})


def build_facts(body: TrialIn, catalogue: Mapping[str, Item], timeline: BillingTimeline) -> Facts:
    """The compliance facts of the scenario, with the cap segments pricing bills."""
    person = _person(body)
    persons = {PERSON: person}
    stays = _stays(body)
    leaves = _leaves(body, stays)
    carers, visits = _visits(body, catalogue)
    days = bed_days(stays, leaves, start=body.month, end=first_of_next_month(body.month),
                    death_dates={PERSON: body.person.death_date})
    return Facts(month=body.month, visits=tuple(visits), bed_days=tuple(days), persons=persons,
                 providers={PROVIDER: _provider(body)}, carers=carers,
                 caps=cap_segments(persons, body.month, timeline))


def _dated(values, cls=StatusPeriod, default_from: date = ALWAYS) -> tuple:
    if isinstance(values, str):
        return (cls(default_from, None, values),)
    return tuple(cls(v.from_, v.to, v.value) for v in values)


def _check_entitlements(body: TrialIn) -> None:
    """Each entitlement a non-empty period; two of one care type never overlap (half-open)."""
    spans = []
    for n, e in enumerate(body.entitlements):
        end = e.to or e.conclusion_valid_to
        if end <= e.from_:
            raise _refuse(f"entitlements[{n}].to", EMPTY_ENTITLEMENT)
        for care, start, stop in spans:
            if care == e.care_type and e.from_ < stop and start < end:
                raise _refuse(f"entitlements[{n}].from", OVERLAPPING_ENTITLEMENT)
        spans.append((e.care_type, e.from_, end))


def _person(body: TrialIn) -> Person:
    _check_entitlements(body)
    entitlements = tuple(EntitlementFact(e.from_, e.to or e.conclusion_valid_to, e.care_type, PROVIDER, e.level,
                                         e.conclusion_date, e.conclusion_valid_to) for e in body.entitlements)
    death = body.person.death_date
    statuses = _dated(body.person.enrolment)
    if death is not None and isinstance(body.person.enrolment, str):
        statuses = (StatusPeriod(ALWAYS, death + timedelta(days=1), body.person.enrolment),
                    StatusPeriod(death + timedelta(days=1), None, "deceased"))
    stays = tuple(HospitalStay(s.category, s.admission, s.discharge) for s in body.hospital_stays)
    return Person(PERSON, death, entitlements, statuses, stays)


def person_terms(body: TrialIn) -> PersonTerms:
    tags = body.person.tags
    dated_tags = tuple(DatedValue(ALWAYS, None, t) if isinstance(t, str) else DatedValue(t.from_, t.to, t.value)
                       for t in tags)
    return PersonTerms(PERSON, _dated(body.person.category, DatedValue), dated_tags)


def provider_terms(body: TrialIn) -> ProviderTerms:
    grade, price = body.provider.facility_grade, body.provider.daily_price
    return ProviderTerms(PROVIDER, (DatedValue(ALWAYS, None, grade),) if grade else (),
                         (DatedValue(ALWAYS, None, Decimal(price)),) if price else ())


def _provider(body: TrialIn) -> Provider:
    care_types = body.provider.care_types or sorted({e.care_type for e in body.entitlements})
    return Provider(PROVIDER, (StatusPeriod(ALWAYS, None, body.provider.status),), (Period(ALWAYS, None),),
                    tuple(CareTypePeriod(ALWAYS, None, c) for c in care_types))


def _care_type(body: TrialIn, kinds: tuple[str, ...], day: date | None = None) -> str | None:
    """The scenario's care type among ``kinds``: the entitlement's covering ``day``, else the first."""
    own = [e for e in body.entitlements if e.care_type in kinds]
    covering = [e for e in own if day is not None and e.from_ <= day < (e.to or e.conclusion_valid_to)]
    chosen = covering or own
    return chosen[0].care_type if chosen else None


def _stays(body: TrialIn) -> list[Stay]:
    care = _care_type(body, BED_CARE_TYPES)
    if body.stays and care is None:
        raise _refuse("stays[0]", STAY_WITHOUT_BEDS)
    for n, s in enumerate(body.stays):
        if s.discharge is not None and s.discharge < s.admission:
            raise _refuse(f"stays[{n}].discharge", BEFORE_ADMISSION)
    return [Stay(n + 1, PERSON, PROVIDER, care, s.admission, s.discharge) for n, s in enumerate(body.stays)]


def _leaves(body: TrialIn, stays: list[Stay]) -> list[Leave]:
    found = []
    for n, leave in enumerate(body.leaves):
        if leave.back is not None and leave.back <= leave.out:
            raise _refuse(f"leaves[{n}].back", BACK_NOT_AFTER_OUT)
        stay = next((s for s in stays if s.admitted_on <= leave.out
                     and (s.discharged_on is None or leave.out < s.discharged_on)), None)
        if stay is None:
            raise _refuse(f"leaves[{n}].out", LEAVE_OUTSIDE_STAYS)
        found.append(Leave(n + 1, stay.id, leave.out, leave.back))
    return found


def _visits(body: TrialIn, catalogue: Mapping[str, Item]) -> tuple[dict[int, Carer], list[Visit]]:
    if body.visits and _care_type(body, VISIT_CARE_TYPES) is None:
        raise _refuse("visits[0]", VISIT_WITHOUT_VISITS)
    if body.plan is not None:
        for j, code in enumerate(body.plan.items):
            if code not in catalogue:
                raise _refuse(f"plan.items[{j}]", UNKNOWN_ITEM)
    carers: dict[str, Carer] = {}
    visits = []
    for n, v in enumerate(body.visits):
        carer = carers.setdefault(v.carer, _carer(len(carers) + 1, v))
        if carer.staff_type != v.carer_staff_type:
            raise _refuse(f"visits[{n}].carer_staff_type", CARER_STAFF_TYPE)
        visits.append(_visit(body, n, v, carer.id, catalogue))
    return {c.id: c for c in carers.values()}, visits


def _carer(carer_id: int, v: TrialVisitIn) -> Carer:
    qualified = (Qualification(ALWAYS, None, v.carer_staff_type),) if v.carer_qualified else ()
    return Carer(carer_id, v.carer_staff_type, qualified, (Period(ALWAYS, None),) if v.carer_suspended else ())


def _items(n: int, codes: list[str], catalogue: Mapping[str, Item], field: str = "items") -> tuple[Item, ...]:
    for j, code in enumerate(codes):
        if code not in catalogue:
            raise _refuse(f"visits[{n}].{field}[{j}]", UNKNOWN_ITEM)
    return tuple(catalogue[code] for code in codes)


def _visit(body: TrialIn, n: int, v: TrialVisitIn, carer_id: int, catalogue: Mapping[str, Item]) -> Visit:
    day = v.start.astimezone(LOCAL_TZ).date()
    if not body.month <= day < first_of_next_month(body.month):
        raise _refuse(f"visits[{n}].start", OUTSIDE_MONTH)
    if v.end is not None and v.end < v.start:
        raise _refuse(f"visits[{n}].end", END_BEFORE_START)
    items = _items(n, v.items, catalogue)
    planned = frozenset(body.plan.items) if body.plan is not None else frozenset(i.code for i in items)
    point = Point(Decimal(str(v.gps.lat)), Decimal(str(v.gps.lon))) if v.gps else None
    coordinates = body.person.coordinates
    address = Point(Decimal(str(coordinates.lat)), Decimal(str(coordinates.lon))) if coordinates else None
    end = v.end or v.start + timedelta(minutes=v.planned_minutes)
    return Visit(id=n + 1, beneficiary_id=PERSON, carer_id=carer_id, provider_id=PROVIDER,
                 care_type=_care_type(body, VISIT_CARE_TYPES, day), planned_minutes=v.planned_minutes,
                 scheduled_start=v.scheduled_start, check_in=v.start, check_out=end, gps_in=point, gps_out=point,
                 address=address, address_key="address", photo_hash=v.photo_hash, entered_at=v.start, items=items,
                 plan_items=planned, auto_closed=v.end is None)
