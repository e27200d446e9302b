"""Set-based readers of the dated facts around service records (SPEC §0.2): persons, providers,
carers, care-plan items, the catalogue and the monthly caps, each in one or two statements for
any number of subjects. The results are the plain facts of ``ltc.compliance.facts``.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.compliance.facts import (CapSegment, Carer, CareTypePeriod, EntitlementFact, HospitalStay, Item, Period,
                                  Person, Provider, Qualification, StatusPeriod)
from ltc.core.periods import periods_overlapping
from ltc.entitlements.models import Entitlement
from ltc.orgs.models import AgreementPeriod, OrgStatusPeriod
from ltc.people.hospital.models import HospitalStay as HospitalStayRow
from ltc.people.models import InsuredPerson, PersonStatusPeriod
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType
from ltc.providers.carers.models import Carer as CarerRow
from ltc.providers.carers.models import CarerQualificationPeriod, CarerSuspensionPeriod
from ltc.providers.catalogue.models import ServiceItem, ServiceItemStaffType
from ltc.providers.kinds import PlanStatus
from ltc.providers.models import ProviderCareTypePeriod

#: hospital stays that ended this long before a window still matter (V11 tolerance)
STAY_MARGIN = timedelta(days=31)


def persons(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Person]:
    """The persons' death dates, enrolment statuses, entitlements (every one starting before
    ``end``: E02 looks at the last one ended) and hospital stays around ``[start, end)``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    deaths = dict(session.execute(select(InsuredPerson.id, InsuredPerson.death_date)
                                  .where(InsuredPerson.id.in_(ids))).all())
    statuses = periods_overlapping(session, PersonStatusPeriod, ids, start, end)
    entitlements: dict[int, list] = defaultdict(list)
    for e in session.scalars(select(Entitlement).where(Entitlement.person_id.in_(ids), Entitlement.live_filter(),
                                                       Entitlement.valid_from < end)):
        entitlements[e.person_id].append(EntitlementFact(e.valid_from, e.valid_to, e.care_type, e.provider_id, e.level,
                                                         e.conclusion_date, e.conclusion_valid_to))
    stays: dict[int, list] = defaultdict(list)
    for s in session.scalars(select(HospitalStayRow).where(
            HospitalStayRow.person_id.in_(ids), HospitalStayRow.admitted_on < end + STAY_MARGIN,
            or_(HospitalStayRow.discharged_on.is_(None), HospitalStayRow.discharged_on >= start - STAY_MARGIN))):
        stays[s.person_id].append(HospitalStay(s.category, s.admitted_on, s.discharged_on))
    return {i: Person(i, deaths.get(i), tuple(entitlements[i]),
                      tuple(StatusPeriod(p.valid_from, p.valid_to, p.status) for p in statuses[i]),
                      tuple(stays[i])) for i in ids}


def providers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Provider]:
    """The providers' status, agreement and agreement care-type periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    statuses = periods_overlapping(session, OrgStatusPeriod, ids, start, end)
    agreements = periods_overlapping(session, AgreementPeriod, ids, start, end)
    care_types = periods_overlapping(session, ProviderCareTypePeriod, ids, start, end)
    return {i: Provider(i, tuple(StatusPeriod(p.valid_from, p.valid_to, p.status) for p in statuses[i]),
                        tuple(Period(p.valid_from, p.valid_to) for p in agreements[i]),
                        tuple(CareTypePeriod(p.valid_from, p.valid_to, p.care_type) for p in care_types[i]))
            for i in ids}


def carers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Carer]:
    """The carers' staff types, qualifications and suspensions overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    staff = dict(session.execute(select(CarerRow.id, CarerRow.staff_type).where(CarerRow.id.in_(ids))).all())
    qualifications = periods_overlapping(session, CarerQualificationPeriod, ids, start, end)
    suspensions = periods_overlapping(session, CarerSuspensionPeriod, ids, start, end)
    return {i: Carer(i, staff.get(i, ""),
                     tuple(Qualification(q.valid_from, q.valid_to, q.staff_type) for q in qualifications[i]),
                     tuple(Period(s.valid_from, s.valid_to) for s in suspensions[i])) for i in ids}


def catalogue(session: Session) -> dict[int, Item]:
    """Every catalogue item by id, with the staff types allowed to deliver it (a small table)."""
    staff: dict[int, set[str]] = defaultdict(set)
    for item_id, staff_type in session.execute(select(ServiceItemStaffType.item_id, ServiceItemStaffType.staff_type)):
        staff[item_id].add(staff_type)
    rows = session.execute(select(ServiceItem.id, ServiceItem.code, ServiceItem.item_class))
    return {i: Item(code, item_class, frozenset(staff[i])) for i, code, item_class in rows}


class Plans:
    """The care plans of some persons: the item codes of the plan in force for a visit."""

    def __init__(self, session: Session, person_ids: Iterable[int], extra_plan_ids: Iterable[int] = ()):
        ids = sorted(set(person_ids))
        rows = session.scalars(select(CarePlan).where(or_(
            CarePlan.person_id.in_(ids) & (CarePlan.status == PlanStatus.FINAL.value),
            CarePlan.id.in_(sorted(set(extra_plan_ids)))))).all() if ids else []
        self._final = defaultdict(list)
        for plan in rows:
            if plan.status == PlanStatus.FINAL.value:
                self._final[(plan.person_id, plan.provider_id, plan.care_type)].append(plan)
        self._items: dict[int, set[str]] = defaultdict(set)
        stmt = (select(CarePlanVisitType.plan_id, ServiceItem.code)
                .join(CarePlanVisitItem, CarePlanVisitItem.visit_type_id == CarePlanVisitType.id)
                .join(ServiceItem, ServiceItem.id == CarePlanVisitItem.service_item_id)
                .where(CarePlanVisitType.plan_id.in_([p.id for p in rows])))
        for plan_id, code in session.execute(stmt) if rows else ():
            self._items[plan_id].add(code)
        self._known = {p.id for p in rows}

    def items_for(self, person_id: int, provider_id: int, care_type: str, day: date,
                  plan_id: int | None) -> frozenset[str] | None:
        """Item codes of the final plan in force on ``day`` (else of the visit's own plan); None: no plan."""
        in_force = [p for p in self._final[(person_id, provider_id, care_type)]
                    if p.effective_from is None or p.effective_from <= day]
        if in_force:
            plan = max(in_force, key=lambda p: (p.effective_from or date.min, p.version))
            return frozenset(self._items[plan.id])
        return frozenset(self._items[plan_id]) if plan_id in self._known else None


#: who reads the monthly cap segments (SPEC §7.2): billing registers pricing's own from ``wire()``, so V07
#: consumes the caps of exactly the segments pricing bills (compliance does not import billing)
_CAPS: dict[str, Callable[..., Iterable[CapSegment]]] = {}


def use_cap_segments(reader: Callable[..., Iterable[CapSegment]]) -> None:
    """Register ``reader(session, persons, month, end)`` returning the persons' cap segments of the month."""
    _CAPS["reader"] = reader


def cap_segments(session: Session, people: dict[int, Person], month: date, end: date) -> list[CapSegment]:
    """SPEC §7.2 monthly caps (home hours, in minutes) per segment of each person's month, as pricing
    cuts its lines (at every entitlement change and every policy version changing a pricing parameter
    of the line), prorated by the segment's days when there are several. Raises LookupError when no
    reader is registered (``ltc.wire()`` not called)."""
    try:
        reader = _CAPS["reader"]
    except KeyError:
        raise LookupError("no cap segments reader registered: was create_app() (ltc.wire()) called?") from None
    return list(reader(session, people, month, end))
