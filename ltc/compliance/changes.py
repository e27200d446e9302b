"""What changed since a provider-month was last scanned (SPEC §6, §7.3): its records, the records
of the same beneficiaries elsewhere, or a dated fact of a beneficiary, one of the provider's
carers or the provider itself. One statement per provider-month, none per record."""
from datetime import date, datetime

from sqlalchemy import String, bindparam, cast, exists, or_, select
from sqlalchemy.orm import Session

from ltc.compliance import dated
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


def month_changed(session: Session, provider_id: int, month: date, since: datetime) -> bool:
    """Whether anything the provider-month's scan reads changed after ``since`` (one statement, built
    once per process): a record (``_records_changed``), a dated fact of the provider or one of its
    carers (``_provider_changed``) or of one of the month's beneficiaries (``_people_changed``)."""
    stmt = dated.kept(session, "month changed", lambda _: select(
        _records_changed() | _provider_changed() | _people_changed()))
    return bool(session.scalar(stmt, {"provider": provider_id, "provider_key": str(provider_id), "start": month,
                                      "end": first_of_next_month(month), "since": since}))


def _month_people(as_text: bool = False):
    """The beneficiaries of the provider's visits and stays in the month (``start``, ``end``); their
    ids as text (``as_text``: as audit rows name them)."""
    def person(column):
        return cast(column, String) if as_text else column
    visits = select(person(Visit.person_id)).where(
        Visit.provider_id == bindparam("provider"), Visit.service_date >= bindparam("start"),
        Visit.service_date < bindparam("end"))
    stays = select(person(Stay.person_id)).where(
        Stay.provider_id == bindparam("provider"), Stay.admitted_on < bindparam("end"),
        or_(Stay.discharged_on.is_(None), Stay.discharged_on >= bindparam("start")))
    return visits.union(stays)


def _records_changed():
    """A visit of the month's beneficiaries in the month, or a stay or leave of theirs or of the
    provider, changed after ``since``."""
    since, provider = bindparam("since"), bindparam("provider")
    in_month = (Visit.service_date >= bindparam("start")) & (Visit.service_date < bindparam("end"))
    return (exists().where(in_month, Visit.updated_at > since,
                           or_(Visit.provider_id == provider, Visit.person_id.in_(_month_people())))
            | exists().where(Stay.updated_at > since,
                             or_(Stay.provider_id == provider, Stay.person_id.in_(_month_people())))
            | exists().where(Leave.updated_at > since,
                             or_(Leave.provider_id == provider, Leave.person_id.in_(_month_people()))))


def _provider_changed():
    """The provider's own dated facts (status, agreement, care types: audited) or one of its
    carers' (register, qualifications, suspensions) changed after ``since``."""
    since, provider = bindparam("since"), bindparam("provider")
    carers = select(Carer.id).where(Carer.provider_id == provider)
    audited = (AuditEntry.at > since) & or_(
        (AuditEntry.entity == PROVIDER_ENTITY) & (AuditEntry.entity_id == bindparam("provider_key")),
        (AuditEntry.entity == CARER_ENTITY) & AuditEntry.entity_id.in_(
            select(cast(Carer.id, String)).where(Carer.provider_id == provider)))
    return (exists().where(audited)
            | exists().where(Carer.provider_id == provider, Carer.updated_at > since)
            | exists().where(CarerSuspensionPeriod.carer_id.in_(carers), CarerSuspensionPeriod.created_at > since))


def _people_changed():
    """One of the month's beneficiaries has a dated fact changed after ``since``: roster edits,
    statuses and deaths (audit), entitlements granted, shortened or voided, hospital stays."""
    since = bindparam("since")
    return (exists().where(AuditEntry.at > since, AuditEntry.entity == PERSON_ENTITY,
                           AuditEntry.entity_id.in_(_month_people(as_text=True)))
            | exists().where(Entitlement.created_at > since, Entitlement.person_id.in_(_month_people()))
            | exists().where(EntitlementEvent.entitlement_id == Entitlement.id, EntitlementEvent.at > since,
                             Entitlement.person_id.in_(_month_people()))
            | exists().where(HospitalStay.updated_at > since, HospitalStay.person_id.in_(_month_people()))
            | exists().where(or_(PersonDeath.recorded_at > since, PersonDeath.undone_at > since),
                             PersonDeath.person_id.in_(_month_people())))


def nothing_to_scan(session: Session, provider_id: int, month: date) -> bool:
    """Whether a scan of the provider-month could neither find nor clear anything (one statement,
    built once per process): no visit (not cancelled) or stay of the provider in ``month``, no open
    finding of it, and no live family entitlement at the provider overlapping it (F01 fires on a
    family package without any visit, so such a month is never called empty)."""
    stmt = dated.kept(session, "nothing to scan", lambda _: _anything_to_scan())
    return not session.scalar(stmt, {"provider": provider_id, "start": month, "end": first_of_next_month(month)})


def _anything_to_scan():
    provider, month, end = bindparam("provider"), bindparam("start"), bindparam("end")
    visits = exists().where(Visit.provider_id == provider, Visit.service_date >= month, Visit.service_date < end,
                            Visit.status != VisitStatus.CANCELLED.value)
    stays = exists().where(Stay.provider_id == provider, Stay.admitted_on < end,
                           or_(Stay.discharged_on.is_(None), Stay.discharged_on >= month))
    findings = exists().where(Finding.provider_id == provider, Finding.month == month,
                              Finding.status == FindingStatus.OPEN.value)
    family = exists().where(Entitlement.provider_id == provider, Entitlement.care_type == CareType.FAMILY.value,
                            Entitlement.live_filter(), Entitlement.valid_from < end,
                            or_(Entitlement.valid_to.is_(None), Entitlement.valid_to > month))
    return select(visits | stays | findings | family)
