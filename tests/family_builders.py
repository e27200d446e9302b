"""A family-care provider with beneficiaries in June 2026 for the allowance-list tests: one with a
bank account on the application, one in hospital 10–15 June without any account, one whose
enrolment is suspended from 21 June."""
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from ltc.assessment.applications.models import Application
from ltc.core.audit import SYSTEM
from ltc.people import services as people
from ltc.people.hospital.models import HospitalStay
from tests.settlement_builders import beneficiary, provider

JUNE = date(2026, 6, 1)
AS_OF = datetime(2026, 7, 1, 4, 0, tzinfo=timezone.utc)


@dataclass
class Family:
    provider: object
    banked: object
    inpatient: object
    suspended: object


def give_application_account(session, someone, number: str = "6222020200112233445") -> None:
    app = session.scalars(select(Application).where(Application.person_id == someone.id)).first()
    app.bank_account_holder, app.bank_name, app.bank_account_no = someone.name, "工商银行东城支行", number
    session.flush()


def family_month(session, n: int = 80) -> Family:
    agency = provider(session, n, care_type="family", grade="home_care", name="亲情照护中心")
    banked = beneficiary(session, n, agency, care_type="family", level=4)
    give_application_account(session, banked)
    inpatient = beneficiary(session, n + 1, agency, care_type="family", level=4)
    session.add(HospitalStay(person_id=inpatient.id, hospital="市第一医院", category="inpatient",
                             admitted_on=date(2026, 6, 10), discharged_on=date(2026, 6, 15)))
    suspended = beneficiary(session, n + 2, agency, care_type="family", level=5)
    give_application_account(session, suspended, "6222020200199887766")
    people.set_status(session, suspended, status="suspended", valid_from=date(2026, 6, 21), actor=SYSTEM, now=AS_OF)
    session.flush()
    return Family(agency, banked, inpatient, suspended)
