"""The monthly census of a bed-based provider (SPEC §5.4): who was in, their bed-days, payable and
not payable leave days, per stay and in total.

Set-based: one query reads the month's stays of the provider with their persons and leaves, then
the pure ``beddays`` reading (the one D02 and billing use) gives each day its status.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.core.months import last_of_month, month_bounds
from ltc.people.models import InsuredPerson
from ltc.policy.services import policy_on
from ltc.providers.records.beddays import DayStatus, LeaveFacts, StayFacts, counts, month_statuses
from ltc.providers.records.models import Leave, Stay

#: the policy section and parameter holding N of "a leave of at most N days is payable" (SPEC §6 D02)
LEAVE_LIMIT_SECTION, LEAVE_LIMIT_PARAM = "compliance", "d02_leave_days"


@dataclass(frozen=True)
class CensusRow:
    stay_id: int
    person_id: int
    name: str
    id_number: str
    care_type: str
    admitted_on: date
    discharged_on: date | None
    present: int               # days in the bed
    leave_payable: int         # days of leaves of at most N days
    leave_not_payable: int     # days of longer leaves (D02)

    @property
    def payable(self) -> int:
        return self.present + self.leave_payable


@dataclass
class Census:
    provider_id: int
    month: date
    as_of: date
    leave_limit: int
    rows: list[CensusRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        names = ("present", "leave_payable", "leave_not_payable", "payable")
        return {name: sum(getattr(row, name) for row in self.rows) for name in names} | {
            "persons": len({row.person_id for row in self.rows})}


def leave_limit_on(session: Session, day: date) -> int:
    """N of the policy in force on ``day``. Raises NoPolicyInForce or ValidationFailed."""
    return getattr(policy_on(session, day).section(LEAVE_LIMIT_SECTION), LEAVE_LIMIT_PARAM)


def _month_rows(session: Session, provider_id: int, month: date):
    start, end = month_bounds(month)
    stmt = (select(Stay.id, Stay.person_id, Stay.care_type, Stay.admitted_on, Stay.discharged_on,
                   InsuredPerson.name, InsuredPerson.id_number, InsuredPerson.death_date,
                   Leave.id, Leave.out_on, Leave.back_on)
            .join(InsuredPerson, InsuredPerson.id == Stay.person_id)
            .outerjoin(Leave, Leave.stay_id == Stay.id)
            .where(Stay.provider_id == provider_id, Stay.admitted_on < end,
                   or_(Stay.discharged_on.is_(None), Stay.discharged_on >= start))
            .order_by(InsuredPerson.name, InsuredPerson.id, Stay.admitted_on, Stay.id))
    return session.execute(stmt).tuples().all()


def monthly_census(session: Session, provider_id: int, month: date, *, leave_limit: int, as_of: date) -> Census:
    """The census of the month of ``month`` as known on ``as_of`` (no day after it is counted, and
    an open leave is judged on its days up to it). Stays without a day in the month are left out."""
    stays: dict[int, tuple] = {}
    facts: dict[int, StayFacts] = {}
    leaves: list[LeaveFacts] = []
    for (stay_id, person_id, care_type, admitted, discharged, name, id_number, death,
         leave_id, out_on, back_on) in _month_rows(session, provider_id, month):
        stays.setdefault(stay_id, (person_id, name, id_number, care_type, admitted, discharged))
        facts.setdefault(stay_id, StayFacts(stay_id, admitted, discharged, death))
        if leave_id is not None:
            leaves.append(LeaveFacts(leave_id, stay_id, out_on, back_on))
    statuses = month_statuses(facts.values(), leaves, month=month, leave_limit=leave_limit, as_of=as_of)
    census = Census(provider_id, month_bounds(month)[0], as_of, leave_limit)
    for stay_id, (person_id, name, id_number, care_type, admitted, discharged) in stays.items():
        days = counts(statuses[stay_id])
        if any(days.values()):
            census.rows.append(CensusRow(stay_id, person_id, name, id_number, care_type, admitted, discharged,
                                         days[DayStatus.PRESENT], days[DayStatus.LEAVE_PAYABLE],
                                         days[DayStatus.LEAVE_NOT_PAYABLE]))
    return census


def census_as_known(session: Session, provider_id: int, month: date, *, today: date) -> Census:
    """The census of a month as known today, under the leave limit in force on its last day read."""
    as_of = min(today, last_of_month(month))
    return monthly_census(session, provider_id, month, leave_limit=leave_limit_on(session, as_of), as_of=today)
