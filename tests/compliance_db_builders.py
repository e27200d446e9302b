"""Stored records for the compliance services tests: a home-care beneficiary of the world's
provider with an entitlement, a final care plan, a qualified carer and visits in June 2026."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.core.clock import LOCAL_TZ
from ltc.core.periods import add_period
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType
from ltc.providers.carers.models import Carer, CarerQualificationPeriod
from ltc.providers.catalogue.models import ServiceItem
from ltc.providers.records.models import Leave, Stay, Visit, VisitItem
from tests.entitlement_builders import grant
from tests.people_builders import id_number, person

NOW = datetime(2026, 7, 2, 2, 0, tzinfo=timezone.utc)   # 2 July 10:00 in Shanghai, June is over
HOME = (Decimal("31.230000"), Decimal("121.470000"))


def local(day: str, hour: int = 9, minute: int = 0) -> datetime:
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), LOCAL_TZ)
    return (moment + timedelta(hours=hour, minutes=minute)).astimezone(timezone.utc)


def item_id(session, code: str = "SH01") -> int:
    return session.scalar(select(ServiceItem.id).where(ServiceItem.code == code))


def beneficiary(session, provider, n: int = 1, *, care_type: str = "home"):
    """A person at ``HOME`` (each next one about a kilometre further north) with an entitlement at
    ``provider`` from 1 February 2026 and a final plan holding SH01."""
    someone = person(session, n, latitude=HOME[0] + Decimal("0.01") * (n - 1), longitude=HOME[1],
                     address=f"幸福路 {n} 号")
    grant(session, someone, provider, care_type=care_type, starts_on=date(2026, 2, 1))
    plan = CarePlan(person_id=someone.id, provider_id=provider.id, care_type=care_type, level=4, version=1,
                    status="final", created_at=NOW, effective_from=date(2026, 2, 1))
    session.add(plan)
    session.flush()
    visit_type = CarePlanVisitType(plan_id=plan.id, position=1, name="生活照护", frequency=2, frequency_unit="week",
                                   planned_minutes=60)
    session.add(visit_type)
    session.flush()
    session.add(CarePlanVisitItem(visit_type_id=visit_type.id, service_item_id=item_id(session)))
    session.flush()
    return someone


def carer(session, provider, n: int = 1, *, staff_type: str = "assistant") -> Carer:
    row = Carer(provider_id=provider.id, name=f"护理员{n}", id_number=id_number(500 + n), birth_date=date(1980, 1, 1),
                sex="F", staff_type=staff_type, employed_from=date(2025, 1, 1))
    session.add(row)
    session.flush()
    add_period(session, CarerQualificationPeriod, carer_id=row.id, staff_type=staff_type, certificate_no=f"Q{n}",
               valid_from=date(2025, 1, 1))
    return row


def visit(session, beneficiary, carer, *, day: str = "2026-06-10", hour: int = 9, minute: int = 0,
          minutes: int | None = 60, planned: int = 60, gps=None, **fields) -> Visit:
    """A home visit checked in at ``day hour:minute`` (local) and out ``minutes`` later (None: not yet),
    at the beneficiary's home unless ``gps`` says otherwise."""
    gps = gps or (beneficiary.latitude, beneficiary.longitude)
    check_in = local(day, hour, minute)
    row = Visit(provider_id=carer.provider_id, person_id=beneficiary.id, carer_id=carer.id, care_type="home",
                status="done" if minutes is not None else "in_progress", scheduled_start=check_in,
                check_in_at=check_in,
                check_out_at=check_in + timedelta(minutes=minutes) if minutes is not None else None,
                service_date=date.fromisoformat(day), planned_minutes=planned, actual_minutes=minutes,
                check_in_lat=gps[0], check_in_lon=gps[1], **fields)
    row.items.append(VisitItem(service_item_id=item_id(session)))
    session.add(row)
    session.flush()
    return row


def stay(session, beneficiary, provider, admitted: date, discharged: date | None = None,
         care_type: str = "institution", leaves=()) -> Stay:
    row = Stay(provider_id=provider.id, person_id=beneficiary.id, care_type=care_type, admitted_on=admitted,
               discharged_on=discharged)
    session.add(row)
    session.flush()
    for out_on, back_on in leaves:
        session.add(Leave(stay_id=row.id, provider_id=provider.id, person_id=beneficiary.id, out_on=out_on,
                          back_on=back_on))
    session.flush()
    return row
