"""What changed since a provider-month was last scanned (SPEC §6, §7.3): its records, the records
of the same beneficiaries elsewhere, or a dated fact of a beneficiary, one of the provider's
carers or the provider itself. A handful of statements per provider-month, none per record."""
from datetime import date, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ltc.compliance.kinds import FindingStatus
from ltc.compliance.models import Finding
from ltc.core.audit import AuditEntry
from ltc.core.months import first_of_next_month
from ltc.entitlements.models import Entitlement, EntitlementEvent
from ltc.orgs.kinds import CareType
from ltc.people.hospital.models import HospitalStay
from ltc.people.models import PersonDeath
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Leave, Stay, Visit

#: audit entities whose rows name a person, the provider or a carer by id
PERSON_ENTITY, PROVIDER_ENTITY, CARER_ENTITY = "insured_person", "organisation", "carer"


def month_people(session: Session, provider_id: int, month: date) -> set[int]:
    """The beneficiaries of the provider's visits and stays in ``month``."""
    end = first_of_next_month(month)
    visits = select(Visit.person_id).where(Visit.provider_id == provider_id, Visit.service_date >= month,
                                           Visit.service_date < end)
    stays = select(Stay.person_id).where(Stay.provider_id == provider_id, Stay.admitted_on < end,
                                         or_(Stay.discharged_on.is_(None), Stay.discharged_on >= month))
    return set(session.scalars(visits.union(stays)))


def records_changed(session: Session, provider_id: int, month: date, people: set[int], since: datetime) -> bool:
    """A visit of these beneficiaries in ``month``, or a stay or leave of the provider, changed after ``since``."""
    end = first_of_next_month(month)
    in_month = (Visit.service_date >= month) & (Visit.service_date < end) & (Visit.updated_at > since)
    ids = sorted(people)
    checks = [exists().where(in_month, or_(Visit.provider_id == provider_id, Visit.person_id.in_(ids))),
              exists().where(Stay.updated_at > since, or_(Stay.provider_id == provider_id, Stay.person_id.in_(ids))),
              exists().where(Leave.updated_at > since, or_(Leave.provider_id == provider_id, Leave.person_id.in_(ids)))]
    return any(session.scalar(select(check)) for check in checks)


def people_changed(session: Session, since: datetime) -> set[int]:
    """Persons with a dated fact changed after ``since``: roster edits, statuses and deaths (audit),
    entitlements granted, shortened or voided, hospital stays."""
    audited = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.at > since,
                                                                 AuditEntry.entity == PERSON_ENTITY))
    found = {int(i) for i in audited if i and i.isdigit()}
    found |= set(session.scalars(select(Entitlement.person_id).where(Entitlement.created_at > since)))
    found |= set(session.scalars(select(Entitlement.person_id).join(
        EntitlementEvent, EntitlementEvent.entitlement_id == Entitlement.id).where(EntitlementEvent.at > since)))
    found |= set(session.scalars(select(HospitalStay.person_id).where(HospitalStay.updated_at > since)))
    found |= set(session.scalars(select(PersonDeath.person_id).where(
        or_(PersonDeath.recorded_at > since, PersonDeath.undone_at > since))))
    return found


def provider_changed(session: Session, provider_id: int, since: datetime) -> bool:
    """The provider's own dated facts (status, agreement, care types: audited) or one of its
    carers' (register, qualifications, suspensions) changed after ``since``."""
    carers = select(Carer.id).where(Carer.provider_id == provider_id)
    audited = session.execute(select(AuditEntry.entity, AuditEntry.entity_id).where(
        AuditEntry.at > since, AuditEntry.entity.in_((PROVIDER_ENTITY, CARER_ENTITY)))).all()
    carer_ids = {str(i) for i in session.scalars(carers)}
    if any((entity == PROVIDER_ENTITY and entity_id == str(provider_id))
           or (entity == CARER_ENTITY and entity_id in carer_ids) for entity, entity_id in audited):
        return True
    return bool(session.scalar(select(
        exists().where(Carer.provider_id == provider_id, Carer.updated_at > since)
        | exists().where(CarerSuspensionPeriod.carer_id.in_(carers), CarerSuspensionPeriod.created_at > since))))


def month_changed(session: Session, provider_id: int, month: date, since: datetime) -> bool:
    people = month_people(session, provider_id, month)
    return (records_changed(session, provider_id, month, people, since)
            or provider_changed(session, provider_id, since)
            or bool(people & people_changed(session, since)))


def nothing_to_scan(session: Session, provider_id: int, month: date) -> bool:
    """Whether a scan of the provider-month could neither find nor clear anything (one statement):
    no visit (not cancelled) or stay of the provider in ``month``, no open finding of it, and no
    live family entitlement at the provider overlapping it (F01 fires on a family package without
    any visit, so such a month is never called empty)."""
    end = first_of_next_month(month)
    visits = exists().where(Visit.provider_id == provider_id, Visit.service_date >= month, Visit.service_date < end,
                            Visit.status != VisitStatus.CANCELLED.value)
    stays = exists().where(Stay.provider_id == provider_id, Stay.admitted_on < end,
                           or_(Stay.discharged_on.is_(None), Stay.discharged_on >= month))
    findings = exists().where(Finding.provider_id == provider_id, Finding.month == month,
                              Finding.status == FindingStatus.OPEN.value)
    family = exists().where(Entitlement.provider_id == provider_id, Entitlement.care_type == CareType.FAMILY.value,
                            Entitlement.live_filter(), Entitlement.valid_from < end,
                            or_(Entitlement.valid_to.is_(None), Entitlement.valid_to > month))
    return not session.scalar(select(visits | stays | findings | family))
