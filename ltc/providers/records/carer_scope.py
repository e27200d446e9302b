"""Who a carer's device may act for (SPEC §1 who-does-what: visits — provider operator; carer: own
visits only; scope rule: a carer sees only the beneficiaries of their own scheduled visits).

A carer login acts only as the carer it is linked to in the register, and only for the persons it
has visits with or is the chosen carer of (``BeneficiaryCarer``); a provider operator acts for
every carer of its provider (the visit services check the provider). Anything else is a 404.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Boolean, Integer, String, column, select
from sqlalchemy.orm import Session, make_transient_to_detached

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
    #: a person asked about with the carer (``device_of(person_id=)``) and whether the carer may act for them
    person_id: int | None = None
    person_known: bool = False
    #: that person's name and address, read with it (what a visit's answer shows)
    person_name: tuple[str, str | None] | None = None

    @property
    def is_carer(self) -> bool:
        return self.own_carer_id is not None


_CARER_COLUMNS = (column("id", Integer), column("provider_id", Integer), column("person_known", Boolean),
                  column("name", String), column("address", String))


def _carer_of_login_sql(_in) -> str:
    """The carer of a login, whether it may act for the person ``:person`` (``_carers_person_sql``) and
    that person's name and address."""
    return (f"SELECT c.id, c.provider_id, {_knows_person('c.id')}, p.name, p.address FROM carers c "
            "LEFT JOIN insured_persons p ON p.id = :person WHERE c.user_id = :user_id")


def _in_session(session: Session, carer_id: int, provider_id: int, user_id: int) -> Carer:
    """The carer as a persistent row of the session from the values read (its other columns load
    when first used): the services' ``session.get(Carer, id)`` then sends nothing."""
    carer = Carer(id=carer_id, provider_id=provider_id, user_id=user_id)
    make_transient_to_detached(carer)
    return session.merge(carer, load=False)


def device_of(session: Session, actor: Actor, *, operator: bool, person_id: int | None = None) -> Device:
    """The request's sender. An operator acts for any carer of its provider; a carer login must be
    linked to a carer of the register (Forbidden otherwise). With ``person_id`` the same statement
    reads whether the carer may act for that person (``check_person`` then sends nothing)."""
    if operator:
        return Device(actor, None)
    found = prepared.rows(session, ("carer of login",), _carer_of_login_sql,
                          {"user_id": actor.user_id, "person": person_id}, columns=_CARER_COLUMNS)
    if not found:
        raise Forbidden("该账号未关联护理人员名册，不能登记服务")
    row = found[0]
    return Device(actor, row.id, _in_session(session, row.id, row.provider_id, actor.user_id), person_id,
                  bool(row.person_known), None if row.name is None else (row.name, row.address))


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
    if device.person_id == person_id:
        known = device.person_known
    else:
        known = prepared.rows(session, ("carer's person",), _carers_person_sql,
                              {"carer": device.own_carer_id, "person": person_id})[0][0]
    if not known:
        raise NotFound(NO_PERSON, {"person_id": "not found"})


def _knows_person(carer: str) -> str:
    return (f"(EXISTS (SELECT 1 FROM visits WHERE carer_id = {carer} AND person_id = :person) "
            f"OR EXISTS (SELECT 1 FROM beneficiary_carers WHERE carer_id = {carer} AND person_id = :person))")


def _carers_person_sql(_in) -> str:
    return f"SELECT {_knows_person(':carer')}"


def _name_sql(_in) -> str:
    return "SELECT name, address FROM insured_persons WHERE id = :person"


def name_and_address(session: Session, person_id: int, device: Device | None = None) -> tuple[str, str | None]:
    """The person's name and address as a visit's answer shows them (one plain row; none when
    ``device`` read them with the person it acts for)."""
    if device is not None and device.person_id == person_id and device.person_name is not None:
        return device.person_name
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

