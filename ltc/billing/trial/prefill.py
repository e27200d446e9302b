"""A trial scenario from a real beneficiary-month (issue 11 point 2): the person's dated facts, one
provider's entitlements, stays, leaves and visits of the month, as the trial body (plain JSON).

The facts are those the settlement reader reads (``ltc.compliance.dated``, ``ltc.billing.reader``);
the body is what the trial API accepts, so the page shows and prices exactly what it read."""
from datetime import date, datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.billing.pricing import PersonTerms, ProviderTerms
from ltc.billing.reader import person_terms, provider_terms
from ltc.compliance import dated
from ltc.compliance.facts import Carer, Person, covering
from ltc.core.clock import to_local
from ltc.core.errors import NotFound
from ltc.core.months import first_of_next_month
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Leave, Stay, Visit, VisitItem


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _moment(value: datetime | None) -> str | None:
    """A stored UTC timestamp (naive from SQLite) in Shanghai time with its offset."""
    if value is None:
        return None
    return to_local(value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def _dated(periods, value=lambda p: p.value) -> list[dict]:
    return [{"value": value(p), "from": p.valid_from.isoformat(), "to": _iso(p.valid_to)} for p in periods]


def scenario_json(session: Session, person: InsuredPerson, month: date, provider_id: int | None) -> dict:
    """The body of ``person``'s ``month`` with the first provider they are entitled with that month
    (``provider_id`` when given). Raises NotFound when there is no such entitlement."""
    end = first_of_next_month(month)
    facts = dated.persons(session, [person.id], month, end)[person.id]
    own = [e for e in facts.entitlements if e.valid_from < end and (e.valid_to is None or e.valid_to > month)
           and provider_id in (None, e.provider_id)]
    if not own:
        raise NotFound("该参保人当月没有可试算的待遇")
    provider = own[0].provider_id
    own = [e for e in own if e.provider_id == provider]
    terms = person_terms(session, [person.id], month, end)[person.id]
    return {"month": month.isoformat()[:7], "person": _person(person, facts, terms),
            "entitlements": [_entitlement(e) for e in own],
            "provider": _provider(provider_terms(session, [provider], month, end)[provider], own, month),
            **_stays(session, person.id, provider, month, end),
            "hospital_stays": [{"category": s.category, "admission": s.admitted_on.isoformat(),
                                "discharge": _iso(s.discharged_on)} for s in facts.hospital_stays
                               if s.admitted_on < end and (s.discharged_on is None or s.discharged_on > month)],
            **_visits(session, person.id, provider, month, end)}


def _person(person: InsuredPerson, facts: Person, terms: PersonTerms) -> dict:
    found = {"category": _dated(terms.categories), "tags": _dated(terms.tags),
             "death_date": _iso(facts.death_date), "enrolment": _dated(facts.statuses, lambda p: p.status)}
    if person.latitude is not None and person.longitude is not None:
        found["coordinates"] = {"lat": float(person.latitude), "lon": float(person.longitude)}
    return found


def _entitlement(e) -> dict:
    return {"care_type": e.care_type, "level": e.level, "from": e.valid_from.isoformat(), "to": _iso(e.valid_to),
            "conclusion_date": _iso(e.conclusion_date), "conclusion_valid_to": _iso(e.conclusion_valid_to)}


def _provider(terms: ProviderTerms, entitlements: list, month: date) -> dict:
    grade, price = terms.grade_on(month), terms.daily_price_on(month)
    grade = grade or (terms.grades[-1].value if terms.grades else None)
    price = price if price is not None else (terms.daily_prices[-1].value if terms.daily_prices else None)
    return {"facility_grade": grade, "daily_price": None if price is None else f"{price:.2f}",
            "care_types": sorted({e.care_type for e in entitlements})}


def _stays(session: Session, person_id: int, provider_id: int, month: date, end: date) -> dict:
    stays = session.scalars(select(Stay).where(
        Stay.person_id == person_id, Stay.provider_id == provider_id, Stay.admitted_on < end,
        or_(Stay.discharged_on.is_(None), Stay.discharged_on >= month)).order_by(Stay.admitted_on)).all()
    leaves = session.scalars(select(Leave).where(Leave.stay_id.in_([s.id for s in stays]))
                             .order_by(Leave.out_on)).all() if stays else []
    return {"stays": [{"admission": s.admitted_on.isoformat(), "discharge": _iso(s.discharged_on)} for s in stays],
            "leaves": [{"out": leave.out_on.isoformat(), "back": _iso(leave.back_on)} for leave in leaves]}


def _visits(session: Session, person_id: int, provider_id: int, month: date, end: date) -> dict:
    visits = session.scalars(select(Visit).where(
        Visit.person_id == person_id, Visit.provider_id == provider_id, Visit.service_date >= month,
        Visit.service_date < end, Visit.status != VisitStatus.CANCELLED.value, Visit.check_in_at.is_not(None))
        .order_by(Visit.check_in_at, Visit.id)).all()
    codes = _item_codes(session, [v.id for v in visits])
    carers = dated.carers(session, {v.carer_id for v in visits if v.carer_id is not None}, month, end)
    plans = dated.Plans(session, [person_id], {v.plan_id for v in visits if v.plan_id is not None})
    plan = plans.items_for(person_id, provider_id, visits[0].care_type, month, visits[0].plan_id) if visits else None
    return {"visits": [_visit(v, codes.get(v.id, []), carers.get(v.carer_id)) for v in visits],
            "plan": None if plan is None else {"items": sorted(plan)}}


def _item_codes(session: Session, visit_ids: list[int]) -> dict[int, list[str]]:
    catalogue = dated.catalogue(session) if visit_ids else {}
    found: dict[int, list[str]] = {}
    for visit_id, item_id in session.execute(select(VisitItem.visit_id, VisitItem.service_item_id)
                                             .where(VisitItem.visit_id.in_(visit_ids)).order_by(VisitItem.id)):
        found.setdefault(visit_id, []).append(catalogue[item_id].code)
    return found


def _visit(v: Visit, items: list[str], carer: Carer | None) -> dict:
    day = v.service_date
    staff = carer.staff_type if carer else "assistant"
    found = {"carer": f"c{v.carer_id}" if v.carer_id else "c0", "carer_staff_type": staff,
             "start": _moment(v.check_in_at), "end": None if v.closed_by_scan else _moment(v.check_out_at),
             "planned_minutes": v.planned_minutes, "items": items, "scheduled_start": _moment(v.scheduled_start),
             "carer_suspended": bool(carer and covering(carer.suspensions, day)),
             "carer_qualified": bool(carer and any(q.staff_type == staff and q.covers(day)
                                                   for q in carer.qualifications))}
    if v.check_in_lat is not None and v.check_in_lon is not None:
        found["gps"] = {"lat": float(v.check_in_lat), "lon": float(v.check_in_lon)}
    if v.photo_hash:
        found["photo_hash"] = v.photo_hash
    return found
