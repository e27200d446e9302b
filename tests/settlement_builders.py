"""Stored provider-months for the settlement tests: SPEC §7.2's worked examples as records, with the
entitlements, categories, tags, grades and carers they need, and helpers to generate and submit."""
from datetime import date, datetime, timedelta, timezone

from ltc.billing.generation import generate_settlement
from ltc.billing.models import Settlement
from ltc.core.audit import SYSTEM
from ltc.core.clock import LOCAL_TZ
from ltc.core.periods import add_period
from ltc.providers.models import ProviderCareTypePeriod, ProviderDistrictPeriod, ProviderGradePeriod
from tests.builders import district, org
from tests.compliance_db_builders import carer, item_id, local, stay
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person

GRANTED = datetime(2025, 12, 1, 2, 0, tzinfo=timezone.utc)


def due(day: date) -> datetime:
    """02:00 Shanghai of ``day`` (the monthly job's due time), in UTC."""
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ).replace(hour=2).astimezone(timezone.utc)


def provider(session, n: int, *, care_type: str, grade: str, name: str | None = None, district_code: str = "东城区"):
    found = org(session, "provider", name or f"服务机构{n}", n)
    add_period(session, ProviderGradePeriod, org_id=found.id, grade=grade, valid_from=date(2025, 1, 1))
    add_period(session, ProviderCareTypePeriod, org_id=found.id, care_type=care_type, valid_from=date(2025, 1, 1))
    district(session, district_code)
    add_period(session, ProviderDistrictPeriod, org_id=found.id, district=district_code, valid_from=date(2025, 1, 1))
    return found


def beneficiary(session, n: int, at, *, care_type: str, level: int, tags=(), starts_on=date(2025, 12, 1),
                category: str = "employee"):
    """An employee (by default) with an entitlement of ``level`` at ``at`` from ``starts_on``."""
    someone = person(session, n, category=category, tags=tags, valid_from=date(2025, 1, 1))
    concluded = conclusion(session, someone, concluded_on=date(2025, 11, 20), level=level)
    grant(session, someone, at, care_type=care_type, conclusion_of=concluded, starts_on=starts_on, level=level,
          now=GRANTED)
    return someone


def example_special(session, n: int = 60):
    """SPEC §7.2 example 1: special, employee, L5, hospital_2, tag chronic_class_a, all January 2026."""
    hospital = provider(session, n, care_type="special", grade="hospital_2", name="第二医院专护病区")
    patient = beneficiary(session, n, hospital, care_type="special", level=5, tags=("chronic_class_a",))
    stay(session, patient, hospital, date(2025, 12, 20), care_type="special")
    from ltc.people.hospital.models import HospitalStay   # the medical-insurance system's side of it (V11)
    session.add(HospitalStay(person_id=patient.id, hospital=hospital.name, category="ltc_special",
                             admitted_on=date(2025, 12, 20), discharged_on=None))
    session.flush()
    return hospital, patient


def home_plan(session, someone, at, *, level: int = 5):
    from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType

    plan = CarePlan(person_id=someone.id, provider_id=at.id, care_type="home", level=level, version=1, status="final",
                    created_at=GRANTED, effective_from=date(2025, 12, 1))
    session.add(plan)
    session.flush()
    visit_type = CarePlanVisitType(plan_id=plan.id, position=1, name="生活照护", frequency=7, frequency_unit="week",
                                   planned_minutes=60)
    session.add(visit_type)
    session.flush()
    session.add(CarePlanVisitItem(visit_type_id=visit_type.id, service_item_id=item_id(session)))
    session.flush()
    return plan


def home_visit(session, someone, who, day: date, *, minutes: int = 60, hour: int = 9, care_type: str = "home",
               created_at: datetime | None = None):
    from ltc.providers.records.models import Visit, VisitItem

    check_in = local(day.isoformat(), hour)
    row = Visit(provider_id=who.provider_id, person_id=someone.id, carer_id=who.id, care_type=care_type,
                status="done", scheduled_start=check_in, check_in_at=check_in,
                check_out_at=check_in + timedelta(minutes=minutes), service_date=day, planned_minutes=60,
                actual_minutes=minutes, check_in_lat=someone.latitude, check_in_lon=someone.longitude)
    if created_at is not None:
        row.created_at = row.updated_at = created_at
    row.items.append(VisitItem(service_item_id=item_id(session)))
    session.add(row)
    session.flush()
    return row


def example_home(session, n: int = 70):
    """SPEC §7.2 example 2: home, employee, L5, June 2026, 30 one-hour visits, one of 35 minutes (V03)."""
    agency = provider(session, n, care_type="home", grade="home_care", name="居家护理丙")
    someone = beneficiary(session, n, agency, care_type="home", level=5)
    home_plan(session, someone, agency)
    nurse = carer(session, agency, n)
    for day in range(1, 31):
        home_visit(session, someone, nurse, date(2026, 6, day), minutes=35 if day == 15 else 60)
    return agency, someone, nurse


def generate(session, at, month: date, *, now: datetime | None = None, **kwargs):
    """Generate ``at``'s settlement of ``month`` as the day-1 run of the next month would."""
    moment = now or due(date(month.year + month.month // 12, month.month % 12 + 1, 1))
    return generate_settlement(session, at.id, month, actor=SYSTEM, now=moment, as_of=moment, **kwargs)


def submit(session, settlement_id: int, at: datetime) -> Settlement:
    """What the review's submit does to the settlement (bill-review builds the real step)."""
    settlement = session.get(Settlement, settlement_id)
    settlement.status, settlement.submitted_at = "submitted", at
    session.flush()
    return settlement
