"""Set-based readers of the dated facts around service records (SPEC §0.2): persons, providers,
carers, care-plan items, the catalogue and the monthly caps, each in one or two statements for
any number of subjects. The results are the plain facts of ``ltc.compliance.facts``.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from sqlalchemy import Row, String, any_, bindparam, cast, inspect, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ltc.compliance.facts import (CapSegment, Carer, CareTypePeriod, EntitlementFact, HospitalStay, Item, Period,
                                  Person, Provider, Qualification, StatusPeriod)
from ltc.core.months import days_in_month
from ltc.core.periods import overlap_filter
from ltc.entitlements.models import Entitlement
from ltc.orgs.kinds import CareType
from ltc.orgs.models import AgreementPeriod, OrgStatusPeriod
from ltc.people.hospital.models import HospitalStay as HospitalStayRow
from ltc.people.models import InsuredPerson, PersonStatusPeriod
from ltc.policy.models import PolicyStatus, PolicyVersion
from ltc.policy.services import policy_on
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType
from ltc.providers.carers.models import Carer as CarerRow
from ltc.providers.carers.models import CarerQualificationPeriod, CarerSuspensionPeriod
from ltc.providers.catalogue.models import ServiceItem, ServiceItemStaffType
from ltc.providers.kinds import PlanStatus
from ltc.providers.models import ProviderCareTypePeriod

#: the columns of an entitlement fact and of a hospital stay fact, in their fields' order
ENTITLEMENT_COLUMNS = (Entitlement.valid_from, Entitlement.valid_to, Entitlement.care_type, Entitlement.provider_id,
                       Entitlement.level, Entitlement.conclusion_date, Entitlement.conclusion_valid_to)
HOSPITAL_COLUMNS = (HospitalStayRow.category, HospitalStayRow.admitted_on, HospitalStayRow.discharged_on)
#: hospital stays that ended this long before a window still matter (V11 tolerance)
STAY_MARGIN = timedelta(days=31)


def rows(session: Session, stmt) -> list[Row]:
    """The plain rows of a select of columns, run on the session's connection: no ORM result layer
    (several times cheaper per row for a month of records). Pending changes are flushed first, as
    the session's own query would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt).all()


def among(session: Session, column, values: Iterable):
    """``column`` is one of ``values``: on PostgreSQL ``= ANY(:array)``, one bound array (the same
    statement text for any number of values: no long IN-list to build, send and parse); elsewhere
    an IN-list."""
    values = sorted(set(values))
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    if all(type(value) is int for value in values):   # ids: the array's text, not one dumped value per id
        return column == any_(cast(bindparam(None, "{" + ",".join(map(str, values)) + "}", String),
                                   ARRAY(column.type)))
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def periods(session: Session, model, ids: list[int], start: date, end: date, *values) -> dict[int, list]:
    """Each subject's periods of ``model`` overlapping ``[start, end)`` as plain rows
    ``(valid_from, valid_to, *values)``, in ``ltc.core.periods.periods_overlapping``'s order (by
    subject, start, the rest of the period key), in one statement and without ORM objects."""
    subject = getattr(model, model.period_key[0])
    rest = [getattr(model, name) for name in model.period_key[1:]]
    found: dict[int, list] = defaultdict(list)
    if not ids:
        return found
    stmt = (select(subject, model.valid_from, model.valid_to, *values)
            .where(among(session, subject, ids), overlap_filter(model, start, end))
            .order_by(subject, model.valid_from, *rest, *inspect(model).primary_key))
    for subject_id, *row in rows(session, stmt):
        found[subject_id].append(row)
    return found


def persons(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Person]:
    """The persons' death dates, enrolment statuses, entitlements (every one starting before
    ``end``: E02 looks at the last one ended) and hospital stays around ``[start, end)``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    deaths = dict(rows(session, select(InsuredPerson.id, InsuredPerson.death_date)
                       .where(among(session, InsuredPerson.id, ids))))
    statuses = periods(session, PersonStatusPeriod, ids, start, end, PersonStatusPeriod.status)
    entitlements: dict[int, list] = defaultdict(list)
    for person_id, *values in rows(session, select(Entitlement.person_id, *ENTITLEMENT_COLUMNS).where(
            among(session, Entitlement.person_id, ids), Entitlement.live_filter(), Entitlement.valid_from < end)):
        entitlements[person_id].append(EntitlementFact(*values))
    stays: dict[int, list] = defaultdict(list)
    for person_id, *values in rows(session, select(HospitalStayRow.person_id, *HOSPITAL_COLUMNS).where(
            among(session, HospitalStayRow.person_id, ids), HospitalStayRow.admitted_on < end + STAY_MARGIN,
            or_(HospitalStayRow.discharged_on.is_(None), HospitalStayRow.discharged_on >= start - STAY_MARGIN))):
        stays[person_id].append(HospitalStay(*values))
    return {i: Person(i, deaths.get(i), tuple(entitlements[i]), tuple(StatusPeriod(*p) for p in statuses[i]),
                      tuple(stays[i])) for i in ids}


def providers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Provider]:
    """The providers' status, agreement and agreement care-type periods overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    statuses = periods(session, OrgStatusPeriod, ids, start, end, OrgStatusPeriod.status)
    agreements = periods(session, AgreementPeriod, ids, start, end)
    care_types = periods(session, ProviderCareTypePeriod, ids, start, end, ProviderCareTypePeriod.care_type)
    return {i: Provider(i, tuple(StatusPeriod(*p) for p in statuses[i]), tuple(Period(*p) for p in agreements[i]),
                        tuple(CareTypePeriod(*p) for p in care_types[i]))
            for i in ids}


def carers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Carer]:
    """The carers' staff types, qualifications and suspensions overlapping ``[start, end)``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    staff = dict(rows(session, select(CarerRow.id, CarerRow.staff_type).where(among(session, CarerRow.id, ids))))
    qualifications = periods(session, CarerQualificationPeriod, ids, start, end, CarerQualificationPeriod.staff_type)
    suspensions = periods(session, CarerSuspensionPeriod, ids, start, end)
    return {i: Carer(i, staff.get(i, ""), tuple(Qualification(*q) for q in qualifications[i]),
                     tuple(Period(*p) for p in suspensions[i])) for i in ids}


def catalogue(session: Session) -> dict[int, Item]:
    """Every catalogue item by id, with the staff types allowed to deliver it (a small table)."""
    staff: dict[int, set[str]] = defaultdict(set)
    for item_id, staff_type in rows(session, select(ServiceItemStaffType.item_id, ServiceItemStaffType.staff_type)):
        staff[item_id].add(staff_type)
    items = rows(session, select(ServiceItem.id, ServiceItem.code, ServiceItem.item_class))
    return {i: Item(code, item_class, frozenset(staff[i])) for i, code, item_class in items}


PLAN_COLUMNS = (CarePlan.id, CarePlan.person_id, CarePlan.provider_id, CarePlan.care_type, CarePlan.status,
                CarePlan.effective_from, CarePlan.version)


class Plans:
    """The care plans of some persons: the item codes of the plan in force for a visit."""

    def __init__(self, session: Session, person_ids: Iterable[int], extra_plan_ids: Iterable[int] = ()):
        ids = sorted(set(person_ids))
        plans = rows(session, select(*PLAN_COLUMNS).where(or_(
            among(session, CarePlan.person_id, ids) & (CarePlan.status == PlanStatus.FINAL.value),
            among(session, CarePlan.id, extra_plan_ids)))) if ids else []
        self._final = defaultdict(list)
        for plan in plans:
            if plan.status == PlanStatus.FINAL.value:
                self._final[(plan.person_id, plan.provider_id, plan.care_type)].append(plan)
        self._items: dict[int, set[str]] = defaultdict(set)
        stmt = (select(CarePlanVisitType.plan_id, ServiceItem.code)
                .join(CarePlanVisitItem, CarePlanVisitItem.visit_type_id == CarePlanVisitType.id)
                .join(ServiceItem, ServiceItem.id == CarePlanVisitItem.service_item_id)
                .where(among(session, CarePlanVisitType.plan_id, [p.id for p in plans])))
        for plan_id, code in rows(session, stmt) if plans else ():
            self._items[plan_id].add(code)
        self._known = {p.id for p in plans}
        self._codes: dict[int, frozenset[str]] = {}

    def items_for(self, person_id: int, provider_id: int, care_type: str, day: date,
                  plan_id: int | None) -> frozenset[str] | None:
        """Item codes of the final plan in force on ``day`` (else of the visit's own plan); None: no plan."""
        in_force = [p for p in self._final[(person_id, provider_id, care_type)]
                    if p.effective_from is None or p.effective_from <= day]
        if in_force:
            plan = max(in_force, key=lambda p: (p.effective_from or date.min, p.version))
            return self._codes_of(plan.id)
        return self._codes_of(plan_id) if plan_id in self._known else None

    def _codes_of(self, plan_id: int) -> frozenset[str]:
        """One frozenset per plan, shared by its visits."""
        codes = self._codes.get(plan_id)
        if codes is None:
            codes = self._codes[plan_id] = frozenset(self._items[plan_id])
        return codes


def _version_starts(session: Session, month: date, end: date) -> list[date]:
    """Days inside the month where a published policy version starts."""
    return sorted(session.scalars(select(PolicyVersion.effective_from).where(
        PolicyVersion.status == PolicyStatus.PUBLISHED.value, PolicyVersion.effective_from > month,
        PolicyVersion.effective_from < end)))


def _pieces(entitlements: list, month: date, end: date, starts: list[date], hours_on) -> list[tuple]:
    """(entitlement, start, stop, hours) per entitlement, split where a version changes its cap."""
    pieces: list[tuple] = []
    for e in entitlements:
        first, stop = max(e.valid_from, month), min(e.valid_to or end, end)
        cuts = [first, *(d for d in starts if first < d < stop), stop]
        for a, b in pairwise(cuts):
            hours = hours_on(a).get(str(e.level))
            if pieces and pieces[-1][0] is e and pieces[-1][3] == hours:
                pieces[-1] = (e, pieces[-1][1], b, hours)
            else:
                pieces.append((e, a, b, hours))
    return pieces


def cap_segments(session: Session, people: dict[int, Person], month: date, end: date) -> list[CapSegment]:
    """SPEC §7.2 monthly caps (home hours, in minutes) per segment of each person's month: a segment
    per home entitlement in the month, split where a policy version changes its hours cap (a change
    of unit price also splits a billing line, but does not change a cap); with several segments,
    each cap is prorated by its days (half-up to the whole minute)."""
    starts, caps_on = _version_starts(session, month, end), {}

    def hours_on(day: date):
        if day not in caps_on:   # one policy read per segment start, not per person
            caps_on[day] = policy_on(session, day).section("billing").home.hours_cap_per_month
        return caps_on[day]

    found = []
    for person in people.values():
        own = [e for e in person.entitlements if e.care_type == CareType.HOME
               and e.valid_from < end and (e.valid_to is None or e.valid_to > month)]
        pieces = [p for p in _pieces(own, month, end, starts, hours_on) if p[3] is not None]
        for e, start, stop, hours in pieces:
            minutes = hours * 60
            if len(pieces) > 1:
                share = Decimal(minutes * (stop - start).days) / days_in_month(month)
                minutes = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            found.append(CapSegment(person.id, e.care_type, start, stop, minutes=minutes, provider_id=e.provider_id))
    return found
