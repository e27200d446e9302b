"""The entry-time readers of a live check-in (SPEC §6; issue 10, Performance): what checking a visit
just checked in needs, in three statements prepared once per database dialect (plain SQL text, plain
rows, no ORM objects, no statement built per request) — the visits around it with whether it is the
beneficiary's latest (``around_check_in``: one statement), every dated fact of the
persons, providers and carers they name (one ``UNION ALL``), and its cap segment's count so far
(``counted_before``). The facts are those ``readers`` builds for the same records: the rules find
the same.

Id lists are bound as one array on PostgreSQL (``= ANY``: one statement text, prepared by the
driver after a few uses) and as expanding IN-lists elsewhere.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Integer, String, column
from sqlalchemy.orm import Session

from ltc.compliance import dated, readers
from ltc.compliance.beddays import bed_days
from ltc.compliance.facts import (CapSegment, Carer, CareTypePeriod, EntitlementFact, Facts, HospitalStay, Item,
                                  Leave, Period, Person, Provider, Qualification, Stay, StatusPeriod)
from ltc.compliance.facts import Finding
from ltc.compliance.kinds import FindingStatus, RuleCode, Severity
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules import visit_rules
from ltc.compliance.rules.overlaps import duplicates, overlaps, same_day
from ltc.compliance.rules.patterns import bunched_durations, reused_evidence
from ltc.core import prepared
from ltc.core.clock import local_today
from ltc.core.months import first_of_month, first_of_next_month
from ltc.entitlements.models import EntitlementStatus
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import PlanStatus, RecordKind, VisitStatus
from ltc.providers.records.models import Visit as VisitRow

ONE_DAY = timedelta(days=1)
MINUTES_A_DAY = 24 * 60
CANCELLED, FINAL, OPEN = VisitStatus.CANCELLED.value, PlanStatus.FINAL.value, FindingStatus.OPEN.value
VISIT, REJECT, VOID = RecordKind.VISIT.value, Severity.REJECT.value, EntitlementStatus.VOID.value
NOT_COUNTED = f"'{RuleCode.V07.value}', '{RuleCode.F01.value}'"
_V = VisitRow.__table__.c
VISIT_SQL = ", ".join(f"v.{c.name}" for c in readers.VISIT_COLUMNS)
DATE, MOMENT = _V.service_date.type, _V.check_in_at.type
#: the typed binds of the statements (dates and moments as the columns store them on every database)
BIND_TYPES = {"month": DATE, "month_end": DATE, "day": DATE, "start": DATE, "end": DATE, "stays_from": DATE,
              "stays_until": DATE, "at": MOMENT, "start_at": MOMENT, "end_at": MOMENT, "open_since": MOMENT,
              "lat_in": _V.check_in_lat.type, "lon_in": _V.check_in_lon.type, "lat_out": _V.check_out_lat.type,
              "lon_out": _V.check_out_lon.type}


def _run(session: Session, key: tuple, build, params: dict, *, lists: tuple[str, ...] = (), columns=()) -> list:
    return prepared.rows(session, key, build, params, lists=lists, types=BIND_TYPES, columns=columns)


# --- is it the beneficiary's latest? (read with the visits around it) ---------------------------

def _state_sql(dialect: str) -> str:
    """Whether another visit of the beneficiary that month checked in at or after the visit
    (``later``) and whether the visit has open findings (``found``): uncorrelated, evaluated once.
    On PostgreSQL the statement also sets the transaction's prepared statements to their generic
    plans: the union of the dated facts, prepared by the driver and run next, is then planned once
    per connection instead of at every check-in (planning its fifteen selects costs more than
    running them)."""
    generic = ", (SELECT set_config('plan_cache_mode', 'force_generic_plan', true)) AS generic" \
        if dialect == "postgresql" else ""
    return (f"EXISTS (SELECT 1 FROM visits w WHERE w.person_id = :person AND w.service_date >= :day "
            f"AND w.service_date < :month_end AND w.id != :id AND w.status != '{CANCELLED}' AND w.check_in_at >= :at) "
            f"AS later, EXISTS (SELECT 1 FROM findings f WHERE f.record_kind = '{VISIT}' AND f.record_id = :id "
            f"AND f.status = '{OPEN}') AS found{generic}")


# --- the visits around a check-in ----------------------------------------------------------------

def _sharing(photo: bool, points: tuple[str, ...]) -> str:
    """Conditions naming the visits sharing the photo or a GPS point (``in``/``out``) of the visit (S01)."""
    shared = ["v.photo_hash = :photo"] if photo else []
    for point in points:
        shared += [f"(v.check_in_lat = :lat_{point} AND v.check_in_lon = :lon_{point})",
                   f"(v.check_out_lat = :lat_{point} AND v.check_out_lon = :lon_{point})"]
    return "".join(f" OR {condition}" for condition in shared)


def _visits_sql(photo: bool, points: tuple[str, ...], carer: bool, dialect: str) -> Callable:
    """The beneficiary's visits of the day and those sharing evidence (``direct``), and the carer's
    visits of the month that may overlap (an open visit runs its planned minutes: on PostgreSQL in
    the statement, elsewhere checked after); on every row the visit's state (``_state_sql``)."""
    direct = f"(v.person_id = :person AND v.service_date = :day){_sharing(photo, points)}"
    running = (" AND v.check_in_at + make_interval(mins => v.planned_minutes) > :start_at"
               if dialect == "postgresql" else "")
    overlapping = (" OR (v.carer_id = :carer AND v.check_in_at < :end_at AND (v.check_out_at > :start_at OR "
                   f"v.check_out_at IS NULL AND (v.check_in_at > :open_since OR v.planned_minutes > {MINUTES_A_DAY})"
                   f"{running}))" if carer else "")
    return lambda _in: (f"SELECT {VISIT_SQL}, CASE WHEN {direct} THEN 1 ELSE 0 END AS direct, {_state_sql(dialect)} "
                        "FROM visits v "
                        f"WHERE v.service_date >= :month AND v.service_date < :month_end AND v.status != '{CANCELLED}' "
                        f"AND ({direct}{overlapping}) ORDER BY v.id")


@dataclass(frozen=True)
class Around:
    """The visits a live check-in is checked with (rows of ``readers.VISIT_COLUMNS``, by id), and its state:
    whether it is the beneficiary's latest of the month and whether it has open findings already."""
    visits: list[tuple]
    latest: bool
    has_findings: bool


_AROUND_COLUMNS = [*(_V[c.key] for c in readers.VISIT_COLUMNS), column("direct", Integer),
                   column("later", Boolean), column("found", Boolean)]


def around_check_in(session: Session, visit: VisitRow) -> Around:
    """The visits ``at_check_in`` reads and the visit's state, in one statement."""
    month = first_of_month(visit.service_date)
    start = readers._aware(visit.check_in_at)
    end = start + timedelta(minutes=visit.planned_minutes)
    points = tuple(name for name, lat, lon in (("in", visit.check_in_lat, visit.check_in_lon),
                                               ("out", visit.check_out_lat, visit.check_out_lon))
                   if lat is not None and lon is not None)
    key = ("visits", bool(visit.photo_hash), points, visit.carer_id is not None, session.get_bind().dialect.name)
    params = {"person": visit.person_id, "day": visit.service_date, "month": month,
              "month_end": first_of_next_month(month), "photo": visit.photo_hash, "carer": visit.carer_id,
              "start_at": start, "end_at": end, "open_since": start - ONE_DAY, "lat_in": visit.check_in_lat,
              "lon_in": visit.check_in_lon, "lat_out": visit.check_out_lat, "lon_out": visit.check_out_lon,
              "id": visit.id, "at": visit.check_in_at}
    rows = _run(session, key, _visits_sql(*key[1:]), params, columns=_AROUND_COLUMNS)
    width = len(readers.VISIT_COLUMNS)
    visits = [tuple(row)[:width] for row in rows if row.direct or (readers._aware(row.check_out_at) or readers._aware(
        row.check_in_at) + timedelta(minutes=row.planned_minutes)) > start]
    later, found = (rows[0].later, rows[0].found) if rows else (True, True)   # the visit itself is always read
    return Around(visits, not later, bool(found))


# --- the dated facts of everyone named, in one statement -----------------------------------------

#: the union's columns: a tag, a subject id, then values by kind
UNION_COLUMNS = (column("tag", String), column("subject", Integer), column("i1", Integer), column("i2", Integer),
                 column("i3", Integer), column("d1", DATE), column("d2", DATE), column("d3", DATE),
                 column("d4", DATE), column("v1", String), column("v2", String),
                 column("n1", InsuredPerson.__table__.c.latitude.type),
                 column("n2", InsuredPerson.__table__.c.longitude.type))
_SLOTS = ("i1", "i2", "i3", "d1", "d2", "d3", "d4", "v1", "v2", "n1", "n2")
_CASTS = {"i": "INTEGER", "d": "DATE", "v": "TEXT", "n": "NUMERIC(9,6)"}


def _branch(tag: str, subject: str, source: str, values: dict[str, str], *, first: bool = False) -> str:
    """One select of the union: ``values`` maps slots to expressions, the others NULL (typed in the first)."""
    slots = ", ".join(values.get(slot, f"CAST(NULL AS {_CASTS[slot[0]]})" if first else "NULL")
                      + (f" AS {slot}" if first else "") for slot in _SLOTS)
    return f"SELECT '{tag}'{' AS tag' if first else ''}, {subject}{' AS subject' if first else ''}, {slots} {source}"


_OVERLAPS = "(valid_to IS NULL OR valid_to > :start) AND valid_from < :end"


_PERIOD = {"d1": "valid_from", "d2": "valid_to"}
#: the person's stays overlapping the month and the plans named (the persons' final ones and the visits'),
#: each read once (common table expressions: the union names them several times and stays below
#: psycopg's 4 KB limit of statements whose conversion it caches)
_WITH = ("WITH st AS (SELECT * FROM stays "
         "WHERE person_id = :person AND admitted_on < :end AND (discharged_on IS NULL OR discharged_on >= :start)), "
         "pl AS (SELECT * FROM care_plans "
         "WHERE (person_id {people} AND status = '" + FINAL + "') OR id {plans}) ")


def _dated_sql(_in) -> str:
    people, carers = _in("people"), _in("carers")
    providers = f"{_in('providers')} OR org_id IN (SELECT provider_id FROM st)"   # the stays' providers too
    branches = [
        _branch("P", "id", f"FROM insured_persons WHERE id {people}",
                {"d1": "death_date", "v1": "address", "n1": "latitude", "n2": "longitude"}, first=True),
        _branch("s", "person_id", f"FROM person_status_periods WHERE person_id {people} AND {_OVERLAPS}",
                {**_PERIOD, "v1": "status"}),
        _branch("h", "person_id", f"FROM hospital_stays WHERE person_id {people} AND admitted_on < :stays_until "
                "AND (discharged_on IS NULL OR discharged_on >= :stays_from)",
                {"d1": "admitted_on", "d2": "discharged_on", "v1": "category"}),
        _branch("e", "person_id", f"FROM entitlements WHERE person_id {people} AND status != '{VOID}' "
                "AND valid_from < :end", {**_PERIOD, "d3": "conclusion_date", "d4": "conclusion_valid_to",
                                          "v1": "care_type", "i1": "provider_id", "i2": "level", "i3": "id"}),
        _branch("os", "org_id", f"FROM org_status_periods WHERE (org_id {providers}) AND {_OVERLAPS}",
                {**_PERIOD, "v1": "status"}),
        _branch("oa", "org_id", f"FROM agreement_periods WHERE (org_id {providers}) AND {_OVERLAPS}", _PERIOD),
        _branch("oc", "org_id", f"FROM provider_care_type_periods WHERE (org_id {providers}) AND {_OVERLAPS}",
                {**_PERIOD, "v1": "care_type"}),
        _branch("t", "id", f"FROM carers WHERE id {carers}", {"v1": "staff_type"}),
        _branch("q", "carer_id", f"FROM carer_qualification_periods WHERE carer_id {carers} AND {_OVERLAPS}",
                {**_PERIOD, "v1": "staff_type"}),
        _branch("u", "carer_id", f"FROM carer_suspension_periods WHERE carer_id {carers} AND {_OVERLAPS}", _PERIOD),
        _branch("S", "id", "FROM st", {"i1": "person_id", "i2": "provider_id", "v1": "care_type",
                                       "d1": "admitted_on", "d2": "discharged_on"}),
        _branch("L", "id", "FROM leaves WHERE stay_id IN (SELECT id FROM st)",
                {"i1": "stay_id", "d1": "out_on", "d2": "back_on"}),
        _branch("vi", "visit_id", f"FROM visit_items WHERE visit_id {_in('visits')}",
                {"i1": "service_item_id", "i3": "id"}),
        _branch("pl", "id", "FROM pl", {"i1": "person_id", "i2": "provider_id", "i3": "version", "v1": "care_type",
                                        "v2": "status", "d1": "effective_from"}),
        _branch("pi", "t.plan_id", "FROM care_plan_visit_types t "
                "JOIN care_plan_visit_items i ON i.visit_type_id = t.id "
                "JOIN service_items c ON c.id = i.service_item_id WHERE t.plan_id IN (SELECT id FROM pl)",
                {"v1": "c.code"}),
    ]
    return (_WITH.format(people=people, plans=_in("plans")) + " UNION ALL ".join(branches)
            + " ORDER BY tag, subject, d1, v1, i3")


#: the id lists of the union
DATED_LISTS = ("people", "providers", "carers", "visits", "plans")


class _Plans:
    """The care plans read by the union: the item codes of the plan in force for a visit (as
    ``dated.Plans`` answers them)."""

    def __init__(self, plans: list[tuple], codes: dict[int, set[str]]):
        self._final: dict[tuple, list[tuple]] = defaultdict(list)
        for plan in plans:   # (id, person, provider, care type, status, effective from, version)
            if plan[4] == FINAL:
                self._final[plan[1:4]].append(plan)
        self._known = {plan[0] for plan in plans}
        self._codes = {plan_id: frozenset(found) for plan_id, found in codes.items()}

    def items_for(self, person_id: int, provider_id: int, care_type: str, day: date,
                  plan_id: int | None) -> frozenset[str] | None:
        in_force = [p for p in self._final[(person_id, provider_id, care_type)] if p[5] is None or p[5] <= day]
        if in_force:
            plan = max(in_force, key=lambda p: (p[5] or date.min, p[6]))
            return self._codes.get(plan[0], frozenset())
        return self._codes.get(plan_id, frozenset()) if plan_id in self._known else None


def _dated(session: Session, visit: VisitRow, month: date, visits: list[tuple]) -> dict[str, dict]:
    """The union's rows by tag and subject."""
    end = first_of_next_month(month)
    params = {"people": sorted({v[1] for v in visits} | {visit.person_id}), "person": visit.person_id,
              "providers": sorted({v[2] for v in visits}), "carers": sorted({v[3] for v in visits if v[3] is not None}),
              "visits": sorted({v[0] for v in visits}), "plans": sorted({v[5] for v in visits if v[5] is not None}),
              "start": month, "end": end, "stays_from": month - dated.STAY_MARGIN,
              "stays_until": end + dated.STAY_MARGIN}
    found: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for tag, subject, *values in _run(session, ("dated",), _dated_sql, params, columns=UNION_COLUMNS,
                                      lists=DATED_LISTS):
        found[tag][subject].append(values)
    return found


def _persons(found: dict[str, dict]) -> dict[int, Person]:
    """Person facts (``dated.persons``): i1 i2 i3 d1 d2 d3 d4 v1 v2 n1 n2 are the slots of each row."""
    return {i: Person(i, rows[0][3],
                      tuple(EntitlementFact(r[3], r[4], r[7], r[0], r[1], r[5], r[6]) for r in found["e"][i]),
                      tuple(StatusPeriod(r[3], r[4], r[7]) for r in found["s"][i]),
                      tuple(HospitalStay(r[7], r[3], r[4]) for r in found["h"][i]))
            for i, rows in found["P"].items()}


def _providers(found: dict[str, dict], ids: set[int]) -> dict[int, Provider]:
    return {i: Provider(i, tuple(StatusPeriod(r[3], r[4], r[7]) for r in found["os"][i]),
                        tuple(Period(r[3], r[4]) for r in found["oa"][i]),
                        tuple(CareTypePeriod(r[3], r[4], r[7]) for r in found["oc"][i])) for i in sorted(ids)}


def _carers(found: dict[str, dict], ids: set[int]) -> dict[int, Carer]:
    return {i: Carer(i, found["t"][i][0][7] if found["t"][i] else "",
                     tuple(Qualification(r[3], r[4], r[7]) for r in found["q"][i]),
                     tuple(Period(r[3], r[4]) for r in found["u"][i])) for i in sorted(ids)}


def _items(session: Session, found: dict[str, dict]) -> dict[int, tuple[Item, ...]]:
    catalogue = dated.catalogue(session) if found["vi"] else {}   # no items (check-ins): no catalogue
    return {visit_id: tuple(catalogue[r[0]] for r in rows) for visit_id, rows in found["vi"].items()}


def at_check_in(session: Session, visit: VisitRow, around: Around, *, now: datetime) -> Facts:
    """What checking a visit just checked in (not yet out) needs: the beneficiary's records of its
    day (V06, V10; bed-days of its stays), the carer's visits of the month overlapping it (V04: an
    open visit runs its planned minutes, at most a day) and the visits sharing its GPS point or
    photo (S01), read by ``around_check_in``; with the dated facts and cap segments of the persons they
    name. One statement (the cap segments' policy is the transaction's)."""
    month = first_of_month(visit.service_date)
    end = first_of_next_month(month)
    visits = around.visits
    found = _dated(session, visit, month, visits)
    persons = _persons(found)
    addresses = {i: (readers._point(r[0][9], r[0][10]), (r[0][7] or "").strip() or None)
                 for i, r in found["P"].items()}
    plans = _Plans([(i, *r[0][:2], r[0][7], r[0][8], r[0][3], r[0][2]) for i, r in found["pl"].items()],
                   {i: {r[7] for r in rows} for i, rows in found["pi"].items()})
    items = _items(session, found)
    stays = [Stay(i, r[0][0], r[0][1], r[0][7], r[0][3], r[0][4]) for i, r in found["S"].items()]
    leaves = [Leave(i, r[0][0], r[0][3], r[0][4]) for i, r in found["L"].items()]
    days = bed_days(stays, leaves, start=month, end=min(end, local_today(now) + ONE_DAY),
                    death_dates={i: p.death_date for i, p in persons.items()})
    return Facts(
        month=month, bed_days=tuple(days), persons=persons,
        visits=tuple(readers._visit(row, items.get(row[0], ()), plans, addresses.get(row[1], (None, None)))
                     for row in visits),
        providers=_providers(found, {v[2] for v in visits} | {s.provider_id for s in stays}),
        carers=_carers(found, {v[3] for v in visits if v[3] is not None}),
        caps=tuple(dated.cap_segments(session, persons, month, end)))


# --- the cap used before a check-in (V07) --------------------------------------------------------

def _counted_sql(by_provider: bool) -> Callable:
    provider = " AND v.provider_id = :provider" if by_provider else ""
    return lambda _in: (
        "SELECT count(v.id), coalesce(sum(v.planned_minutes), 0) FROM visits v WHERE v.person_id = :person "
        "AND v.care_type = :care_type AND v.service_date >= :start AND v.service_date < :end "
        f"AND v.status != '{CANCELLED}' AND v.id != :id AND (v.check_in_at < :at OR v.check_in_at = :at AND v.id < :id)"
        f"{provider} AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.record_kind = '{VISIT}' AND f.record_id = v.id "
        f"AND f.status = '{OPEN}' AND f.severity = '{REJECT}' AND f.rule NOT IN ({NOT_COUNTED}))")


def counted_before(session: Session, visit: VisitRow, segment: CapSegment) -> tuple[int, int]:
    """(visits, planned minutes) of the segment counted before ``visit`` in check-in order (V07):
    checked-in visits of the same beneficiary, care type (and provider) that no stored open finding
    of another rule rejects; still-flagged visits count."""
    by_provider = segment.provider_id is not None
    count, minutes = _run(session, ("counted", by_provider), _counted_sql(by_provider), {
        "person": visit.person_id, "care_type": segment.care_type, "start": segment.start, "end": segment.end,
        "id": visit.id, "at": visit.check_in_at, "provider": segment.provider_id})[0]
    return count, int(minutes)


# --- the rules a check-in can break ------------------------------------------------------------

def live_findings(facts: Facts, visit_id: int, policy: CompliancePolicy, *, now: datetime) -> list[Finding]:
    """What ``evaluate`` finds on visits that a live check-in keeps (its caps left to
    ``counted_before``): the rules on the visit itself and the rules across the visits around it
    (V04, V06, V10, S01, S02) — not the other visits' own rules nor the bed-days' (their verdicts are
    not the check-in's to change), nor F01 (a finding on the month's family package, not a visit)."""
    visits = [v for v in facts.visits if v.check_in is not None]
    own = next(v for v in visits if v.id == visit_id)
    return [*visit_rules(own, facts, policy, now), *duplicates(visits, policy), *overlaps(visits, policy),
            *same_day(visits, facts.bed_days, policy), *reused_evidence(visits, policy),
            *bunched_durations(visits, facts.month, policy)]
