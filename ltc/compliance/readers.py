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

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from ltc.compliance import dated
from ltc.compliance.beddays import bed_days
from ltc.compliance.facts import Facts, Item, Leave, Point, Stay, Visit
from ltc.core.clock import local_today
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
    visits = _visit_rows(session, month, VisitRow.provider_id == provider_id)
    stays = _stay_rows(session, month, StayRow.provider_id == provider_id)
    people = sorted({v.person_id for v in visits} | {s.person_id for s in stays})
    if people:
        visits += _visit_rows(session, month, dated.among(session, VisitRow.person_id, people),
                              VisitRow.provider_id != provider_id)
        stays += _stay_rows(session, month, dated.among(session, StayRow.person_id, people),
                            StayRow.provider_id != provider_id)
    visits += _other_providers_sharing(session, month, provider_id, visits)
    return build_facts(session, month, visits, stays, now=now)


def _other_providers_sharing(session: Session, month: date, provider_id: int, visits: list[Row]) -> list[Row]:
    """Other providers' visits in ``month`` with a photo hash or a GPS point (in or out) of ``visits``
    (index lookups by value, then the exact match here)."""
    hashes = {v.photo_hash for v in visits if v.photo_hash}
    points = {p for v in visits for p in ((v.check_in_lat, v.check_in_lon), (v.check_out_lat, v.check_out_lon))
              if None not in p}
    lats = sorted({lat for lat, _ in points})
    conditions = [dated.among(session, VisitRow.photo_hash, hashes)] if hashes else []
    if lats:
        conditions += [dated.among(session, VisitRow.check_in_lat, lats),
                       dated.among(session, VisitRow.check_out_lat, lats)]
    if not conditions:
        return []
    rows = _visit_rows(session, month, VisitRow.provider_id != provider_id, or_(*conditions))
    return [r for r in rows if r.photo_hash in hashes or (r.check_in_lat, r.check_in_lon) in points
            or (r.check_out_lat, r.check_out_lon) in points]


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
    people = {v.person_id for v in visits} | {s.person_id for s in stays}
    rows = dated.rows(session, select(InsuredPerson.id, InsuredPerson.death_date, InsuredPerson.address,
                                      InsuredPerson.latitude, InsuredPerson.longitude)
                      .where(dated.among(session, InsuredPerson.id, people))) if people else []
    person_facts = dated.persons(session, people, month, end, deaths={row.id: row.death_date for row in rows})
    addresses = {i: (_point(lat, lon), (text or "").strip() or None) for i, _, text, lat, lon in rows}
    leaves = _leaves(session, [s.id for s in stays])
    days = bed_days([_stay(s) for s in stays], leaves, start=month, end=until,
                    death_dates={i: p.death_date for i, p in person_facts.items()})
    return Facts(
        month=month, visits=tuple(_visits(session, visits, addresses)), bed_days=tuple(days), persons=person_facts,
        providers=dated.providers(session, {v.provider_id for v in visits} | {s.provider_id for s in stays},
                                  month, end),
        carers=dated.carers(session, {v.carer_id for v in visits if v.carer_id is not None}, month, end),
        caps=tuple(dated.cap_segments(session, person_facts, month, end)))


def _stay(row: Row) -> Stay:
    return Stay(row.id, row.person_id, row.provider_id, row.care_type, row.admitted_on, row.discharged_on)


def _leaves(session: Session, stay_ids: list[int]) -> list[Leave]:
    if not stay_ids:
        return []
    rows = dated.rows(session, select(LeaveRow.id, LeaveRow.stay_id, LeaveRow.out_on, LeaveRow.back_on)
                      .where(dated.among(session, LeaveRow.stay_id, stay_ids)))
    return [Leave(*row) for row in rows]


def _visits(session: Session, rows: list[Row], addresses: dict[int, tuple]) -> list[Visit]:
    """Visit facts of the rows (each once), with items, plan items and the beneficiary's address
    (``addresses``: person id → (point, the address text as a key))."""
    rows = list({row.id: row for row in rows}.values())
    if not rows:
        return []
    people = {row.person_id for row in rows}
    items = _items(session, [row.id for row in rows])
    plans = dated.Plans(session, people, {row.plan_id for row in rows if row.plan_id is not None})
    return [_visit(row, items.get(row.id, ()), plans, addresses.get(row.person_id, (None, None))) for row in rows]


def _items(session: Session, visit_ids: Iterable[int]) -> dict[int, tuple[Item, ...]]:
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
    return Visit(
        id=visit_id, beneficiary_id=person_id, carer_id=carer_id, provider_id=provider_id, care_type=care_type,
        planned_minutes=planned_minutes, scheduled_start=_aware(scheduled_start), check_in=_aware(check_in_at),
        check_out=_aware(check_out_at), actual_minutes=actual_minutes, gps_in=_point(in_lat, in_lon),
        gps_out=_point(out_lat, out_lon), address=point, address_key=address_key, device_id=device_id,
        photo_hash=photo_hash, uploaded_at=_aware(uploaded_at), entered_at=_aware(created_at), items=items,
        plan_items=plans.items_for(person_id, provider_id, care_type, service_date, plan_id),
        auto_closed=closed_by_scan)


def _aware(moment: datetime | None) -> datetime | None:
    """Stored UTC timestamps, aware (whatever the driver returns)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)
