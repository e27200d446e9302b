"""Who a carer's device may act for (SPEC §1 who-does-what: visits — provider operator; carer: own
visits only; scope rule: a carer sees only the beneficiaries of their own scheduled visits).

A carer login acts only as the carer it is linked to in the register, and only for the persons it
has visits with or is the chosen carer of (``BeneficiaryCarer``); a provider operator acts for
every carer of its provider (the visit services check the provider). Anything else is a 404.
"""
from dataclasses import dataclass, field
from functools import cache
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ltc.core import prepared
from ltc.core.audit import Actor
from ltc.core.errors import Forbidden, NotFound, ValidationFailed
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer
from ltc.providers.kinds import VisitStatus
from ltc.providers.records.models import Visit

NO_CARER = "护理人员不存在或无权访问"
NO_PERSON = "参保人不存在或无权访问"


@dataclass(frozen=True)
class Device:
    """Who sends a request: the acting user, and the carer it is (None for a provider operator)."""

    actor: Actor
    own_carer_id: int | None
    #: the carer row itself, kept so that the services find it in the session (no second read)
    own_carer: Carer | None = field(default=None, compare=False, repr=False)

    @property
    def is_carer(self) -> bool:
        return self.own_carer_id is not None


@cache
def _carer_of_login():
    """The carer row of a login (the statement built once)."""
    return select(Carer).where(Carer.user_id == bindparam("user_id"))


def device_of(session: Session, actor: Actor, *, operator: bool) -> Device:
    """The request's sender. An operator acts for any carer of its provider; a carer login must be
    linked to a carer of the register (Forbidden otherwise)."""
    if operator:
        return Device(actor, None)
    carer = session.scalar(_carer_of_login(), {"user_id": actor.user_id})
    if carer is None:
        raise Forbidden("该账号未关联护理人员名册，不能登记服务")
    return Device(actor, carer.id, carer)


def carer_for(device: Device, carer_id: int | None) -> int:
    """The carer a write is for: a carer's own (another carer's id is a NotFound); an operator
    names one (ValidationFailed without)."""
    if device.is_carer:
        if carer_id not in (None, device.own_carer_id):
            raise NotFound(NO_CARER, {"carer_id": "not found"})
        return device.own_carer_id
    if carer_id is None:
        raise ValidationFailed("请指定护理人员", {"carer_id": "required"})
    return carer_id


def check_person(session: Session, device: Device, person_id: int) -> None:
    """A carer may act only for the beneficiaries of its own visits or those it is the chosen carer of."""
    if not device.is_carer:
        return
    found = prepared.rows(session, ("carer's person",), _carers_person_sql,
                          {"carer": device.own_carer_id, "person": person_id})
    if not found[0][0]:
        raise NotFound(NO_PERSON, {"person_id": "not found"})


def _carers_person_sql(_in) -> str:
    return ("SELECT EXISTS (SELECT 1 FROM visits WHERE carer_id = :carer AND person_id = :person) "
            "OR EXISTS (SELECT 1 FROM beneficiary_carers WHERE carer_id = :carer AND person_id = :person)")


def _name_sql(_in) -> str:
    return "SELECT name, address FROM insured_persons WHERE id = :person"


def name_and_address(session: Session, person_id: int) -> tuple[str, str | None]:
    """The person's name and address as a visit's answer shows them (one plain row)."""
    name, address = prepared.rows(session, ("person's name",), _name_sql, {"person": person_id})[0]
    return name, address


def visits_of_day(session: Session, device: Device, day: date, carer_id: int | None = None) -> list[tuple]:
    """(visit, person name, person address) of the day in the device's scope, cancelled visits left
    out, by time (scheduled start, else check-in)."""
    stmt = (select(Visit, InsuredPerson.name, InsuredPerson.address)
            .join(InsuredPerson, InsuredPerson.id == Visit.person_id)
            .where(Visit.provider_id == device.actor.org_id, Visit.service_date == day,
                   Visit.status != VisitStatus.CANCELLED.value))
    if device.is_carer or carer_id is not None:
        stmt = stmt.where(Visit.carer_id == carer_for(device, carer_id))
    rows = session.execute(stmt).all()
    return sorted(rows, key=lambda row: (row[0].scheduled_start or row[0].check_in_at, row[0].id))

