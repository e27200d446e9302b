"""Set-based readers of the dated facts around service records (SPEC §0.2): persons, providers,
carers, care-plan items, the catalogue and the monthly caps, each in one or two statements for
any number of subjects (the period tables of one kind of subject read together, ``UNION ALL``).
Id lists are bound as one array on PostgreSQL (``= ANY``), as IN-lists elsewhere; rows are read
as plain columns. The results are the plain facts of ``ltc.compliance.facts``.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Row, String, any_, bindparam, cast, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ltc.compliance.facts import (CapSegment, Carer, CareTypePeriod, EntitlementFact, HospitalStay, Item, Period,
                                  Person, Provider, Qualification, StatusPeriod)
from ltc.core.periods import MAX_IDS_PER_QUERY, overlap_filter
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

#: the columns of an entitlement fact, in its fields' order
ENTITLEMENT_COLUMNS = (Entitlement.valid_from, Entitlement.valid_to, Entitlement.care_type, Entitlement.provider_id,
                       Entitlement.level, Entitlement.conclusion_date, Entitlement.conclusion_valid_to)
#: hospital stays that ended this long before a window still matter (V11 tolerance)
STAY_MARGIN = timedelta(days=31)


def rows(session: Session, stmt, params: dict | None = None) -> list[Row] | list[tuple]:
    """The plain rows of a select of columns, run on the session's connection: no ORM result layer
    (several times cheaper per row for a month of records); on PostgreSQL the driver's own tuples
    (its values are the column types' already: aware timestamps, decimals), read them by position.
    Pending changes are flushed first, as the session's own query would."""
    if session.autoflush:
        session.flush()
    return _fetched(session.connection().execute(stmt, params))


def _fetched(result) -> list[Row] | list[tuple]:
    if result.dialect.name != "postgresql":
        return result.all()
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def driver_rows(session: Session, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of a PostgreSQL statement written out (``%(name)s`` parameters), run on the
    session's connection without building or compiling a select (pending changes flushed first)."""
    if session.autoflush:
        session.flush()
    return _fetched(session.connection().exec_driver_sql(sql, params or {}))


def on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def id_array(values: Iterable[int]) -> str:
    """Ids as the text of one PostgreSQL array (one bound string, not one dumped value per id)."""
    return "{" + ",".join(map(str, values)) + "}"


def among(session: Session, column, values: Iterable):
    """``column`` is one of ``values``: on PostgreSQL ``= ANY(:array)``, one bound array (the same
    statement text for any number of values: no long IN-list to build, send and parse); elsewhere
    an IN-list."""
    values = sorted(set(values))
    if not on_postgresql(session):
        return column.in_(values)
    if all(type(value) is int for value in values):
        return column == any_(_once(cast(bindparam(None, id_array(values), String), ARRAY(column.type))))
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def _once(array):
    """``CAST((SELECT array) AS …[])``: the array's text parsed once per statement (an init plan),
    not once per row a sequential scan filters (the cast of a bound text is not folded into a constant)."""
    return cast(select(array).scalar_subquery(), array.type)


def bound_in(session: Session, column, name: str = "ids"):
    """``column`` is one of the ids bound as ``name`` (``bound_ids``): on PostgreSQL one array text
    parsed once per statement, elsewhere an expanding IN-list."""
    if on_postgresql(session):
        return column == any_(_once(cast(bindparam(name, type_=String), ARRAY(column.type))))
    return column.in_(bindparam(name, expanding=True))


def bound_ids(session: Session, values: Iterable[int]) -> str | list[int]:
    """The value of a ``bound_in`` parameter: the sorted distinct ids."""
    values = sorted(set(values))
    return id_array(values) if on_postgresql(session) else values


_KEPT: dict[tuple, Any] = {}


def kept(session: Session, key: str, build: Callable[[Session], Any]):
    """The statement ``key`` for the session's dialect, built once per process by ``build(session)``
    with its values as named binds: no statement built, no cache key computed again per run."""
    found = _KEPT.get((key, session.get_bind().dialect.name))
    if found is None:
        found = _KEPT[(key, session.get_bind().dialect.name)] = build(session)
    return found



def persons(session: Session, ids: Iterable[int], start: date, end: date, *,
            deaths: dict[int, date | None] | None = None) -> dict[int, Person]:
    """The persons' death dates (read here unless the caller read them: ``deaths``), enrolment
    statuses, entitlements (every one starting before ``end``: E02 looks at the last one ended)
    and hospital stays around ``[start, end)``."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    if deaths is None:
        deaths = dict(rows(session, select(InsuredPerson.id, InsuredPerson.death_date)
                           .where(among(session, InsuredPerson.id, ids))))
    found = _tagged(session, ids, kept(session, "person periods", _person_periods),
                    {"start": start, "end": end, "h_start": start - STAY_MARGIN, "h_end": end + STAY_MARGIN})
    entitlements: dict[int, list] = defaultdict(list)
    for person_id, *values in rows(session, kept(session, "entitlements", _entitlements),
                                   {"ids": bound_ids(session, ids), "end": end}):
        entitlements[person_id].append(EntitlementFact(*values))
    return {i: Person(i, deaths.get(i), tuple(entitlements[i]),
                      tuple(StatusPeriod(a, b, v) for a, b, v in found[("s", i)]),
                      tuple(HospitalStay(v, a, b) for a, b, v in found[("h", i)])) for i in ids}


def _entitlements(session: Session):
    return select(Entitlement.person_id, *ENTITLEMENT_COLUMNS).where(
        bound_in(session, Entitlement.person_id), Entitlement.live_filter(), Entitlement.valid_from < bindparam("end"))


def _person_periods(session: Session):
    """Hospital stays (``h``, around ``[h_start, h_end)``) and statuses (``s``) of ``_tagged``."""
    hospital = select(literal("h", String).label("tag"), HospitalStayRow.person_id.label("subject"),
                      HospitalStayRow.admitted_on.label("valid_from"), HospitalStayRow.discharged_on.label("valid_to"),
                      HospitalStayRow.category.label("value")).where(
        bound_in(session, HospitalStayRow.person_id), HospitalStayRow.admitted_on < bindparam("h_end"),
        or_(HospitalStayRow.discharged_on.is_(None), HospitalStayRow.discharged_on >= bindparam("h_start")))
    return _union(hospital, _periods(session, "s", PersonStatusPeriod, PersonStatusPeriod.person_id,
                                     PersonStatusPeriod.status))


def _union(*selects):
    return union_all(*selects).order_by("tag", "subject", "valid_from", "value")


def _tagged(session: Session, ids: list[int], stmt, params: dict) -> dict[tuple[str, int], list]:
    """Rows ``(tag, subject, valid_from, valid_to, value)`` of several period tables read as one
    ``UNION ALL`` (``stmt``, a kept statement: each select takes the subject ids through
    ``bound_in``), by (tag, subject), each list ordered by start, then value. On PostgreSQL the ids
    are one bound array (one statement for any number of subjects); elsewhere IN-lists of at most
    ``MAX_IDS_PER_QUERY``."""
    found: dict[tuple[str, int], list] = defaultdict(list)
    if on_postgresql(session):
        binds = [id_array(ids)] if ids else []
    else:
        binds = [ids[offset:offset + MAX_IDS_PER_QUERY] for offset in range(0, len(ids), MAX_IDS_PER_QUERY)]
    for bound in binds:
        for tag, subject, valid_from, valid_to, value in rows(session, stmt, {**params, "ids": bound}):
            found[(tag, subject)].append((valid_from, valid_to, value))
    return found


def _periods(session: Session, tag: str, model, subject, value, *where):
    """One select of ``_tagged``: the periods of ``model`` overlapping ``[start, end)`` (bound)."""
    return select(literal(tag, String).label("tag"), subject.label("subject"), model.valid_from.label("valid_from"),
                  model.valid_to.label("valid_to"), value.label("value")).where(
        bound_in(session, subject), overlap_filter(model, bindparam("start"), bindparam("end")), *where)


NO_VALUE = literal(None, String)


def providers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Provider]:
    """The providers' status, agreement and agreement care-type periods overlapping ``[start, end)``
    (one statement)."""
    ids = sorted(set(ids))
    found = _tagged(session, ids, kept(session, "provider periods", _provider_periods), {"start": start, "end": end})
    return {i: Provider(i, tuple(StatusPeriod(a, b, v) for a, b, v in found[("s", i)]),
                        tuple(Period(a, b) for a, b, _ in found[("a", i)]),
                        tuple(CareTypePeriod(a, b, v) for a, b, v in found[("c", i)]))
            for i in ids}


def _provider_periods(session: Session):
    return _union(_periods(session, "s", OrgStatusPeriod, OrgStatusPeriod.org_id, OrgStatusPeriod.status),
                  _periods(session, "a", AgreementPeriod, AgreementPeriod.org_id, NO_VALUE),
                  _periods(session, "c", ProviderCareTypePeriod, ProviderCareTypePeriod.org_id,
                           ProviderCareTypePeriod.care_type))


def carers(session: Session, ids: Iterable[int], start: date, end: date) -> dict[int, Carer]:
    """The carers' staff types, qualifications and suspensions overlapping ``[start, end)`` (one
    statement)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    found = _tagged(session, ids, kept(session, "carer periods", _carer_periods), {"start": start, "end": end})
    return {i: Carer(i, found[("t", i)][0][2] if found[("t", i)] else "",
                     tuple(Qualification(a, b, v) for a, b, v in found[("q", i)]),
                     tuple(Period(a, b) for a, b, _ in found[("s", i)])) for i in ids}


def _carer_periods(session: Session):
    staff = select(literal("t", String).label("tag"), CarerRow.id.label("subject"),
                   literal(None, Date).label("valid_from"), literal(None, Date).label("valid_to"),
                   CarerRow.staff_type.label("value")).where(bound_in(session, CarerRow.id))
    return _union(staff, _periods(session, "q", CarerQualificationPeriod, CarerQualificationPeriod.carer_id,
                                  CarerQualificationPeriod.staff_type),
                  _periods(session, "s", CarerSuspensionPeriod, CarerSuspensionPeriod.carer_id, NO_VALUE))


def catalogue(session: Session) -> dict[int, Item]:
    """Every catalogue item by id, with the staff types allowed to deliver it (a small table)."""
    staff: dict[int, set[str]] = defaultdict(set)
    for item_id, staff_type in rows(session, kept(session, "catalogue staff", lambda _: select(
            ServiceItemStaffType.item_id, ServiceItemStaffType.staff_type))):
        staff[item_id].add(staff_type)
    items = rows(session, kept(session, "catalogue", lambda _: select(ServiceItem.id, ServiceItem.code,
                                                                      ServiceItem.item_class)))
    return {i: Item(code, item_class, frozenset(staff[i])) for i, code, item_class in items}


PLAN_COLUMNS = (CarePlan.id, CarePlan.person_id, CarePlan.provider_id, CarePlan.care_type, CarePlan.status,
                CarePlan.effective_from, CarePlan.version)


class Plans:
    """The care plans of some persons: the item codes of the plan in force for a visit."""

    def __init__(self, session: Session, person_ids: Iterable[int], extra_plan_ids: Iterable[int] = ()):
        ids = sorted(set(person_ids))
        plans = rows(session, kept(session, "plans", _plans), {
            "ids": bound_ids(session, ids), "plans": bound_ids(session, extra_plan_ids)}) if ids else []
        final = defaultdict(list)
        for plan_id, person_id, provider_id, care_type, status, effective_from, version in plans:
            if status == PlanStatus.FINAL.value:
                final[(person_id, provider_id, care_type)].append((effective_from or date.min, version, plan_id))
        #: each key's final plans as (start, id), the one in force first (latest start, then latest version)
        self._final = {key: [(start, plan_id) for start, _v, plan_id in sorted(
            found, key=lambda p: p[:2], reverse=True)] for key, found in final.items()}
        self._items: dict[int, set[str]] = defaultdict(set)
        stmt = kept(session, "plan items", _plan_items)
        for plan_id, code in rows(session, stmt, {"plans": bound_ids(session, [p[0] for p in plans])}) if plans else ():
            self._items[plan_id].add(code)
        self._known = {p[0] for p in plans}
        self._codes: dict[int, frozenset[str]] = {}

    def items_for(self, person_id: int, provider_id: int, care_type: str, day: date,
                  plan_id: int | None) -> frozenset[str] | None:
        """Item codes of the final plan in force on ``day`` (else of the visit's own plan); None: no plan."""
        for effective_from, in_force in self._final.get((person_id, provider_id, care_type), ()):
            if effective_from <= day:
                return self._codes_of(in_force)
        return self._codes_of(plan_id) if plan_id in self._known else None

    def _codes_of(self, plan_id: int) -> frozenset[str]:
        """One frozenset per plan, shared by its visits."""
        codes = self._codes.get(plan_id)
        if codes is None:
            codes = self._codes[plan_id] = frozenset(self._items[plan_id])
        return codes


def _plans(session: Session):
    """The final plans of the persons ``ids`` and the plans ``plans``."""
    return select(*PLAN_COLUMNS).where(or_(bound_in(session, CarePlan.person_id)
                                           & (CarePlan.status == PlanStatus.FINAL.value),
                                           bound_in(session, CarePlan.id, "plans")))


def _plan_items(session: Session):
    return (select(CarePlanVisitType.plan_id, ServiceItem.code)
            .join(CarePlanVisitItem, CarePlanVisitItem.visit_type_id == CarePlanVisitType.id)
            .join(ServiceItem, ServiceItem.id == CarePlanVisitItem.service_item_id)
            .where(bound_in(session, CarePlanVisitType.plan_id, "plans")))


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
