"""Readers building the facts of one scan from the database (SPEC §6), set-based: a handful of
statements for a whole provider-month, never one per record.

``provider_month`` reads a provider's visits and stays of a month plus every other record of
the same beneficiaries that month (V06 looks across providers); ``around_visit`` and
``around_stay`` read what an entry-time check of one record needs.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session

from ltc.compliance import dated
from ltc.compliance.beddays import bed_days
from ltc.compliance.facts import Facts, Item, Leave, Point, RecordRef, Stay, Visit
from ltc.core.clock import LOCAL_TZ, local_today
from ltc.core.months import first_of_month, first_of_next_month
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Leave as LeaveRow
from ltc.providers.records.models import Stay as StayRow
from ltc.providers.records.models import Visit as VisitRow
from ltc.providers.records.models import VisitItem

ONE_DAY = timedelta(days=1)


#: the columns the rules read, selected as plain rows (no ORM objects for a month of records)
VISIT_COLUMNS = (VisitRow.id, VisitRow.person_id, VisitRow.provider_id, VisitRow.carer_id, VisitRow.care_type,
                 VisitRow.plan_id, VisitRow.service_date, VisitRow.planned_minutes, VisitRow.scheduled_start,
                 VisitRow.check_in_at, VisitRow.check_out_at, VisitRow.actual_minutes, VisitRow.check_in_lat,
                 VisitRow.check_in_lon, VisitRow.check_out_lat, VisitRow.check_out_lon, VisitRow.device_id,
                 VisitRow.photo_hash, VisitRow.uploaded_at, VisitRow.created_at, VisitRow.closed_by_scan)
STAY_COLUMNS = (StayRow.id, StayRow.person_id, StayRow.provider_id, StayRow.care_type, StayRow.admitted_on,
                StayRow.discharged_on)
#: positions in a visit row (``VISIT_COLUMNS``) and a stay row (``STAY_COLUMNS``): rows are read by position
ID, PERSON, PROVIDER, CARER, PLAN = 0, 1, 2, 3, 5
IN_LAT, IN_LON, OUT_LAT, OUT_LON, PHOTO = 12, 13, 14, 15, 17


def _visit_rows(session: Session, month: date, *conditions) -> list[Row]:
    return dated.rows(session, select(*VISIT_COLUMNS).where(
        VisitRow.service_date >= month, VisitRow.service_date < first_of_next_month(month),
        VisitRow.status != VisitStatus.CANCELLED.value, *conditions))


def _stay_rows(session: Session, month: date, *conditions) -> list[Row]:
    return dated.rows(session, select(*STAY_COLUMNS).where(
        StayRow.admitted_on < first_of_next_month(month),
        or_(StayRow.discharged_on.is_(None), StayRow.discharged_on >= month), *conditions))


def provider_month(session: Session, provider_id: int, month: date, *, now: datetime) -> Facts:
    """The facts of ``provider_id``'s records in ``month`` (first day), of every other record
    of the same beneficiaries in that month (V06) and of the other providers' visits that month
    sharing a photo or a GPS point with one of its visits (S01)."""
    params = {"start": month, "end": first_of_next_month(month), "provider": provider_id}
    visits = dated.rows(session, dated.kept(session, "provider visits", _provider_visits), params)
    stays = dated.rows(session, dated.kept(session, "provider stays", _provider_stays), params)
    people = {v[PERSON] for v in visits} | {s[PERSON] for s in stays}
    if people:
        params["ids"] = dated.bound_ids(session, people)
        visits += dated.rows(session, dated.kept(session, "others' visits", _others_visits), params)
        stays += dated.rows(session, dated.kept(session, "others' stays", _others_stays), params)
    visits += _other_providers_sharing(session, month, provider_id, visits)
    return build_facts(session, month, visits, stays, now=now)


def _month_visits(*conditions):
    """A month's visits (not cancelled) as rows, the month bound as ``start`` and ``end``."""
    return select(*VISIT_COLUMNS).where(VisitRow.service_date >= bindparam("start"),
                                        VisitRow.service_date < bindparam("end"),
                                        VisitRow.status != VisitStatus.CANCELLED.value, *conditions)


def _month_stays(*conditions):
    """The stays overlapping a month as rows, the month bound as ``start`` and ``end``."""
    return select(*STAY_COLUMNS).where(
        StayRow.admitted_on < bindparam("end"),
        or_(StayRow.discharged_on.is_(None), StayRow.discharged_on >= bindparam("start")), *conditions)


def _provider_visits(_session: Session):
    return _month_visits(VisitRow.provider_id == bindparam("provider"))


def _provider_stays(_session: Session):
    return _month_stays(StayRow.provider_id == bindparam("provider"))


def _others_visits(session: Session):
    """Other providers' visits of the beneficiaries ``ids``."""
    return _month_visits(dated.bound_in(session, VisitRow.person_id), VisitRow.provider_id != bindparam("provider"))


def _others_stays(session: Session):
    return _month_stays(dated.bound_in(session, StayRow.person_id), StayRow.provider_id != bindparam("provider"))


def _other_providers_sharing(session: Session, month: date, provider_id: int, visits: list[Row]) -> list[Row]:
    """Other providers' visits in ``month`` with a photo hash or a GPS point (in or out) of ``visits``
    (index lookups by value, then the exact match here)."""
    hashes, points = set(), set()
    for v in visits:
        if v[PHOTO]:
            hashes.add(v[PHOTO])
        if v[IN_LAT] is not None and v[IN_LON] is not None:
            points.add((v[IN_LAT], v[IN_LON]))
        if v[OUT_LAT] is not None and v[OUT_LON] is not None:
            points.add((v[OUT_LAT], v[OUT_LON]))
    if not hashes and not points:
        return []
    if dated.on_postgresql(session):
        return _sharing_on_postgresql(session, month, provider_id, hashes, points)
    lats = {lat for lat, _ in points}
    conditions = [dated.among(session, VisitRow.photo_hash, hashes)] if hashes else []
    if lats:
        conditions += [dated.among(session, VisitRow.check_in_lat, lats),
                       dated.among(session, VisitRow.check_out_lat, lats)]
    if not conditions:
        return []
    rows = _visit_rows(session, month, VisitRow.provider_id != provider_id, or_(*conditions))
    return [r for r in rows if r[PHOTO] in hashes or (r[IN_LAT], r[IN_LON]) in points
            or (r[OUT_LAT], r[OUT_LON]) in points]


_SHARING_FROM = ("FROM visits v{join} WHERE v.service_date >= %(start)s AND v.service_date < %(end)s "
                 "AND v.status != %(cancelled)s AND v.provider_id != %(provider)s")
_POINTS = (" JOIN (SELECT DISTINCT * FROM unnest(CAST(%(lats)s AS NUMERIC[]), CAST(%(lons)s AS NUMERIC[])))"
           " p(lat, lon) ON v.check_{side}_lat = p.lat AND v.check_{side}_lon = p.lon")
#: other providers' visits with one of the photos (a bound text[]), or one of the points as its check-in or
#: check-out point (pairs of the two bound arrays, joined on the points' index: an exact match, no other rows)
SHARING_SQL = " UNION ALL ".join(
    f"SELECT {', '.join('v.' + c.key for c in VISIT_COLUMNS)} {_SHARING_FROM.format(join=join)}{where}"
    for join, where in (("", " AND v.photo_hash = ANY(%(hashes)s)"), (_POINTS.format(side="in"), ""),
                        (_POINTS.format(side="out"), "")))


def _sharing_on_postgresql(session: Session, month: date, provider_id: int, hashes: set[str],
                           points: set[tuple]) -> list[Row]:
    """``_other_providers_sharing`` in one statement (each visit at most once per way it matches)."""
    return dated.driver_rows(session, SHARING_SQL, {
        "start": month, "end": first_of_next_month(month), "cancelled": VisitStatus.CANCELLED.value,
        "provider": provider_id, "hashes": sorted(hashes), "lats": "{" + ",".join(str(a) for a, _ in points) + "}",
        "lons": "{" + ",".join(str(b) for _, b in points) + "}"})


def around_visit(session: Session, visit: VisitRow, *, now: datetime) -> Facts:
    """What checking one visit needs: the beneficiary's records of its month (every provider),
    the carer's visits of that month and the visits sharing its GPS points or photo."""
    month = first_of_month(visit.service_date)
    related = [VisitRow.person_id == visit.person_id, *_sharing_evidence(visit)]
    if visit.carer_id is not None:
        related.append(VisitRow.carer_id == visit.carer_id)
    visits = _visit_rows(session, month, or_(*related))
    stays = _stay_rows(session, month, StayRow.person_id == visit.person_id)
    return build_facts(session, month, visits, stays, now=now)


def _sharing_evidence(visit: VisitRow) -> list:
    """Conditions naming the visits that share a GPS point or the photo of ``visit`` (S01)."""
    shared = [VisitRow.photo_hash == visit.photo_hash] if visit.photo_hash else []
    for lat, lon in ((visit.check_in_lat, visit.check_in_lon), (visit.check_out_lat, visit.check_out_lon)):
        if lat is not None and lon is not None:
            shared += [(VisitRow.check_in_lat == lat) & (VisitRow.check_in_lon == lon),
                       (VisitRow.check_out_lat == lat) & (VisitRow.check_out_lon == lon)]
    return shared


def around_stay(session: Session, stay: StayRow, month: date, *, now: datetime) -> Facts:
    """What checking a stay's bed-days in ``month`` needs: the beneficiary's records that month."""
    visits = _visit_rows(session, month, VisitRow.person_id == stay.person_id)
    stays = _stay_rows(session, month, StayRow.person_id == stay.person_id)
    return build_facts(session, month, visits, stays, now=now)


def build_facts(session: Session, month: date, visits: list[Row], stays: list[Row], *,
                now: datetime) -> Facts:
    """The facts of these records of ``month``: bed-days up to today, and the dated facts of
    every person, provider and carer they name."""
    end = first_of_next_month(month)
    until = min(end, local_today(now) + ONE_DAY)
    people = {v[PERSON] for v in visits} | {s[PERSON] for s in stays}
    rows = dated.rows(session, dated.kept(session, "addresses", _addresses),
                      {"ids": dated.bound_ids(session, people)}) if people else []
    person_facts = dated.persons(session, people, month, end, deaths={row[0]: row[1] for row in rows})
    addresses = {i: (_point(lat, lon), (text or "").strip() or None) for i, _, text, lat, lon in rows}
    leaves = _leaves(session, [s[ID] for s in stays])
    days = bed_days([_stay(s) for s in stays], leaves, start=month, end=until,
                    death_dates={i: p.death_date for i, p in person_facts.items()})
    return Facts(
        month=month, visits=tuple(_visits(session, visits, addresses)), bed_days=tuple(days), persons=person_facts,
        providers=dated.providers(session, {v[PROVIDER] for v in visits} | {s[PROVIDER] for s in stays},
                                  month, end),
        carers=dated.carers(session, {v[CARER] for v in visits if v[CARER] is not None}, month, end),
        caps=tuple(dated.cap_segments(session, person_facts, month, end)))


def _addresses(session: Session):
    return select(InsuredPerson.id, InsuredPerson.death_date, InsuredPerson.address, InsuredPerson.latitude,
                  InsuredPerson.longitude).where(dated.bound_in(session, InsuredPerson.id))


def _stay(row: Row) -> Stay:
    return Stay(*row)


def _leaves(session: Session, stay_ids: list[int]) -> list[Leave]:
    if not stay_ids:
        return []
    rows = dated.rows(session, dated.kept(session, "leaves", lambda session: select(
        LeaveRow.id, LeaveRow.stay_id, LeaveRow.out_on, LeaveRow.back_on).where(
            dated.bound_in(session, LeaveRow.stay_id))), {"ids": dated.bound_ids(session, stay_ids)})
    return [Leave(*row) for row in rows]


def _visits(session: Session, rows: list[Row], addresses: dict[int, tuple]) -> list[Visit]:
    """Visit facts of the rows (each once), with items, plan items and the beneficiary's address
    (``addresses``: person id → (point, the address text as a key))."""
    rows = list({row[ID]: row for row in rows}.values())
    if not rows:
        return []
    people = {row[PERSON] for row in rows}
    items = _items(session, [row[ID] for row in rows])
    plans = dated.Plans(session, people, {row[PLAN] for row in rows if row[PLAN] is not None})
    return [_visit(row, items.get(row[ID], ()), plans, addresses.get(row[PERSON], (None, None))) for row in rows]


ITEMS_SQL = ("SELECT visit_id, string_agg(service_item_id::text, ',' ORDER BY id) FROM visit_items "
             "WHERE visit_id = ANY(CAST((SELECT CAST(%(ids)s AS INTEGER[])) AS INTEGER[])) GROUP BY visit_id")


def _items(session: Session, visit_ids: Iterable[int]) -> dict[int, tuple[Item, ...]]:
    """Each visit's delivered items in the order entered. On PostgreSQL one row per visit (its item
    ids as one text, aggregated by the server), the item tuple built once per combination."""
    if not dated.on_postgresql(session):
        return _items_by_row(session, visit_ids)
    delivered = dated.driver_rows(session, ITEMS_SQL, {"ids": dated.id_array(visit_ids)})
    if not delivered:
        return {}
    catalogue, combinations = dated.catalogue(session), {}
    found = {}
    for visit_id, ids in delivered:
        items = combinations.get(ids)
        if items is None:
            items = combinations[ids] = tuple(catalogue[int(i)] for i in ids.split(","))
        found[visit_id] = items
    return found


def _items_by_row(session: Session, visit_ids: Iterable[int]) -> dict[int, tuple[Item, ...]]:
    delivered = dated.rows(session, select(VisitItem.visit_id, VisitItem.service_item_id).where(
        dated.among(session, VisitItem.visit_id, visit_ids)).order_by(VisitItem.id))
    catalogue = dated.catalogue(session) if delivered else {}   # no items (check-ins): no catalogue
    found: dict[int, list[Item]] = defaultdict(list)
    for visit_id, item_id in delivered:
        found[visit_id].append(catalogue[item_id])
    return {k: tuple(v) for k, v in found.items()}


def _point(lat: Decimal | None, lon: Decimal | None) -> Point | None:
    return None if lat is None or lon is None else Point(lat, lon)


def _visit(row: Row, items: tuple[Item, ...], plans: dated.Plans, address: tuple) -> Visit:
    """The row's visit fact (the row unpacked once: ``VISIT_COLUMNS`` order)."""
    (visit_id, person_id, provider_id, carer_id, care_type, plan_id, service_date, planned_minutes, scheduled_start,
     check_in_at, check_out_at, actual_minutes, in_lat, in_lon, out_lat, out_lon, device_id, photo_hash, uploaded_at,
     created_at, closed_by_scan) = row
    point, address_key = address
    check_in, scheduled_start = _aware(check_in_at), _aware(scheduled_start)
    visit = Visit(   # positionally, in the fields' order (cheaper than keywords for a month of visits)
        visit_id, person_id, carer_id, provider_id, care_type, planned_minutes, scheduled_start, check_in,
        _aware(check_out_at), actual_minutes, _point(in_lat, in_lon), _point(out_lat, out_lon), point, address_key,
        device_id, photo_hash, _aware(uploaded_at), _aware(created_at), items,
        plans.items_for(person_id, provider_id, care_type, service_date, plan_id), closed_by_scan)
    # the cached values every rule reads, computed here (the same as the fact's own cached properties)
    vars(visit).update(ref=RecordRef("visit", visit_id),
                       service_date=(check_in or scheduled_start).astimezone(LOCAL_TZ).date())
    return visit


def _aware(moment: datetime | None) -> datetime | None:
    """Stored UTC timestamps, aware (whatever the driver returns)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)
